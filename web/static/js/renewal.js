// A subscription's automatic renewal in "Minha conta" (issue 25): the card or Pix
// Automático (issue 26), the next charge, one click to cancel it (then until when access
// lasts) or to turn it back on.
import { api } from './api.js';
import { formatDate, formatUntil, h, money, render } from './dom.js';

/** How `sub` renews: "PIX Automático", its card ("VISA final 4242"), or null when
 *  neither is known. */
export function renewalMeans(sub) {
  if (sub.pix_rec_id) return 'PIX Automático';
  return sub.card_brand ? `${sub.card_brand.toUpperCase()} final ${sub.card_last4 || '----'}` : null;
}

/** A Pix Automático whose first period is paid but whose recurrence the payer has not
 *  approved in their bank yet (renewal_state null until then). */
function awaitingBox(sub) {
  return h('div', { class: 'renewal renewal-awaiting', 'data-subscription-id': String(sub.id) },
    h('p', { class: 'small' }, 'Aguardando a autorização do PIX Automático no seu banco.'));
}

/** The renewal box of `sub` (from /api/me/subscriptions); null when it does not renew. */
export function renewalBox(sub) {
  if (sub.status !== 'active') return null;
  if (!sub.renewal_state) return sub.pix_rec_id ? awaitingBox(sub) : null;
  const box = h('div', { class: 'renewal', 'data-subscription-id': String(sub.id) });
  const means = sub.pix_rec_id ? `por ${renewalMeans(sub)}` : `no ${renewalMeans(sub) || 'cartão salvo'}`;
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
      return [h('p', { class: 'small' }, `Renovação automática ${means}: próxima cobrança de `
        + `${money(s.next_charge_amount || 0)} em ${formatDate(s.next_charge_at)}.`),
      act('cancel', 'Cancelar renovação')];
    }
    const pastDue = s.renewal_state === 'past_due' || s.renewal_state === 'ended';
    return [h('p', { class: 'small renewal-off' }, `Renovação automática cancelada. Você tem acesso até ${formatUntil(s.end_date)}.`),
      pastDue || s.renewal_state !== 'active' ? null : act('resume', 'Reativar renovação')];
  };
  render(box, ...renewalLines(sub));
  return box;
}

