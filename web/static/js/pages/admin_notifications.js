// Admin: notifications. Webhook endpoints (the signing secret is shown once, when it is
// created or rotated, and never again), their deliveries with resend, a test event, and
// the Telegram chat told of sales. The bot token is write-only, as gateway secrets are.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { alertBox, clearErrors, emptyState, pager, showError, showFormError } from '../ui.js';

const EVENT_LABELS = {
  'user.created': 'Novo usuário', 'checkout.created': 'Novo pedido',
  'checkout.paid': 'Venda aprovada', 'checkout.review': 'Pagamento em revisão',
  'checkout.refunded': 'Venda reembolsada', 'checkout.abandoned': 'Pedido abandonado',
  'subscription.activated': 'Assinatura ativada', 'subscription.expired': 'Assinatura expirada',
  'withdrawal.requested': 'Pedido de arrependimento',
  'age_assurance.document_submitted': 'Documento de idade enviado', 'webhook.test': 'Evento de teste',
};
const STATUS_LABELS = { pending: 'Aguardando', sending: 'Enviando', succeeded: 'Entregue', failed: 'Falhou' };
const eventLabel = (name) => EVENT_LABELS[name] || name;

function eventBoxes(events, chosen) {
  return h('fieldset', { class: 'field' }, h('legend', {}, 'Eventos'),
    events.map((name) => field(eventLabel(name), `event:${name}`,
      { type: 'checkbox', value: chosen.includes(name) })));
}

const chosenEvents = (form, events) => events.filter((name) => form.elements[`event:${name}`]?.checked);

function secretNotice(secret) {
  return alertBox('success', 'Chave de assinatura (copie agora: ela não será exibida de novo): ',
    h('code', { class: 'secret', 'data-secret': true }, secret));
}

function deliveriesTable(list, path, reload) {
  return async function load(page = 1) {
    try {
      const found = await api(path, { query: { page, limit: 20 } });
      render(list, found.data.length ? table(found.data, [
        ['Evento', (d) => eventLabel(d.event)],
        ['webhook-id', (d) => h('code', {}, d.message_id)],
        ['Tentativas', (d) => String(d.attempts)],
        ['Código', (d) => (d.status_code == null ? '—' : String(d.status_code))],
        ['Duração', (d) => (d.duration_ms == null ? '—' : `${d.duration_ms} ms`)],
        ['Resposta', (d) => d.response_excerpt || d.last_error || '—'],
        ['Próxima tentativa', (d) => (d.next_attempt_at ? formatDateTime(d.next_attempt_at) : '—')],
        ['Situação', (d) => STATUS_LABELS[d.status] || d.status],
        ['', (d) => (['succeeded', 'failed'].includes(d.status) ? actionButton('Reenviar', async () => {
          await api(`/api/admin/webhook-deliveries/${d.id}/resend`, { method: 'POST' });
          reload();
        }) : '—')],
      ], 'Entregas') : emptyState('Nenhuma entrega ainda.'), pager(found, load));
    } catch (error) {
      showError(list, error, () => load(page));
    }
  };
}

function actionButton(label, action, className = 'btn btn-small') {
  const button = h('button', { class: className, type: 'button' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      button.replaceWith(h('span', { class: 'muted' }, error.message));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function endpointForm(events, onCreated) {
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'new-endpoint' },
    h('div', { class: 'form-alert' }),
    field('URL (https)', 'url', { type: 'url', placeholder: 'endereço https do seu sistema' }),
    field('Descrição (opcional)', 'description'),
    eventBoxes(events, ['checkout.paid']),
    h('button', { class: 'btn', type: 'submit' }, 'Adicionar endpoint'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const body = { url: (data.get('url') || '').trim(), events: chosenEvents(form, events),
      description: (data.get('description') || '').trim() || null };
    submitting(form, async () => {
      try {
        const created = await api('/api/admin/webhook-endpoints', { method: 'POST', body });
        form.reset();
        onCreated(created);
      } catch (error) {
        // The API refuses what is not https or reaches a private network (SSRF guard).
        if (error?.field === 'url' && error.status === 400) {
          error.text = 'Informe um endereço https público (localhost, IPs privados e redes internas não valem).';
        }
        showFormError(form, error);
      }
    });
  });
  return form;
}

function telegramForm(events, settings, onSaved) {
  const token = field('Token do bot', 'bot_token', { type: 'password', autocomplete: 'new-password',
    placeholder: settings.has_bot_token ? '•••••••• (definido)' : 'não definido',
    hint: settings.has_bot_token ? 'Deixe em branco para manter o token atual.' : 'Nunca é exibido depois de salvo.' });
  const form = h('form', { class: 'form', novalidate: true, 'data-form': 'telegram' },
    h('div', { class: 'form-alert' }), token,
    field('ID do chat', 'chat_id', { value: settings.chat_id || '', hint: 'Ex.: -1001234567890 (grupo ou canal com o bot)' }),
    eventBoxes(events, settings.events || []),
    field('Ativo', 'is_active', { type: 'checkbox', value: settings.is_active }),
    h('button', { class: 'btn', type: 'submit' }, 'Salvar'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const body = { chat_id: (data.get('chat_id') || '').trim() || null,
      events: chosenEvents(form, events), is_active: data.has('is_active') };
    if (data.get('bot_token')) body.bot_token = data.get('bot_token');
    submitting(form, async () => {
      try {
        await api('/api/admin/notifications/telegram', { method: 'PUT', body });
        inputOf(token).value = ''; // never kept on the page
        onSaved('Telegram: salvo.');
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

export default function adminNotifications(main) {
  return adminPage(main, 'Notificações', async (content) => {
    const { events } = await api('/api/admin/notifications/events');
    const notice = h('div', { 'aria-live': 'polite' });
    const endpoints = h('div', { class: 'stack', 'data-list': 'endpoints' });
    const deliveries = h('section', { class: 'card', hidden: true },
      h('div', { class: 'card-body' }, h('h2', {}, 'Entregas'), h('div', { 'data-list': 'deliveries' })));
    const telegram = h('div', {});
    const telegramLog = h('div', { 'data-list': 'telegram-deliveries' });

    async function showDeliveries(endpoint) {
      deliveries.hidden = false;
      const list = deliveries.querySelector('[data-list=deliveries]');
      const load = deliveriesTable(list, `/api/admin/webhook-endpoints/${endpoint.id}/deliveries`,
        () => load());
      render(deliveries.querySelector('h2'), `Entregas de ${endpoint.url}`);
      await load();
    }

    async function loadEndpoints(message) {
      const found = await api('/api/admin/webhook-endpoints', { query: { limit: 100 } });
      render(notice, message || null);
      render(endpoints, found.data.length ? table(found.data, [
        ['URL', (e) => h('span', { class: 'break' }, e.url, e.description ? h('span', { class: 'muted small' }, ` — ${e.description}`) : null)],
        ['Eventos', (e) => e.events.map(eventLabel).join(', ')],
        ['Situação', (e) => (e.is_active ? 'Ativo' : `Desativado${e.disabled_reason ? ` (${e.disabled_reason})` : ''}`)],
        ['Chave anterior válida até', (e) => (e.rotating_until ? formatDateTime(e.rotating_until) : '—')],
        ['', (e) => h('div', { class: 'actions' },
          actionButton('Entregas', () => showDeliveries(e)),
          actionButton('Enviar evento de teste', async () => {
            await api(`/api/admin/webhook-endpoints/${e.id}/test`, { method: 'POST' });
            await showDeliveries(e);
          }),
          actionButton('Nova chave', async () => {
            // eslint-disable-next-line no-alert
            if (!window.confirm('Gerar uma nova chave? A atual continua valendo por 24 horas.')) return;
            const rotated = await api(`/api/admin/webhook-endpoints/${e.id}/rotate-secret`, { method: 'POST' });
            await loadEndpoints(secretNotice(rotated.secret));
          }),
          actionButton(e.is_active ? 'Desativar' : 'Ativar', async () => {
            await api(`/api/admin/webhook-endpoints/${e.id}`, { method: 'PATCH', body: { is_active: !e.is_active } });
            await loadEndpoints();
          }),
          actionButton('Excluir', async () => {
            // eslint-disable-next-line no-alert
            if (!window.confirm(`Excluir o endpoint ${e.url} e suas entregas?`)) return;
            await api(`/api/admin/webhook-endpoints/${e.id}`, { method: 'DELETE' });
            deliveries.hidden = true;
            await loadEndpoints();
          }, 'btn btn-small btn-ghost'))],
      ], 'Endpoints de webhook') : emptyState('Nenhum endpoint cadastrado.'));
    }

    async function loadTelegram(message) {
      const settings = await api('/api/admin/notifications/telegram');
      render(telegram, message ? alertBox('success', message) : null,
        telegramForm(events, settings, loadTelegram),
        settings.is_active ? actionButton('Enviar mensagem de teste', async () => {
          await api('/api/admin/notifications/telegram/test', { method: 'POST' });
          await loadTelegramLog();
        }) : null);
    }
    const loadTelegramLog = deliveriesTable(telegramLog, '/api/admin/notifications/telegram/deliveries',
      () => loadTelegramLog());

    content.append(
      h('section', { class: 'card' }, h('div', { class: 'card-body' },
        h('h2', {}, 'Webhooks'),
        h('p', { class: 'muted' }, 'Cada evento é enviado por POST assinado no padrão Standard Webhooks ',
          '(cabeçalhos webhook-id, webhook-timestamp e webhook-signature). Falhas são repetidas por até ',
          'um dia; um endpoint que falha por 5 dias é desativado e os administradores recebem um e-mail.'),
        notice, endpoints,
        h('h3', {}, 'Novo endpoint'),
        endpointForm(events, (created) => loadEndpoints(secretNotice(created.secret))))),
      deliveries,
      h('section', { class: 'card' }, h('div', { class: 'card-body' },
        h('h2', {}, 'Telegram'),
        h('p', { class: 'muted' }, 'Uma mensagem por evento escolhido, como “💰 Venda aprovada — Mensal + 1 bump — R$ 39,80 — Maria S.”'),
        telegram, h('h3', {}, 'Entregas ao Telegram'), telegramLog)));
    await Promise.all([loadEndpoints(), loadTelegram(), loadTelegramLog()]);
  });
}
