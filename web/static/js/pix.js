// Checkout, step 2 and 3: the PIX QR code (drawn by the server), the copy-and-paste
// code, the expiry countdown and the status polling, then the success screen with the
// set-password step for buyers whose account the payment created.
import { api, apiBlobUrl, session } from './api.js';
import { setPasswordForm } from './auth_card.js';
import { h, money, parseUtc, render } from './dom.js';
import { alertBox } from './ui.js';

const SAVED = 'cf.checkout';
const POLL_MS = 3000;

/** The checkout this tab started and has not finished, if any ({plan_id, checkout}). */
export function pendingCheckout(planId) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SAVED) || 'null');
    return saved && (!planId || saved.plan_id === planId) ? saved : null;
  } catch {
    return null;
  }
}

function remember(checkout) {
  try {
    sessionStorage.setItem(SAVED, JSON.stringify({ plan_id: checkout.plan_id, checkout }));
  } catch {
    // not resumable after a reload, still payable now
  }
}

function forget() {
  try { sessionStorage.removeItem(SAVED); } catch { /* nothing saved */ }
}

async function copy(text, textarea) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    textarea.select(); // the buyer can still copy it by hand
    return false;
  }
}

function countdown(expiresAt, onExpired) {
  const end = parseUtc(expiresAt);
  const el = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
  if (!end) return { el, stop: () => {} };
  const tick = () => {
    const left = Math.max(0, Math.floor((end.getTime() - Date.now()) / 1000));
    const hh = String(Math.floor(left / 3600)).padStart(2, '0');
    const mm = String(Math.floor((left % 3600) / 60)).padStart(2, '0');
    const ss = String(left % 60).padStart(2, '0');
    el.textContent = left ? `O código expira em ${hh}:${mm}:${ss}` : 'O código PIX expirou.';
    if (!left) { clearInterval(timer); onExpired(); }
  };
  const timer = setInterval(tick, 1000);
  tick();
  return { el, stop: () => clearInterval(timer) };
}

// What each age-check method is called for a buyer who has already paid (the card is
// not among them: they paid; nobody is asked to pay again).
const AGE_WAYS = { document: 'envio da foto de um documento oficial',
  oidc: 'um provedor de identidade', sandbox: 'confirmação de teste' };

/** After a payment that did not verify the buyer's age (PIX): the way to the content is
 *  the age check, with the methods they can still use. Null when nothing is missing. */
async function ageStep(plan) {
  let age;
  try {
    age = await api('/api/age-assurance');
  } catch {
    return null;
  }
  if (!age.gate || age.assured) return null;
  const ways = age.methods.map((m) => AGE_WAYS[m.method]).filter(Boolean);
  return h('section', { class: 'card success age-next' }, h('div', { class: 'card-body' },
    h('h1', {}, 'Pagamento confirmado!'),
    h('p', {}, `Sua assinatura ${plan.name} está ativa. Para ver o conteúdo adulto, falta só verificar a sua idade — o pagamento por PIX não a verifica, e não é preciso pagar de novo.`),
    ways.length ? h('p', { class: 'muted' }, `Você pode verificar por ${ways.join(' ou ')}.`) : null,
    h('div', { class: 'actions' },
      h('a', { class: 'btn', href: '/verificacao-idade?voltar=%2F', 'data-action': 'verify-age' }, 'Verificar minha idade'),
      h('a', { class: 'btn btn-ghost', href: '/minha-conta' }, 'Minha conta'))));
}

/** The paid screen (a PIX confirmed, or a card paid at once in the checkout page). */
export function showPaid(main, plan, checkout) {
  success(main, plan, checkout);
}

function success(main, plan, checkout) {
  forget();
  const ready = async () => {
    const step = await ageStep(plan);
    if (step) { render(main, step); return; }
    render(main, h('section', { class: 'card success' }, h('div', { class: 'card-body' },
      h('h1', {}, 'Tudo pronto!'),
      h('p', {}, `Sua assinatura ${plan.name} está ativa. Aproveite o conteúdo.`),
      h('div', { class: 'actions' }, h('a', { class: 'btn', href: '/' }, 'Ver conteúdo'),
        h('a', { class: 'btn btn-ghost', href: '/minha-conta' }, 'Minha conta')))));
  };
  if (checkout.set_password) {
    render(main, h('section', { class: 'card success' }, h('div', { class: 'card-body' },
      h('h1', {}, 'Pagamento confirmado!'),
      h('p', {}, `Criamos sua conta com o e-mail informado. Defina uma senha para acessar o plano ${plan.name}.`),
      setPasswordForm(checkout.set_password.token, ready))));
  } else if (session()) {
    ready();
  } else {
    render(main, h('section', { class: 'card success' }, h('div', { class: 'card-body' },
      h('h1', {}, 'Pagamento confirmado!'),
      h('p', {}, 'A assinatura foi ligada à conta do e-mail informado. Entre para acessar.'),
      h('a', { class: 'btn', href: '/entrar' }, 'Entrar'))));
  }
}

function closed(main, plan, status) {
  forget();
  const text = status === 'refunded' ? 'Este pagamento foi estornado.'
    : 'Este pagamento não foi concluído.';
  render(main, h('section', { class: 'card' }, h('div', { class: 'card-body' },
    h('h1', {}, 'Pagamento não concluído'), h('p', {}, text),
    h('a', { class: 'btn', href: `/checkout?plano=${plan.id}` }, 'Tentar de novo'))));
}

/** The PIX step for `checkout` (as POST /api/checkouts answered); polls until paid.
 *  Pix Automático's QR is one too: it pays the first period and authorises the next. */
export function showPayment(main, plan, checkout) {
  remember(checkout);
  const token = checkout.access_token;
  const payment = checkout.payment || {};
  const recurring = payment.method === 'pix_automatico';
  const code = payment.copy_paste || payment.qr_code || '';
  const qr = h('div', { class: 'qr', 'aria-busy': 'true' }, h('span', { class: 'muted' }, 'Gerando QR Code…'));
  const textarea = h('textarea', { class: 'pix-code', readonly: true, rows: 3,
    'aria-label': 'Código PIX copia e cola' });
  textarea.value = code;
  const copied = h('span', { class: 'copied', role: 'status' });
  const status = h('p', { class: 'poll-status muted', role: 'status' }, 'Aguardando o pagamento…');
  let polling = true;
  const timer = countdown(payment.expires_at, () => {
    polling = false;
    status.replaceChildren(alertBox('error', 'O código expirou. ',
      h('a', { href: `/checkout?plano=${plan.id}`, onclick: forget }, 'Gerar um novo PIX')));
  });
  render(main, h('section', { class: 'card pix' }, h('div', { class: 'card-body' },
    h('h1', {}, recurring ? 'Pague e autorize no app do seu banco' : 'Pague com PIX'),
    h('p', {}, 'Total: ', h('strong', { class: 'charged-total' }, money(checkout.total_amount)),
      ` · ${plan.name}`),
    qr,
    h('ol', { class: 'steps muted small' },
      h('li', {}, 'Abra o app do seu banco e escolha PIX.'),
      h('li', {}, 'Leia o QR Code ou cole o código abaixo.'),
      recurring ? h('li', {}, 'Confirme o pagamento e a autorização do PIX Automático.') : null,
      h('li', {}, 'A confirmação aparece aqui automaticamente.')),
    textarea,
    h('div', { class: 'actions' },
      h('button', { class: 'btn', type: 'button', disabled: !code, onclick: async () => {
        copied.textContent = (await copy(code, textarea)) ? 'Código copiado!' : 'Selecionado: copie com Ctrl+C.';
      } }, 'Copiar código'), copied),
    timer.el, status,
    h('p', { class: 'small' }, h('a', { href: `/checkout?plano=${plan.id}`, onclick: forget },
      'Alterar o pedido')))));

  if (code) {
    apiBlobUrl(`/api/checkouts/${checkout.id}/qr.svg`, {}, { 'X-Checkout-Token': token })
      .then((url) => render(qr, h('img', { src: url, alt: 'QR Code PIX', class: 'qr-image' })))
      .catch(() => render(qr, h('span', { class: 'muted' }, 'Use o código copia e cola.')))
      .finally(() => qr.removeAttribute('aria-busy'));
  } else {
    render(qr, alertBox('info', 'O código PIX ainda está sendo gerado. Aguarde nesta página.'));
  }

  const poll = async () => {
    if (!polling || !main.contains(status)) return;
    try {
      // The token in a header, never in the URL (URLs end up in logs and history).
      const now = await api(`/api/checkouts/${checkout.id}`, { auth: false,
        headers: { 'X-Checkout-Token': token } });
      if (now.status === 'paid') { timer.stop(); success(main, plan, now); return; }
      if (now.status === 'review') {
        // Paid, but not the amount asked: a person settles it; do not pay again.
        timer.stop();
        status.replaceChildren(alertBox('info', 'Recebemos um pagamento com valor diferente '
          + 'do pedido. Ele está em análise: você verá a confirmação aqui. Não pague de novo.'));
      } else if (now.status !== 'pending') { timer.stop(); closed(main, plan, now.status); return; }
    } catch (error) {
      if (error.status >= 400 && error.status < 500) {
        timer.stop();
        forget();
        status.replaceChildren(alertBox('error', 'Não foi possível acompanhar este pagamento. ',
          h('a', { href: '/planos' }, 'Voltar aos planos')));
        return;
      }
      // network or 5xx: keep trying
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}
