// A subscription's automatic renewal in "Minha conta" (issue 25): the card, the next
// charge, one click to cancel it (then until when access lasts) or to turn it back on.
import { api } from './api.js';
import { formatDate, h, money, render } from './dom.js';

/** The renewal box of `sub` (from /api/me/subscriptions); null when it does not renew. */
export function renewalBox(sub) {
  if (!sub.renewal_state || sub.status !== 'active') return null;
  const box = h('div', { class: 'renewal', 'data-subscription-id': String(sub.id) });
  const card = sub.card_brand ? `${sub.card_brand.toUpperCase()} final ${sub.card_last4 || '----'}` : 'cartão salvo';
  const act = (path, label) => {
    const button = h('button', { class: 'btn btn-small btn-ghost', type: 'button' }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        render(box, ...renewalLines(await api(`/api/me/subscriptions/${sub.id}/${path}`,
          { method: 'POST' })));
      } catch (error) {
        button.disabled = false;
        box.append(h('p', { class: 'muted' }, error.message));
      }
    });
    return button;
  };
  const renewalLines = (s) => {
    if (s.auto_renew) {
      return [h('p', { class: 'small' }, `Renovação automática no ${card}: próxima cobrança de `
        + `${money(s.next_charge_amount || 0)} em ${formatDate(s.next_charge_at)}.`),
      act('cancel', 'Cancelar renovação')];
    }
    const pastDue = s.renewal_state === 'past_due' || s.renewal_state === 'ended';
    return [h('p', { class: 'small renewal-off' }, `Renovação automática cancelada. Você tem acesso até ${formatDate(s.end_date)}.`),
      pastDue || s.renewal_state !== 'active' ? null : act('resume', 'Reativar renovação')];
  };
  render(box, ...renewalLines(sub));
  return box;
}

