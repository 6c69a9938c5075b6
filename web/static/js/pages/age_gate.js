// The age gate (Lei 15.211/2025, ECA Digital): until the visitor is age-assured, the
// storefront shows no adult media; this page offers the verification methods the server
// has enabled. Self-declaration ("tenho 18 anos") is not one of them: the law forbids it.
import { documentMethod } from '../age_document.js';
import { api, session } from '../api.js';
import { formatDate, h, pageTitle, param, render, safeNext } from '../dom.js';
import { showError } from '../ui.js';

const LABELS = {
  oidc: ['Verificar com um provedor de identidade',
    'Você entra no provedor (carteira digital, gov.br ou serviço de verificação) e ele nos diz apenas se você tem 18 anos ou mais.'],
  card: ['Assinar com cartão de crédito',
    'Um pagamento aprovado no cartão de crédito, feito nesta página de checkout, verifica a idade da sua conta na hora. Pagamentos por PIX não verificam.'],
  document: ['Enviar a foto de um documento oficial',
    'Um administrador confere a foto e a apaga assim que decide; guardamos apenas o resultado.'],
  sandbox: ['Confirmar (ambiente de teste)',
    'Somente na instalação de demonstração: confirma sem verificar nada.'],
};

function next() {
  return safeNext(param('voltar'), '/');
}

async function sandbox(button, where) {
  button.disabled = true;
  try {
    await api('/api/age-assurance/sandbox', { method: 'POST' });   // sets the cookie
    window.location.assign(next());
  } catch (error) {
    button.disabled = false;
    showError(where, error);
  }
}

function method(offer, where) {
  const [title, text] = LABELS[offer.method] || [offer.method, ''];
  let action;
  if (offer.method === 'sandbox') {
    action = h('button', { class: 'btn', type: 'button', 'data-method': 'sandbox' }, title);
    action.addEventListener('click', () => sandbox(action, where));
  } else if (offer.method === 'oidc') {
    action = h('a', { class: 'btn', href: '/api/age-assurance/oidc/start' }, 'Continuar');
    if (session()) {
      // A link carries no bearer token: ask for the account's attempt, then go.
      action.addEventListener('click', async (event) => {
        event.preventDefault();
        try {
          const started = await api('/api/age-assurance/oidc/start', { method: 'POST' });
          window.location.assign(started.location);
        } catch (error) {
          showError(where, error);
        }
      });
    }
  } else if (offer.method === 'card') {
    action = h('a', { class: 'btn', href: '/planos' }, 'Ver planos');
  } else {
    action = documentMethod();
  }
  return h('article', { class: 'card age-method', 'data-method': offer.method },
    h('div', { class: 'card-body' }, h('h2', {}, title), h('p', { class: 'muted' }, text), action));
}

/** Whether the logged-in member already pays a plan (then a card purchase is no way
 *  through for them: they paid; the page never asks them to pay again). */
async function subscribed() {
  if (!session()) return false;
  try {
    const me = await api('/api/me');
    return Boolean(me.subscription);
  } catch {
    return false;
  }
}

export default async function ageGate(main) {
  pageTitle('Verificação de idade');
  const where = h('div', { 'aria-live': 'polite' });
  try {
    const [status, paid] = await Promise.all([api('/api/age-assurance'), subscribed()]);
    if (status.assured) {
      render(main, h('div', { class: 'intro age-gate' }, h('h1', {}, 'Idade verificada'),
        h('p', { class: 'lead' }, status.until ? `Válida até ${formatDate(status.until)}.` : 'Acesso liberado.'),
        h('a', { class: 'btn', href: next() }, 'Ver o conteúdo')));
      return;
    }
    // A member who already paid (PIX) is shown only the ways that need no payment.
    const offers = status.methods.filter((offer) => !(paid && offer.method === 'card'));
    render(main, h('div', { class: 'intro age-gate' },
      h('h1', {}, paid ? 'Falta só verificar a sua idade' : 'Conteúdo para maiores de 18 anos'),
      h('p', { class: 'lead' }, paid
        ? 'Seu pagamento está confirmado e a assinatura ativa. A lei brasileira exige verificar a sua idade antes de mostrar o conteúdo adulto (um pagamento por PIX não verifica). Não é preciso pagar de novo: escolha uma forma de verificação:'
        : 'A lei brasileira exige verificar a sua idade antes de mostrar este conteúdo. Escolha uma forma de verificação:'),
      status.pending_document ? h('div', { class: 'alert alert-info age-in-review', role: 'status' },
        h('strong', {}, 'Documento em análise. '),
        'Um administrador vai conferir a foto; você recebe um e-mail com a decisão e o conteúdo é liberado assim que ela for aprovada.') : null),
    h('div', { class: 'age-methods' }, offers.map((offer) => method(offer, where))),
    where,
    h('p', { class: 'muted small' }, 'Planos, preços, pagamento e a sua conta continuam disponíveis: ',
      h('a', { href: '/planos' }, 'ver planos'), '.'));
  } catch (error) {
    showError(main, error, () => ageGate(main));
  }
}
