// Admin: withdrawal requests (CDC art. 49, within 7 days of a payment). After refunding
// the buyer at the gateway, "Marcar reembolsado" ends the access the purchase gave.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, money, render } from '../dom.js';
import { field } from '../forms.js';
import { describe, emptyState, pager, showError } from '../ui.js';

const STATUSES = [['requested', 'Pendentes'], ['refunded', 'Reembolsados'], ['rejected', 'Recusados'],
  ['', 'Todos']];
const LABELS = { requested: 'Pendente', refunded: 'Reembolsado', rejected: 'Recusado' };

export default function adminWithdrawals(main) {
  return adminPage(main, 'Reembolsos', async (content) => {
    const list = h('div', { 'aria-live': 'polite' });
    const status = field('Situação', 'status', { options: STATUSES, value: 'requested' });
    const select = status.querySelector('select');

    function refundButton(request, reload) {
      if (request.status !== 'requested') return '—';
      const button = h('button', { class: 'btn btn-small', type: 'button' }, 'Marcar reembolsado');
      button.addEventListener('click', async () => {
        // eslint-disable-next-line no-alert
        if (!window.confirm(`Confirmar que o pedido nº ${request.checkout_id} de ${request.customer_name || request.customer_email || 'cliente'} (${request.customer_email || '—'}), ${money(request.amount)}, foi reembolsado no gateway? O acesso da compra termina agora.`)) return;
        button.disabled = true;
        try {
          await api(`/api/admin/withdrawals/${request.id}/refund`, { method: 'POST' });
          reload();
        } catch (error) {
          button.replaceWith(h('span', { class: 'muted' }, describe(error)));
        }
      });
      return button;
    }

    async function load(page = 1) {
      try {
        const found = await api('/api/admin/withdrawals',
          { query: { status: select.value, page, limit: 25 } });
        render(list, found.data.length ? table(found.data, [
          ['Pedido', (r) => `nº ${r.checkout_id}`],
          ['Cliente', (r) => h('a', { href: `/admin/clientes/conta/${r.user_id}` }, r.customer_name || r.customer_email || 'Cliente',
            h('br'), h('span', { class: 'muted' }, r.customer_email || ''))],
          ['Valor', (r) => (r.amount === null || r.amount === undefined ? '—' : money(r.amount))],
          ['Pedido em', (r) => formatDateTime(r.created_at)],
          ['Motivo', (r) => r.reason || '—'],
          ['Situação', (r) => LABELS[r.status] || r.status],
          ['', (r) => refundButton(r, () => load(page))],
        ], 'Pedidos de reembolso') : emptyState('Nenhum pedido de reembolso.'),
        pager(found, load));
      } catch (error) {
        showError(list, error, () => load(page));
      }
    }

    select.addEventListener('change', () => load(1));
    content.append(h('section', { class: 'card' }, h('div', { class: 'card-body' },
      h('p', { class: 'muted' }, 'Compras que o assinante pediu para desfazer em até 7 dias do pagamento. ',
        'Faça o estorno no gateway e depois marque aqui.'), status)), list);
    await load();
  });
}
