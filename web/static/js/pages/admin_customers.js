// Admin: customers — accounts and guest buyers alike, found by name, email, CPF or phone
// (with or without punctuation). Each opens the customer's page.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, money, render } from '../dom.js';
import { field } from '../forms.js';
import { emptyState, pager, showError } from '../ui.js';

export function customerHref(c) {
  return c.user_id ? `/admin/clientes/conta/${c.user_id}` : `/admin/clientes/compra/${c.last_checkout_id}`;
}

export const cpf = (d) => (d && d.length === 11
  ? `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}` : d || '—');

export default function adminCustomers(main) {
  return adminPage(main, 'Clientes', async (content) => {
    const list = h('div', { 'aria-live': 'polite' });
    const search = field('Buscar por nome, e-mail, CPF ou telefone', 'q',
      { type: 'search', placeholder: 'Ex.: 123.456.789-09 ou ana@exemplo.com' });
    const input = search.querySelector('input');
    const form = h('form', { class: 'card-body', role: 'search' }, search,
      h('button', { class: 'btn', type: 'submit' }, 'Buscar'));

    async function load(page = 1) {
      try {
        const found = await api('/api/admin/customers', { query: { q: input.value.trim(), page, limit: 25 } });
        render(list, found.data.length ? table(found.data, [
          ['Nome', (c) => h('a', { href: customerHref(c) }, c.name || '(sem nome)')],
          ['E-mail', (c) => c.email],
          ['CPF', (c) => cpf(c.document)],
          ['Telefone', (c) => c.phone || '—'],
          ['Conta', (c) => (c.user_id ? 'Sim' : 'Comprador sem conta')],
          ['Compras', (c) => `${c.paid_checkouts} paga(s) de ${c.checkouts} · ${money(c.paid_amount)}`],
          ['Última atividade', (c) => formatDateTime(c.last_activity)],
        ], 'Clientes encontrados') : emptyState('Nenhum cliente encontrado.'), pager(found, load));
      } catch (error) {
        showError(list, error, () => load(page));
      }
    }

    form.addEventListener('submit', (event) => { event.preventDefault(); load(1); });
    content.append(h('section', { class: 'card' }, form), list);
    await load();
  });
}
