// Checkout, step 1: the plan, its order bumps (the total shown follows the boxes ticked;
// the server prices the order and its total is what is charged), the buyer's details
// with CPF and phone masks, and the errors the API names by field.
import { api, session } from '../api.js';
import { durationLabel, h, money, pageTitle, param, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { formatCpf, formatPhone, mask } from '../masks.js';
import { cardFieldset, cardRefusal } from '../card_form.js';
import { pendingCheckout, showPaid, showPayment } from '../pix.js';
import { mailedCheckout, prefillRenewal } from '../mail_links.js';
import { alertBox, clearErrors, emptyState, fieldError, showError, showFormError } from '../ui.js';

// How the buyer can verify their age after paying, by method (issue 22).
const AGE_WAYS = { document: 'enviando a foto de um documento oficial',
  oidc: 'por um provedor de identidade', sandbox: 'pela confirmação de teste' };

function bumpOption(bump, onChange) {
  const id = `bump-${bump.id}`;
  return h('label', { class: 'bump', for: id },
    h('input', { type: 'checkbox', id, name: 'order_bump_ids', value: String(bump.id),
      'data-price': String(bump.price), onchange: onChange }),
    h('span', { class: 'bump-text' },
      h('strong', {}, bump.name),
      bump.description ? h('span', { class: 'muted small' }, bump.description) : null),
    h('span', { class: 'bump-price' }, `+ ${money(bump.price)}`));
}

// Pix Automático (issue 26): what the buyer agrees to in their bank, said before they go.
const PIX_AUTOMATICO_NOTE = 'Você autoriza uma vez no app do seu banco; as próximas cobranças '
  + 'chegam sozinhas, no máximo o valor do plano, e você pode cancelar quando quiser no banco '
  + 'ou em Minha conta.';

/** Whether the checkout offers "PIX Automático" for `plan`: it renews automatically, is
 *  sold by PIX, and its duration is one the gateway charging here renews by Pix. */
function pixAutomaticoOffered(plan, options) {
  return plan.accepts_pix && plan.renewal === 'automatic'
    && options.pix_automatico.includes(plan.duration);
}

function methods(plan, options) {
  const found = [];
  // First: recurring revenue is what the operator wants the buyer to pick.
  if (pixAutomaticoOffered(plan, options)) {
    found.push(['pix_automatico', 'PIX Automático (paga agora e renova sozinho)']);
  }
  if (plan.accepts_pix) found.push(['pix', 'PIX (aprovação na hora)']);
  if (plan.accepts_card && options.card) {
    // In the page: the card is encrypted here by JunglePay's script (card_form.js).
    found.push(['credit_card', `Cartão de crédito — até ${plan.max_installments || 12}x`]);
  } else if (plan.accepts_card && plan.checkout_url) {
    // On the plan's external checkout (the card is never typed here).
    found.push(['credit_card', 'Cartão de crédito']);
  }
  return found;
}

/** Before paying: adult content needs an age check, and which methods this site has. */
function ageNotice(age, options, plan) {
  if (!age || !age.gate || age.assured) return null;
  const offered = age.methods.map((m) => m.method);
  const card = offered.includes('card') && options.card && plan.accepts_card;
  const others = offered.map((m) => AGE_WAYS[m]).filter(Boolean);
  return h('div', { class: 'alert alert-info age-notice', role: 'note' },
    h('strong', {}, 'Conteúdo adulto: é preciso verificar a sua idade. '),
    card ? 'Pagando com cartão de crédito aqui, a idade é verificada na hora. ' : null,
    others.length ? `${card ? 'Com PIX, ' : 'Depois do pagamento, '}verifique ${others.join(' ou ')} — sem pagar de novo.`
      : null);
}

function checkoutForm(main, plan, bumps, options, age) {
  const user = session()?.user;
  const total = h('strong', { class: 'total-value', 'aria-live': 'polite' }, money(plan.price));
  let form = null;
  let coupon = null;   // {code, discount} once the server accepted the code typed
  const totalNow = () => {
    const ticked = [...form.querySelectorAll('input[name=order_bump_ids]:checked')];
    return plan.price - (coupon ? coupon.discount : 0)
      + ticked.reduce((s, b) => s + Number(b.dataset.price), 0);
  };
  let card = null;
  const update = () => {
    total.textContent = money(totalNow());
    if (card) card.refresh();
  };
  const choices = methods(plan, options);
  const inPage = plan.accepts_card && options.card;
  card = inPage ? cardFieldset(plan, options.card, () => (form ? totalNow() : plan.price)) : null;
  const submit = h('button', { class: 'btn btn-block btn-large', type: 'submit' });   // showChosen names it
  const pixNote = h('p', { class: 'small pix-automatico-note' }, PIX_AUTOMATICO_NOTE);
  const chosen = () => form.querySelector('[name=payment_method]:checked, input[type=hidden][name=payment_method]')?.value;
  const showChosen = () => {
    const byCard = chosen() === 'credit_card';
    if (card) card.hidden = !byCard;
    pixNote.hidden = chosen() !== 'pix_automatico';
    submit.textContent = !byCard ? 'Gerar PIX' : (inPage ? 'Pagar com cartão' : 'Continuar para o pagamento');
  };
  const cpf = field('CPF', 'customer.document', { inputmode: 'numeric', autocomplete: 'off',
    placeholder: '000.000.000-00' });
  const phone = field('Celular com DDD', 'customer.phone', { type: 'tel', inputmode: 'tel',
    autocomplete: 'tel-national', placeholder: '(11) 98765-4321' });
  mask(inputOf(cpf), formatCpf);
  mask(inputOf(phone), formatPhone);
  // A coupon (issue 25): the server says what it takes off the plan's price; the total
  // shown follows, and the code goes with the order (the server applies it again).
  const couponInput = h('input', { id: 'coupon-code', name: 'coupon', autocomplete: 'off',
    spellcheck: 'false', maxlength: 40, placeholder: 'Código do cupom' });
  const couponNote = h('p', { class: 'small coupon-note', 'aria-live': 'polite' });
  const applyCoupon = async () => {
    const code = couponInput.value.trim();
    coupon = null;
    couponNote.textContent = '';
    if (code) {
      try {
        const found = await api('/api/coupons/check', { method: 'POST', auth: false,
          body: { code, plan_id: plan.id } });
        coupon = { code: found.code, discount: found.discount };
        couponNote.textContent = `Cupom ${found.code} aplicado: − ${money(found.discount)} no plano.`;
      } catch (error) {
        couponNote.textContent = error.status === 400 ? 'Cupom inválido, expirado ou esgotado.' : error.message;
      }
    }
    update();
  };
  couponInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { event.preventDefault(); applyCoupon(); }
  });
  const couponBox = h('fieldset', { class: 'coupon' }, h('legend', {}, 'Cupom de desconto'),
    h('div', { class: 'field-row' }, couponInput,
      h('button', { class: 'btn btn-ghost', type: 'button', onclick: applyCoupon }, 'Aplicar')),
    couponNote);
  form = h('form', { class: 'form checkout-form', novalidate: true },
    h('div', { class: 'form-alert' }),
    bumps.length ? h('fieldset', { class: 'bumps' }, h('legend', {}, 'Aproveite também'),
      bumps.map((b) => bumpOption(b, update))) : null,
    h('fieldset', {}, h('legend', {}, 'Seus dados'),
      field('Nome completo', 'customer.name', { autocomplete: 'name', value: user?.name || '' }),
      field('E-mail', 'customer.email', { type: 'email', autocomplete: 'email',
        value: user?.email || '' }),
      cpf, phone),
    choices.length > 1 ? h('fieldset', { class: 'methods' }, h('legend', {}, 'Pagamento'),
      choices.map(([value, label], i) => h('label', { class: 'method' },
        h('input', { type: 'radio', name: 'payment_method', value, checked: i === 0,
          onchange: () => showChosen() }), label)), pixNote)
      : h('input', { type: 'hidden', name: 'payment_method', value: choices[0][0] }),
    card,
    ageNotice(age, options, plan),
    couponBox,
    h('div', { class: 'total' }, h('span', {}, 'Total'), total),
    h('p', { class: 'muted small' }, 'O valor final é calculado pelo servidor na confirmação.'),
    submit);
  showChosen();

  // One Idempotency-Key per attempt to pay: made when the buyer clicks pay, reused when
  // they click again for the same order after an error, so the server never charges twice.
  let attempt = { order: null, key: null };
  // Every buyer field's error at once, each cleared as soon as its field is fixed.
  let checked = false;
  form.addEventListener('input', (event) => {
    const input = event.target;
    if (!checked || !(input.name in BUYER_RULES)) return;
    const where = input.closest('.field');
    where?.querySelectorAll('.field-error').forEach((el) => el.remove());
    input.removeAttribute('aria-invalid');
    const problem = BUYER_RULES[input.name](input.value);
    if (problem) fieldError(input, problem);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    checked = true;
    const problems = Object.entries(BUYER_RULES)
      .map(([name, rule]) => [form.querySelector(`[name="${name}"]`), rule])
      .filter(([input]) => input)
      .map(([input, rule]) => [input, rule(input.value)])
      .filter(([, problem]) => problem);
    if (problems.length) {
      problems.forEach(([input, problem]) => fieldError(input, problem));
      problems[0][0].focus();
      return;
    }
    const data = new FormData(form);
    const body = {
      plan_id: plan.id,
      payment_method: data.get('payment_method'),
      order_bump_ids: data.getAll('order_bump_ids').map(Number),
      customer: { name: data.get('customer.name'), email: data.get('customer.email'),
        document: data.get('customer.document'), phone: data.get('customer.phone') },
      ...(coupon ? { coupon: coupon.code } : {}),
    };
    const order = JSON.stringify(body);
    if (attempt.order !== order) attempt = { order, key: newKey() };
    submitting(form, async () => {
      if (body.payment_method === 'credit_card' && card) {
        try {
          Object.assign(body, await card.encrypted());
        } catch (error) {
          render(form.querySelector('.form-alert'), alertBox('error', error.text || 'Confira os dados do cartão.'));
          return;
        }
      }
      let created;
      try {
        created = await api('/api/checkouts', { method: 'POST', body,
          headers: { 'Idempotency-Key': attempt.key } });
      } catch (error) {
        // 503/504: the gateway failed, but the checkout exists and can be followed.
        if (error.body?.checkout) {
          created = error.body.checkout;
        } else if (body.card_hash && cardRefusal(error)) {
          render(form.querySelector('.form-alert'), alertBox('error', cardRefusal(error)));
          return;
        } else {
          showFormError(form, error);
          return;
        }
      }
      if (created.payment?.redirect_url) {
        window.location.assign(created.payment.redirect_url);
        return;
      }
      if (created.status === 'paid') {   // a card paid at once
        showPaid(main, plan, created);
        return;
      }
      showPayment(main, plan, created);
    });
  });
  return form;
}

function validCpf(text) {
  const d = String(text || '').replace(/\D/g, '');
  if (d.length !== 11 || /^(\d)\1{10}$/.test(d)) return false;
  const check = (length) => {
    let total = 0;
    for (let i = 0; i < length; i += 1) total += Number(d[i]) * (length + 1 - i);
    const rest = (total * 10) % 11;
    return rest === 10 ? 0 : rest;
  };
  return check(9) === Number(d[9]) && check(10) === Number(d[10]);
}

// The buyer's fields as the server checks them (domain/payments/customer.py): each rule
// answers the pt-BR problem, or null when the value is fine.
const BUYER_RULES = {
  'customer.name': (v) => (String(v).trim() ? null : 'Informe seu nome.'),
  'customer.email': (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v).trim()) ? null : 'Informe um e-mail válido.'),
  'customer.document': (v) => (validCpf(v) ? null : 'Informe um CPF válido.'),
  'customer.phone': (v) => ([10, 11].includes(String(v).replace(/\D/g, '').length) ? null
    : 'Informe um celular com DDD (10 ou 11 dígitos).'),
};

/** A random UUID (crypto.randomUUID needs a secure context; 128 random bits else). */
function newKey() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export default async function checkout(main) {
  pageTitle('Checkout');
  const planId = Number(param('plano'));
  const mailed = await mailedCheckout();   // the link of a PIX mail
  const resumed = mailed ? { plan_id: mailed.plan_id, checkout: mailed } : pendingCheckout(planId);
  if (resumed) {
    try {
      const plan = await api('/api/plans', { auth: false, query: { limit: 100 } })
        .then((found) => found.data.find((p) => p.id === resumed.plan_id));
      if (plan) { showPayment(main, plan, resumed.checkout); return; }
    } catch {
      // start over below
    }
  }
  if (!planId) {
    render(main, emptyState('Escolha um plano para continuar.',
      h('a', { class: 'btn', href: '/planos' }, 'Ver planos')));
    return;
  }
  let plan;
  let bumps = [];
  let options = { card: null, pix_automatico: [] };
  let age = null;
  try {
    const [plans, offered, found, status] = await Promise.all([
      api('/api/plans', { auth: false, query: { limit: 100 } }),
      api('/api/order-bumps', { auth: false, query: { limit: 100 } }).catch(() => ({ data: [] })),
      api('/api/checkout-options', { auth: false }).catch(() => ({ card: null, pix_automatico: [] })),
      api('/api/age-assurance').catch(() => null),
    ]);
    plan = plans.data.find((p) => p.id === planId);
    bumps = offered.data;
    options = found;
    age = status;
  } catch (error) {
    showError(main, error, () => checkout(main));
    return;
  }
  if (!plan || !methods(plan, options).length) {
    render(main, emptyState(plan ? 'Este plano não pode ser pago por aqui.' : 'Plano não encontrado.',
      h('a', { class: 'btn', href: '/planos' }, 'Ver planos')));
    return;
  }
  render(main, h('div', { class: 'checkout' },
    h('aside', { class: 'card summary' }, h('div', { class: 'card-body' },
      h('p', { class: 'muted small' }, 'Você está assinando'),
      h('h1', { class: 'plan-name' }, plan.name),
      h('p', { class: 'plan-price' }, money(plan.price),
        h('span', { class: 'muted' }, ` / ${durationLabel(plan.duration)}`)),
      plan.renewal === 'automatic'
        ? h('p', { class: 'small plan-renewal' }, 'Renova automaticamente, cancele quando quiser.') : null,
      h('ul', { class: 'benefits' }, (plan.benefits_json || []).map((b) => h('li', {}, b))),
      session() ? null : alertBox('info', 'Já tem conta? ',
        h('a', { href: `/entrar?next=${encodeURIComponent(`/checkout?plano=${plan.id}`)}` }, 'Entre'),
        ' para vincular a compra a ela.'))),
    checkoutForm(main, plan, bumps, options, age)));
  await prefillRenewal(main.querySelector('form.checkout-form'));   // a renewal mail's link
}
