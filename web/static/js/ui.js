// What every page shares: header and footer, alerts, pagination, and showing the API's
// errors in Portuguese next to the field they name.
import { api, clearSession, isAdmin, session } from './api.js';
import { h, render } from './dom.js';
import { brand, siteName } from './brand.js';

// pt-BR text for the fields the API names in its errors (its messages are English).
const FIELD_MESSAGES = {
  email: 'Informe um e-mail válido.',
  password: 'A senha precisa ter pelo menos 8 caracteres.',
  'customer.name': 'Informe seu nome.',
  'customer.email': 'Informe um e-mail válido.',
  'customer.document': 'Informe um CPF válido.',
  'customer.phone': 'Informe um celular com DDD (10 ou 11 dígitos).',
  placement: 'Este posicionamento não vale para o tipo escolhido.',
  link: 'Informe um link http(s) válido.',
  image_url: 'Informe uma URL http(s) válida.',
  end_date: 'O fim precisa ser depois do início.',
  token: 'Este link expirou ou já foi usado.',
  q: 'Digite ao menos 3 dígitos do CPF ou telefone, ou parte do nome ou do e-mail.',
  pix_account: 'Informe a conta recebedora como agência/conta ou só a conta, em dígitos, '
    + 'com o dígito verificador depois do hífen (ex.: 0001/123456-7; agência com até 4 dígitos).',
  pix_account_type: 'Escolha o tipo de conta: corrente, poupança ou pagamento.',
  from: 'Informe uma data válida.',
  to: 'Informe uma data válida (não antes do início).',
  plan_id: 'Escolha um plano válido.',
};
// pt-BR text by the API's error code (its messages are English, for API clients).
const CODE_MESSAGES = {
  payment_refused: 'O pagamento foi recusado. Confira os dados ou use outro meio de pagamento.',
  gateway_rejected: 'O gateway de pagamento recusou o pedido. Confira os dados e tente de novo.',
  gateway_timeout: 'O gateway de pagamento demorou a responder. Tente de novo em instantes.',
  gateway_busy: 'O gateway de pagamento está ocupado. Tente de novo em instantes.',
  gateway_circuit_open: 'O gateway de pagamento está fora do ar no momento. Tente de novo em alguns minutos.',
  method_disabled: 'Este método não está disponível.',
  invalid_json: 'Os dados enviados não puderam ser lidos. Recarregue a página e tente de novo.',
  invalid_signature: 'Este link expirou. Recarregue a página.',
  csrf_failed: 'Não conseguimos confirmar que o pedido veio desta página. Recarregue e tente de novo.',
  age_assurance_required: 'Confirme sua idade para ver este conteúdo.',
  payload_too_large: 'Envio grande demais.',
  unauthenticated: 'Sua sessão expirou. Entre de novo.',
};
// Codes whose message the API writes in Portuguese for the person reading it.
const PT_BR_CODES = new Set(['plan_has_sales']);
const STATUS_MESSAGES = {
  0: 'Sem conexão com o servidor. Tente de novo.',
  400: 'Confira os dados informados.',
  401: 'Sua sessão expirou. Entre de novo.',
  402: 'O pagamento foi recusado. Confira os dados ou use outro meio de pagamento.',
  403: 'Você não tem acesso a isto.',
  404: 'Não encontramos o que você procurou.',
  409: 'Conflito: isto mudou ou já existe.',
  413: 'Envio grande demais.',
  429: 'Muitas tentativas. Aguarde um pouco.',
  502: 'O gateway de pagamento recusou o pedido.',
  503: 'Serviço indisponível no momento. Tente de novo em instantes.',
  504: 'O serviço demorou a responder. Tente de novo.',
};

/** A sentence for the visitor about an ApiError (or anything thrown). */
export function describe(error) {
  if (error?.text) return error.text; // a message the page wrote itself
  if (PT_BR_CODES.has(error?.code) && error.message) return error.message;
  if (error?.field && FIELD_MESSAGES[error.field]) return FIELD_MESSAGES[error.field];
  if (CODE_MESSAGES[error?.code]) return CODE_MESSAGES[error.code];
  if (error?.status in STATUS_MESSAGES) return STATUS_MESSAGES[error.status];
  // Never the API's English: a person reads this.
  if (error?.status >= 400 && error?.status < 500) return 'Não foi possível concluir o pedido.';
  return 'Algo deu errado. Tente de novo.';
}

export function alertBox(kind, ...content) {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    ...content);
}

/** Shows `error` in `where` (replacing its content), and keeps unexpected programming
 *  errors visible in the console for whoever debugs. */
export function showError(where, error, retry) {
  if (!(error && 'status' in error)) console.error(error); // eslint-disable-line no-console
  render(where, alertBox('error', describe(error),
    retry ? h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: retry },
      'Tentar de novo') : null));
}

/** The signed-in member (GET /api/me) for a member page; null once a visitor is sent
 *  to log in (coming back to `path`) or an error is shown in `where` with `retry`. */
export async function memberOrLogin(where, path, retry) {
  const toLogin = () => window.location.assign(`/entrar?next=${encodeURIComponent(path)}`);
  if (!session()) { toLogin(); return null; }
  try {
    return await api('/api/me');
  } catch (error) {
    if (error.status === 401) toLogin();
    else showError(where, error, retry);
    return null;
  }
}

/** Clears the inline errors of a form. */
export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const general = form.querySelector('.form-alert');
  if (general) general.replaceChildren();
}

/** Puts the API's error under the input it names (name="customer.document"...), or at
 *  the top of the form when no input matches. */
export function showFormError(form, error) {
  clearErrors(form);
  const input = error?.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
  if (input) {
    fieldError(input, describe(error));
    input.focus();
    return;
  }
  let general = form.querySelector('.form-alert');
  if (!general) {
    general = h('div', { class: 'form-alert' });
    form.prepend(general);
  }
  render(general, alertBox('error', describe(error)));
}

export function fieldError(input, message) {
  const id = `${input.id || input.name}-error`.replace(/[^a-zA-Z0-9_-]/g, '-');
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', id);
  const where = input.closest('.field') || input.parentElement;
  where.append(h('p', { class: 'field-error', id, role: 'alert' }, message));
}

/** Pagination links for a page {page, total_pages} of the API. */
export function pager(page, onPage) {
  if (!page || page.total_pages <= 1) return null;
  const button = (label, target, disabled) => h('button', {
    class: 'btn btn-small btn-ghost', type: 'button', disabled,
    onclick: () => onPage(target), 'aria-label': `${label} (página ${target})`,
  }, label);
  return h('nav', { class: 'pager', 'aria-label': 'Paginação' },
    button('‹ Anterior', page.page - 1, page.page <= 1),
    h('span', { class: 'pager-info' }, `Página ${page.page} de ${page.total_pages}`),
    button('Próxima ›', page.page + 1, page.page >= page.total_pages));
}

function navLink(href, label) {
  const here = window.location.pathname === href
    || (href !== '/' && href !== '/admin' && window.location.pathname.startsWith(href));
  return h('a', { href, class: here ? 'nav-link active' : 'nav-link',
    'aria-current': here ? 'page' : null }, label);
}

export function renderHeader() {
  const logged = session();
  const logout = async () => {
    // The token stops working on the server too (POST /api/auth/logout), not only here.
    try { await api('/api/auth/logout', { method: 'POST' }); } catch { /* ended anyway */ }
    clearSession();
    window.location.assign('/');
  };
  const name = siteName();
  const mark = h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, name.slice(0, 1).toUpperCase());
  brand().then((found) => {
    if (found.logo_src) mark.replaceWith(h('img', { class: 'brand-logo', src: found.logo_src, alt: '' }));
  });
  render(document.getElementById('site-header'),
    h('div', { class: 'header-inner' },
      h('a', { href: '/', class: 'brand', 'aria-label': `${name}, início` }, mark, name),
      h('nav', { class: 'main-nav', 'aria-label': 'Principal' },
        navLink('/', 'Início'), navLink('/planos', 'Planos'),
        isAdmin() ? navLink('/admin', 'Admin') : null,
        logged ? navLink('/minha-conta', 'Minha conta') : navLink('/entrar', 'Entrar'),
        logged ? h('button', { class: 'nav-link nav-button', type: 'button', onclick: logout },
          'Sair') : h('a', { href: '/cadastro', class: 'btn btn-small' }, 'Criar conta'))));
}

const PLATFORM_LABELS = { whatsapp: 'WhatsApp', telegram: 'Telegram', other: 'Suporte' };

export async function renderFooter() {
  const footer = document.getElementById('site-footer');
  const year = new Date().getFullYear();
  const { support_email: email } = await brand();
  const base = () => h('p', { class: 'muted' }, `© ${year} ${siteName()} · Conteúdo para maiores de 18 anos.`,
    email ? [' · ', h('a', { href: `mailto:${email}`, class: 'support-email' }, email)] : null);
  render(footer, h('div', { class: 'footer-inner' }, base()));
  try {
    const contacts = await api('/api/support-contacts', { auth: false, query: { limit: 10 } });
    if (!contacts?.data?.length) return;
    render(footer, h('div', { class: 'footer-inner' },
      h('div', { class: 'support' }, h('strong', {}, 'Suporte: '),
        contacts.data.map((c) => h('a', { href: c.url, rel: 'noopener', target: '_blank',
          class: 'support-link' }, PLATFORM_LABELS[c.platform] || c.platform))),
      base()));
  } catch {
    // The footer is optional: the page works without its contacts.
  }
}

export function section(title, ...children) {
  return h('section', { class: 'section' }, title ? h('h2', { class: 'section-title' }, title) : null,
    ...children);
}

export function emptyState(text, action) {
  return h('div', { class: 'empty' }, h('p', {}, text), action || null);
}
