// Member area, "Minhas compras": my checkouts (with the right of withdrawal within 7
// days of the payment, CDC art. 49) and my subscriptions.
import { api, session } from '../api.js';
import { formatDate, formatDateTime, formatUntil, h, money, pageTitle, parseUtc, render } from '../dom.js';
import { renewalBox } from '../renewal.js';
import { alertBox, describe, emptyState, showError } from '../ui.js';

const toLogin = () => window.location.assign(`/entrar?next=${encodeURIComponent('/minha-conta/compras')}`);
const STATUS = { pending: 'Aguardando pagamento', paid: 'Pago', failed: 'Recusado',
  abandoned: 'Expirado', refunded: 'Reembolsado', review: 'Em análise' };
const SUB_STATUS = { pending: 'Pendente', active: 'Ativa', expired: 'Encerrada', canceled: 'Cancelada' };
const WEEK_MS = 7 * 24 * 3600 * 1000;

function withdrawal(checkout) {
  const paidAt = parseUtc(checkout.updated_at);
  if (checkout.status !== 'paid' || !paidAt || Date.now() - paidAt.getTime() > WEEK_MS) return null;
  const button = h('button', { class: 'btn btn-small btn-ghost', type: 'button' }, 'Desistir da compra');
  button.addEventListener('click', async () => {
    // eslint-disable-next-line no-alert
    if (!window.confirm('Pedir o reembolso desta compra? O acesso termina quando o reembolso for feito.')) return;
    button.disabled = true;
    try {
      await api(`/api/me/checkouts/${checkout.id}/withdrawal`, { method: 'POST', body: {} });
      button.replaceWith(h('span', { class: 'muted' }, 'Pedido de reembolso enviado.'));
    } catch (error) {
      button.replaceWith(h('span', { class: 'muted' }, describe(error)));
    }
  });
  return button;
}

/** A renewal its charge could not pay: the mail says how to pay it. */
function pastDueAlert(sub) {
  if (sub.renewal_state !== 'past_due' || !sub.auto_renew) return null;
  return alertBox('error', sub.pix_rec_id
    ? 'Não conseguimos cobrar a renovação pelo PIX Automático. Veja o e-mail que enviamos para pagar com PIX ou cartão.'
    : 'Não conseguimos cobrar a renovação no seu cartão. Veja o e-mail que enviamos para pagar com PIX ou outro cartão.');
}

export default async function purchases(main) {
  pageTitle('Minhas compras');
  if (!session()) { toLogin(); return; }
  let checkouts;
  let subscriptions;
  try {
    [checkouts, subscriptions] = await Promise.all([
      api('/api/me/checkouts', { query: { limit: 100 } }),
      api('/api/me/subscriptions', { query: { limit: 100 } })]);
  } catch (error) {
    if (error.status === 401) { toLogin(); return; }
    showError(main, error, () => purchases(main));
    return;
  }
  render(main, h('div', { class: 'account' },
    h('h1', {}, 'Minhas compras'),
    h('p', {}, h('a', { href: '/minha-conta' }, '← Minha conta'), ' · ',
      h('a', { href: '/minha-conta/dados' }, 'Meus dados')),
    h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, 'Pedidos'),
      checkouts.data.length ? h('ul', { class: 'purchase-list' }, checkouts.data.map((c) =>
        h('li', { class: 'purchase' },
          h('strong', {}, `Pedido nº ${c.id}`), ` · ${money(c.total_amount)} · `,
          h('span', { class: `status ${c.status === 'paid' ? 'status-on' : 'status-off'}` },
            STATUS[c.status] || c.status),
          h('span', { class: 'muted' }, ` · ${formatDateTime(c.created_at)} `),
          withdrawal(c))))
        : emptyState('Você ainda não fez nenhum pedido.',
          h('a', { class: 'btn', href: '/planos' }, 'Ver planos')),
      alertBox('info', 'Você pode desistir de uma compra em até 7 dias após o pagamento (Código de Defesa do Consumidor, art. 49).'))),
    h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, 'Assinaturas'),
      subscriptions.data.length ? h('ul', { class: 'purchase-list' }, subscriptions.data.map((s) =>
        h('li', { class: 'purchase' }, h('strong', {}, SUB_STATUS[s.status] || s.status),
          ` · de ${formatDate(s.start_date)} até ${s.end_date ? formatUntil(s.end_date) : '—'}`,
          pastDueAlert(s),
          renewalBox(s))))
        : h('p', { class: 'muted' }, 'Nenhuma assinatura.')))));
}
