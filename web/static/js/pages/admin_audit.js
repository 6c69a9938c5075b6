// Admin: the audit log — every administrator write (who, when, route, record, the
// fields sent with secrets masked by the server), filtered and paged.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, render } from '../dom.js';
import { field, submitting } from '../forms.js';
import { clearErrors, emptyState, pager, showError, showFormError } from '../ui.js';

const METHODS = [['', 'Todas'], ['POST', 'Criação / ação (POST)'], ['PUT', 'Substituição (PUT)'],
  ['PATCH', 'Alteração (PATCH)'], ['DELETE', 'Exclusão (DELETE)']];

// <input type=date> gives a local day; the API takes ISO instants (UTC day bounds).
const dayStart = (day) => (day ? `${day}T00:00:00Z` : '');
function nextDay(day) {
  if (!day) return '';
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().replace('.000Z', 'Z');
}

function changes(entry) {
  const fields = Object.entries(entry.changes || {});
  if (!fields.length) return '—';
  return h('ul', { class: 'audit-changes' }, fields.map(([name, value]) => h('li', {},
    h('code', {}, name), ': ', typeof value === 'string' ? value : JSON.stringify(value))));
}

export default function auditLog(main) {
  return adminPage(main, 'Auditoria', async (content) => {
    const list = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'form form-inline', novalidate: true },
      h('div', { class: 'form-alert' }),
      field('Administrador (e-mail)', 'actor_email', { type: 'email' }),
      field('Recurso', 'resource', { placeholder: 'plans, payment-gateways…' }),
      field('Método', 'method', { options: METHODS }),
      field('De', 'since', { type: 'date' }),
      field('Até', 'until', { type: 'date' }),
      h('button', { class: 'btn btn-small', type: 'submit' }, 'Filtrar'));
    let filters = {};

    async function load(page = 1) {
      try {
        const found = await api('/api/admin/audit-log', { query: { ...filters, page, limit: 25 } });
        render(list, found.data.length ? table(found.data, [
          ['Quando', (e) => formatDateTime(e.created_at)],
          ['Quem', (e) => e.actor_email || '—'],
          ['Operação', (e) => h('span', {}, h('code', {}, e.method), ' ', e.route)],
          ['Registro', (e) => e.record_id || '—'],
          ['Campos enviados', changes],
        ], 'Registro de auditoria') : emptyState('Nenhuma alteração registrada.'),
        pager(found, load));
      } catch (error) {
        if (error.field) showFormError(form, error);
        else showError(list, error, () => load(page));
      }
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      const data = new FormData(form);
      filters = Object.fromEntries(Object.entries({
        actor_email: String(data.get('actor_email') || '').trim(),
        resource: String(data.get('resource') || '').trim(),
        method: data.get('method') || '',
        since: dayStart(data.get('since')),
        until: nextDay(data.get('until')),
      }).filter(([, value]) => value));
      submitting(form, () => load(1));
    });
    content.append(h('section', { class: 'card' }, h('div', { class: 'card-body' }, form)), list);
    await load();
  });
}
