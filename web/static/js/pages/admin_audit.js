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

// Sentences of the log ("Ana alterou o plano Mensal: preço 29,90 → 34,90").
const NOUNS = {
  plans: 'o plano', 'order-bumps': 'o order bump', ads: 'o anúncio', creators: 'a criadora',
  posts: 'o post', settings: 'a configuração', 'support-contacts': 'o contato',
  'payment-gateways': 'o gateway', users: 'a conta', checkouts: 'o checkout',
  subscriptions: 'a assinatura', withdrawals: 'o pedido de reembolso',
  'age-assurance': 'a verificação de idade', whitelabel: 'o catálogo white-label',
  sandbox: 'o checkout (sandbox)', branding: 'a marca',
};
const FIELDS = {
  price: 'preço', name: 'nome', duration: 'duração (dias)', is_active: 'à venda',
  benefits_json: 'benefícios', cta_text: 'texto do botão', status: 'situação', title: 'título',
  link: 'link', placement: 'posicionamento', type: 'tipo', plan_id: 'plano',
  accepts_pix: 'aceita PIX', accepts_card: 'aceita cartão', public_key: 'chave pública',
  secret_key: 'chave secreta', postback_url: 'URL de postback', value: 'valor', email: 'e-mail',
};
const CENTS = new Set(['price', 'amount', 'total_amount']);
const VERBS = { PATCH: 'alterou', PUT: 'alterou', DELETE: 'excluiu', POST: 'criou' };
// Actions (POST /api/admin/<things>/{id}/<action>): what the administrator did to it.
const ACTIONS = {
  settle: 'resolveu', pay: 'pagou', refund: 'marcou como reembolsado', approve: 'aprovou',
  reject: 'recusou', revoke: 'revogou', subscriptions: 'concedeu um plano a',
  'password-link': 'enviou o link de senha para',
};

function shown(name, value) {
  if (value === null || value === undefined || value === '') return '(vazio)';
  if (CENTS.has(name) && Number.isInteger(value)) return (value / 100).toFixed(2).replace('.', ',');
  if (typeof value === 'boolean') return value ? 'sim' : 'não';
  if (Array.isArray(value)) return value.join(', ') || '(vazio)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function sentence(entry) {
  const who = entry.actor_name || entry.actor_email || 'Alguém';
  const verb = entry.route.split('/').pop();
  const isAction = entry.method === 'POST' && /\{[a-z_]+\}\/[a-z-]+$/.test(entry.route);
  const action = isAction ? ACTIONS[verb] || `fez "${verb}" sobre` : VERBS[entry.method] || entry.method;
  const noun = NOUNS[entry.resource] || entry.resource;
  const before = entry.before || {};
  const sent = entry.changes || {};
  const name = before.name || before.title || sent.name || sent.title
    || (entry.record_id ? `nº ${entry.record_id}` : '');
  const parts = Object.entries(sent).filter(([field]) => entry.method !== 'POST' || field !== 'name')
    .map(([field, value]) => {
      const label = FIELDS[field] || field;
      return field in before && entry.method !== 'POST'
        ? `${label} ${shown(field, before[field])} → ${shown(field, value)}`
        : `${label} ${shown(field, value)}`;
    });
  return `${who} ${action} ${noun} ${name}`.trim() + (parts.length ? `: ${parts.join('; ')}` : '');
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
          ['O que aconteceu', (e) => h('span', { class: 'audit-sentence' }, sentence(e))],
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
