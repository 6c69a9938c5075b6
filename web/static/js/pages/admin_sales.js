// Admin: sales — every checkout with filters (status, method, plan, local dates) and a
// search by buyer (name, email, CPF, phone), the totals of the filter, the CSV export for
// Excel pt-BR, and the actions of a row: pay a pending PIX on the sandbox, settle a
// payment in review. Names and amounts are shown wherever an action asks to confirm.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, money, render } from '../dom.js';
import { field } from '../forms.js';
import { alertBox, emptyState, pager, showError } from '../ui.js';

export const STATUS_LABELS = {
  pending: 'Pendente', paid: 'Pago', failed: 'Falhou', abandoned: 'Abandonado',
  refunded: 'Reembolsado', review: 'Em análise',
};
export const METHOD_LABELS = { pix: 'PIX', pix_automatico: 'PIX Automático', credit_card: 'Cartão de crédito' };
// The filter takes the stored methods: PIX includes PIX Automático's first payments.
const METHOD_FILTERS = [['', 'Todos'], ['pix', 'PIX (inclui PIX Automático)'], ['credit_card', METHOD_LABELS.credit_card]];
const buyer = (c) => `${c.customer_name || '(sem nome)'} <${c.customer_email || '—'}>`;

export default function adminSales(main) {
  return adminPage(main, 'Vendas', async (content) => {
    const notice = h('div', { 'aria-live': 'polite' });
    const totals = h('div', { class: 'totals', 'aria-live': 'polite' });
    const list = h('div');
    const [plans, gateways] = await Promise.all([
      api('/api/admin/plans', { query: { limit: 100 } }),
      api('/api/admin/payment-gateways')]);
    const sandbox = gateways.charging_gateway === 'sandbox';
    const fields = {
      q: field('Buscar (nome, e-mail, CPF, telefone)', 'q', { type: 'search' }),
      status: field('Situação', 'status', { options: [['', 'Todas'], ...Object.entries(STATUS_LABELS)] }),
      payment_method: field('Método', 'payment_method', { options: METHOD_FILTERS }),
      plan_id: field('Plano', 'plan_id', { options: [['', 'Todos'], ...plans.data.map((p) => [p.id, p.name])] }),
      from: field('De', 'from', { type: 'date' }),
      to: field('Até', 'to', { type: 'date' }),
    };
    const csv = h('a', { class: 'btn btn-ghost', href: '/api/admin/checkouts.csv', download: '' }, 'Exportar CSV');
    const form = h('form', { class: 'card-body filters', role: 'search' }, Object.values(fields),
      h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'submit' }, 'Filtrar'), csv));

    function query() {
      const found = {};
      for (const [name, wrapper] of Object.entries(fields)) {
        const value = wrapper.querySelector('input, select').value.trim();
        if (value) found[name] = value;
      }
      return found;
    }

    async function act(c, page, question, path, body, done) {
      if (!window.confirm(question)) return; // eslint-disable-line no-alert
      try {
        await api(path, { method: 'POST', body });
        render(notice, alertBox('success', done));
      } catch (error) {
        showError(notice, error);
      }
      await load(page);
    }

    function actions(c, page) {
      const buttons = [];
      if (sandbox && c.status === 'pending' && c.payment_method === 'pix') {
        buttons.push(h('button', { class: 'btn btn-small', type: 'button',
          onclick: () => act(c, page, `Pagar no sandbox o PIX nº ${c.id} de ${buyer(c)}, ${money(c.total_amount)}?`,
            `/api/admin/sandbox/checkouts/${c.id}/pay`, undefined,
            `PIX nº ${c.id} de ${c.customer_name || c.customer_email} (${money(c.total_amount)}) pago no sandbox.`) },
        'Pagar PIX (sandbox)'));
      }
      if (c.status === 'review') {
        buttons.push(
          h('button', { class: 'btn btn-small', type: 'button',
            onclick: () => act(c, page, `Liberar o checkout nº ${c.id} de ${buyer(c)} (${money(c.total_amount)}) como pago?`,
              `/api/admin/checkouts/${c.id}/settle`, { status: 'paid' }, `Checkout nº ${c.id} de ${c.customer_name || c.customer_email} marcado como pago.`) },
          'Marcar como pago'),
          h('button', { class: 'btn btn-small btn-ghost', type: 'button',
            onclick: () => act(c, page, `Encerrar o checkout nº ${c.id} de ${buyer(c)} (${money(c.total_amount)}) como não pago?`,
              `/api/admin/checkouts/${c.id}/settle`, { status: 'failed' }, `Checkout nº ${c.id} de ${c.customer_name || c.customer_email} encerrado.`) },
          'Marcar como não pago'));
      }
      return buttons.length ? h('div', { class: 'actions' }, buttons) : '';
    }

    async function load(page = 1) {
      const wanted = query();
      csv.href = `/api/admin/checkouts.csv?${new URLSearchParams(wanted)}`;
      try {
        const found = await api('/api/admin/checkouts', { query: { ...wanted, page, limit: 25 } });
        const t = found.totals;
        render(totals, h('p', {}, `${t.count} checkout(s) · ${money(t.amount)} no total · `,
          h('strong', {}, `${t.paid_count} pago(s): ${money(t.paid_amount)}`)));
        render(list, found.data.length ? table(found.data, [
          ['Nº', (c) => String(c.id)],
          ['Data', (c) => formatDateTime(c.created_at)],
          ['Comprador', (c) => h('span', {}, c.customer_name || '(sem nome)', h('br'),
            h('span', { class: 'muted' }, c.customer_email || '—'))],
          ['Plano', (c) => c.plan_name || `#${c.plan_id}`],
          ['Valor', (c) => money(c.total_amount)],
          ['Método', (c) => METHOD_LABELS[c.payment_method] || '—'],
          ['Situação', (c) => STATUS_LABELS[c.status] || c.status],
          ['', (c) => actions(c, page)],
        ], 'Checkouts') : emptyState('Nenhuma venda para este filtro.'), pager(found, load));
      } catch (error) {
        showError(list, error, () => load(page));
      }
    }

    form.addEventListener('submit', (event) => { event.preventDefault(); load(1); });
    content.append(h('section', { class: 'card' }, form), notice, totals, list);
    await load();
  });
}
