// In-page card payments (issue 22): the card is encrypted in this page by JunglePay's
// own script (their v1 flow: JunglePagamentos.setPublicKey(pk), then encrypt({...}) ->
// a card hash valid 5 minutes). Only the hash and the installments are sent to us: the
// card inputs have no name, so no form serialisation can carry them anywhere.
import { durationLabel, h, money } from './dom.js';

let loading = null;

/** JunglePay's script (the checkout page's CSP allows exactly this URL). */
function junglePagamentos(url) {
  if (window.JunglePagamentos) return Promise.resolve(window.JunglePagamentos);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = () => (window.JunglePagamentos ? resolve(window.JunglePagamentos)
        : reject(new Error('JunglePagamentos missing')));
      script.onerror = () => { loading = null; reject(new Error('script not loaded')); };
      document.head.append(script);
    });
  }
  return loading;
}

let counter = 0;
function cardInput(label, key, attrs) {
  counter += 1;
  const id = `card-${key}-${counter}`;
  const input = h('input', { id, 'data-card': key, spellcheck: 'false', ...attrs });
  return h('div', { class: `field field-${key}` }, h('label', { for: id }, label), input);
}

const digits = (text) => String(text || '').replace(/\D/g, '');

/** "1x de R$ 29,90" ... up to `max`, for `total` cents (amounts rounded up to the cent). */
export function installmentOptions(total, max) {
  const found = [];
  for (let n = 1; n <= max; n += 1) {
    const each = Math.ceil(total / n);
    found.push([n, n === 1 ? `1x de ${money(total)} (à vista)` : `${n}x de ${money(each)}`]);
  }
  return found;
}

/** The card fieldset: number, name, expiry, CVV and installments (up to the plan's
 *  limit, amounts shown for `total()`); `.refresh()` after the total changes and
 *  `.encrypted()` -> {card_hash, installments} (throws an Error with a pt-BR `text`). */
export function cardFieldset(plan, options, total) {
  const installments = h('select', { id: 'card-installments', 'data-card': 'installments' });
  const refresh = () => {
    const chosen = Number(installments.value || 1);
    installments.replaceChildren(...installmentOptions(total(), plan.max_installments || 12)
      .map(([n, text]) => h('option', { value: String(n), selected: n === chosen }, text)));
  };
  const number = cardInput('Número do cartão', 'number', { inputmode: 'numeric',
    autocomplete: 'cc-number', placeholder: '0000 0000 0000 0000', maxlength: 23 });
  const holder = cardInput('Nome impresso no cartão', 'holder', { autocomplete: 'cc-name' });
  const expiry = cardInput('Validade (MM/AA)', 'expiry', { inputmode: 'numeric',
    autocomplete: 'cc-exp', placeholder: 'MM/AA', maxlength: 5 });
  const cvv = cardInput('Código de segurança', 'cvv', { inputmode: 'numeric',
    autocomplete: 'cc-csc', placeholder: 'CVV', maxlength: 4 });
  // An automatic plan (issue 25): the buyer agrees, naming the amount and the period,
  // that this card is charged at every period; the server refuses the card without it.
  const automatic = plan.renewal === 'automatic';
  const consent = automatic ? h('input', { type: 'checkbox', id: 'renewal-consent',
    'data-card': 'renewal_consent' }) : null;
  const box = h('fieldset', { class: 'card-fields' }, h('legend', {}, 'Cartão de crédito'),
    number, holder, h('div', { class: 'field-row' }, expiry, cvv),
    automatic ? null
      : h('div', { class: 'field' }, h('label', { for: 'card-installments' }, 'Parcelas'), installments),
    automatic ? h('label', { class: 'checkbox renewal-consent', for: 'renewal-consent' }, consent,
      ` Autorizo a cobrança automática de ${money(plan.price)} a cada ${durationLabel(plan.duration)}`
      + ' neste cartão até eu cancelar (renova automaticamente, cancele quando quiser em Minha conta).')
      : null,
    h('p', { class: 'muted small' }, 'Os dados do cartão são criptografados nesta página pela '
      + 'JunglePay e não passam pelo nosso servidor.'));
  refresh();
  const value = (el) => el.querySelector('input').value;
  junglePagamentos(options.script_url).catch(() => {});   // ready before it is needed

  box.refresh = refresh;
  box.encrypted = async () => {
    const [month, year] = value(expiry).split('/').map((part) => digits(part));
    const card = { number: digits(value(number)), holderName: value(holder).trim(),
      expMonth: month, expYear: year && year.length === 2 ? `20${year}` : year, cvv: digits(value(cvv)) };
    if (card.number.length < 13 || !card.holderName || !card.expMonth || !card.expYear
        || card.cvv.length < 3) {
      throw Object.assign(new Error('card'), { text: 'Confira os dados do cartão: número, nome, validade e código de segurança.' });
    }
    if (consent && !consent.checked) {
      throw Object.assign(new Error('consent'), { text: 'Para pagar este plano com cartão, autorize a renovação automática (você pode cancelar quando quiser).' });
    }
    let jungle;
    try {
      jungle = await junglePagamentos(options.script_url);
    } catch {
      throw Object.assign(new Error('script'), { text: 'Não foi possível carregar o pagamento por cartão. Recarregue a página ou pague com PIX.' });
    }
    try {
      jungle.setPublicKey(options.public_key);
      const hash = await jungle.encrypt(card);
      return { card_hash: hash, installments: automatic ? 1 : Number(installments.value || 1),
        ...(automatic ? { renewal_consent: true } : {}) };
    } catch {
      throw Object.assign(new Error('encrypt'), { text: 'Confira os dados do cartão: não foi possível validá-los.' });
    }
  };
  return box;
}

/** What a refused card payment means, in pt-BR. */
export function cardRefusal(error) {
  if (error.status === 402) {
    return 'O pagamento foi recusado pelo emissor do cartão. Confira os dados ou use outro cartão.';
  }
  if (error.status === 502) {
    return 'A operadora não aceitou os dados do cartão. Digite-os de novo (o código do cartão vale 5 minutos) ou use outro cartão.';
  }
  if (error.field === 'renewal_consent') {
    return 'Para pagar este plano com cartão, autorize a renovação automática (você pode cancelar quando quiser).';
  }
  if (error.field === 'installments') {
    return 'Escolha um número de parcelas permitido para este plano.';
  }
  return null;
}
