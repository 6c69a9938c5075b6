// Admin: payment gateways. Secret keys are write-only: the API only says whether one is
// set; this form never shows one, sends a new one only when typed, and can remove it.
import { api } from '../api.js';
import { adminPage } from '../admin/shell.js';
import { h, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { alertBox, clearErrors, showFormError } from '../ui.js';

const NAMES = { junglepay: 'JunglePay (PIX e cartão)', dias: 'Dias Marketplace (checkout externo)' };
const CHARGING = { sandbox: 'Sandbox (testes)', junglepay: 'JunglePay', dias: 'Dias' };
// The circuit breaker of this app server process (GET /api/admin/payment-gateways).
const CIRCUIT = {
  closed: ['status-active', 'Respondendo'],
  open: ['status-failed', 'Fora do ar: chamadas recusadas'],
  half_open: ['status-paused', 'Testando de novo'],
};

function circuitLine(circuit) {
  if (!circuit || !circuit.state) return null;
  const [css, label] = CIRCUIT[circuit.state] || ['', circuit.state];
  const until = circuit.open_until
    ? ` até ${new Date(circuit.open_until * 1000).toLocaleTimeString('pt-BR', { timeZone: 'America/Sao_Paulo' })}`
    : '';
  const failures = circuit.consecutive_failures
    ? ` · ${circuit.consecutive_failures} falha(s) seguida(s)` : '';
  return h('p', { class: 'small', 'data-circuit': circuit.state },
    'Conexão: ', h('span', { class: `status ${css}` }, label), `${until}${failures}`);
}

function gatewayForm(gateway, onSaved) {
  const secret = field('Chave secreta', 'secret_key', { type: 'password', autocomplete: 'new-password',
    placeholder: gateway.has_secret_key ? '•••••••• (definida)' : 'não definida',
    hint: gateway.has_secret_key ? 'Deixe em branco para manter a chave atual.' : 'Nunca é exibida depois de salva.' });
  const postback = field('URL de postback (opcional)', 'postback_url', { type: 'url',
    value: gateway.postback_url || '', hint: `Gerada: ${gateway.generated_postback_url}` });
  const form = h('form', { class: 'form', novalidate: true, 'data-gateway': gateway.name },
    h('div', { class: 'form-alert' }),
    field('Chave pública', 'public_key', { value: gateway.public_key || '', autocomplete: 'off' }),
    secret,
    gateway.has_secret_key ? field('Remover a chave secreta', 'remove_secret', { type: 'checkbox' }) : null,
    postback,
    field('Ativo (o ativo cobra os novos checkouts)', 'is_active', { type: 'checkbox', value: gateway.is_active }),
    h('button', { class: 'btn', type: 'submit' }, 'Salvar'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const body = { public_key: (data.get('public_key') || '').trim() || null,
      postback_url: (data.get('postback_url') || '').trim() || null,
      is_active: data.has('is_active') };
    const typed = data.get('secret_key');
    if (data.has('remove_secret')) body.secret_key = null;
    else if (typed) body.secret_key = typed;
    submitting(form, async () => {
      try {
        await api(`/api/admin/payment-gateways/${gateway.name}`, { method: 'PUT', body });
        inputOf(secret).value = ''; // never kept on the page
        onSaved(`${NAMES[gateway.name] || gateway.name}: salvo.`);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return h('section', { class: 'card' }, h('div', { class: 'card-body' },
    h('h2', {}, NAMES[gateway.name] || gateway.name,
      gateway.is_active ? h('span', { class: 'status status-active' }, 'Ativo') : null),
    h('p', { class: 'muted small' }, gateway.has_secret_key ? 'Chave secreta definida.' : 'Sem chave secreta.'),
    circuitLine(gateway.circuit),
    form));
}

export default function gateways(main) {
  return adminPage(main, 'Gateways de pagamento', async (content) => {
    const notice = h('div', { 'aria-live': 'polite' });
    const list = h('div', { class: 'stack' });
    async function load(message) {
      const found = await api('/api/admin/payment-gateways');
      render(notice,
        message ? alertBox('success', message) : null,
        alertBox('info', 'Cobrando agora: ',
          h('strong', {}, CHARGING[found.charging_gateway] || found.charging_gateway || 'nenhum')));
      render(list, found.data.map((g) => gatewayForm(g, load)));
    }
    content.append(notice, list);
    await load();
  });
}
