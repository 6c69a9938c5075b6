// Admin: checkouts in review — paid for another amount than their total (or an unknown
// one). Nothing was granted; an administrator settles each as paid or failed.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, money, render } from '../dom.js';
import { alertBox, emptyState, pager, showError } from '../ui.js';

export default function review(main) {
  return adminPage(main, 'Pagamentos em análise', async (content) => {
    const notice = h('div', { 'aria-live': 'polite' });
    const list = h('div');

    async function settle(checkout, status, page) {
      const question = status === 'paid'
        ? `Liberar a assinatura do checkout ${checkout.id} como pago?`
        : `Encerrar o checkout ${checkout.id} como não pago?`;
      if (!window.confirm(question)) return;
      try {
        await api(`/api/admin/checkouts/${checkout.id}/settle`, { method: 'POST', body: { status } });
        render(notice, alertBox('success', `Checkout ${checkout.id} resolvido como ${status === 'paid' ? 'pago' : 'não pago'}.`));
      } catch (error) {
        showError(notice, error);
      }
      await load(page);
    }

    async function load(page = 1) {
      const found = await api('/api/admin/checkouts', { query: { status: 'review', page, limit: 20 } });
      render(list, found.data.length ? table(found.data, [
        ['Checkout', (c) => String(c.id)],
        ['Comprador', (c) => c.customer_email || '—'],
        ['Total do pedido', (c) => money(c.total_amount)],
        ['Gateway', (c) => `${c.payment_data?.provider || '—'} · ${c.external_id || ''}`],
        ['Desde', (c) => formatDateTime(c.updated_at)],
        ['', (c) => h('div', { class: 'actions' },
          h('button', { class: 'btn btn-small', type: 'button', onclick: () => settle(c, 'paid', page) }, 'Marcar como pago'),
          h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => settle(c, 'failed', page) }, 'Marcar como não pago'))],
      ], 'Checkouts em análise') : emptyState('Nenhum pagamento em análise.'), pager(found, load));
    }

    content.append(h('p', { class: 'muted' }, 'Pagamentos recebidos com valor diferente do total do '
      + 'pedido. Confira o valor no gateway antes de decidir: nada foi liberado ainda.'), notice, list);
    await load();
  });
}
