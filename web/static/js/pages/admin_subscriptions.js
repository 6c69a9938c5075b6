// Admin: subscriptions (issue 25), newest first, filtered by automatic or manual
// renewal, the renewal's state and the status, with what renews each (card or Pix
// Automático); each links to its customer's page.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, render } from '../dom.js';
import { field } from '../forms.js';
import { renewalMeans } from '../renewal.js';
import { emptyState, pager, showError } from '../ui.js';

const RENEWALS = [['', 'Todas'], ['true', 'Automática'], ['false', 'Manual']];
const STATES = [['', 'Todos'], ['active', 'Em dia'], ['past_due', 'Pagamento pendente'],
  ['ended', 'Encerrada']];
const STATUSES = [['', 'Todos'], ['active', 'Ativa'], ['pending', 'Pendente'],
  ['expired', 'Expirada'], ['canceled', 'Cancelada']];
const label = (options, key) => (options.find(([value]) => value === key) || [null, key || '—'])[1];

export default function adminSubscriptions(main) {
  return adminPage(main, 'Assinaturas', async (content) => {
    const list = h('div', { 'aria-live': 'polite' });
    const renewal = field('Renovação', 'auto_renew', { options: RENEWALS, value: '' });
    const state = field('Estado', 'renewal_state', { options: STATES, value: '' });
    const status = field('Status', 'status', { options: STATUSES, value: '' });
    const selects = [renewal, state, status].map((f) => f.querySelector('select'));
    // The plans' names, once: a subscription carries only its plan_id.
    const plans = await api('/api/admin/plans', { query: { limit: 100 } });
    const planNames = new Map(plans.data.map((p) => [p.id, p.name]));

    let latest = 0; // filters changed quickly: only the last answer is shown
    async function load(page = 1) {
      const asked = ++latest;
      const query = { page, limit: 25 };
      selects.forEach((select) => { if (select.value) query[select.name] = select.value; });
      try {
        const found = await api('/api/admin/subscriptions', { query });
        if (asked !== latest) return;
        render(list, found.data.length ? table(found.data, [
          ['Nº', (s) => String(s.id)],
          ['Cliente', (s) => h('a', { href: `/admin/clientes/conta/${s.user_id}` }, `Conta nº ${s.user_id}`)],
          ['Plano', (s) => planNames.get(s.plan_id) || (s.plan_id ? `Plano nº ${s.plan_id}` : '—')],
          ['Status', (s) => label(STATUSES, s.status)],
          ['Início', (s) => formatDateTime(s.start_date)],
          ['Fim', (s) => formatDateTime(s.end_date)],
          ['Renovação', (s) => (s.auto_renew ? 'Automática' : 'Manual')],
          ['Meio', (s) => renewalMeans(s) || '—'],
          ['Estado da renovação', (s) => (s.renewal_state ? label(STATES, s.renewal_state)
            : s.pix_rec_id && s.status === 'active' ? 'Aguardando autorização no banco' : '—')],
        ], 'Assinaturas') : emptyState('Nenhuma assinatura encontrada.'),
        pager(found, load));
      } catch (error) {
        if (asked === latest) showError(list, error, () => load(page));
      }
    }

    selects.forEach((select) => select.addEventListener('change', () => load(1)));
    content.append(h('section', { class: 'card' }, h('div', { class: 'card-body filters' },
      renewal, state, status)), list);
    await load();
  });
}
