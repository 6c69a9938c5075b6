// Admin: one customer — an account (/admin/clientes/conta/{id}) or the buyer of a
// checkout (/admin/clientes/compra/{checkout id}: guests have no account id). Their checkouts,
// subscriptions, withdrawal requests and age checks; grant a plan; mail the link to
// choose a password.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDate, formatDateTime, formatUntil, h, money, pathId, render } from '../dom.js';
import { field, submitting } from '../forms.js';
import { alertBox, emptyState, showError } from '../ui.js';
import { cpf } from './admin_customers.js';
import { METHOD_LABELS, STATUS_LABELS } from './admin_sales.js';

const SUB_LABELS = { active: 'Ativa', expired: 'Expirada', cancelled: 'Cancelada', pending: 'Pendente' };
const WD_LABELS = { requested: 'Pendente', refunded: 'Reembolsado', rejected: 'Recusado' };
const AGE_METHODS = { oidc: 'Conta gov/OIDC', card: 'Cartão de crédito', document: 'Documento', sandbox: 'Sandbox' };
const AGE_OUTCOMES = { pending: 'Pendente', assured: 'Verificada', rejected: 'Recusada', revoked: 'Revogada' };

function part(title, rows, columns, empty) {
  return h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, title),
    rows.length ? table(rows, columns, title) : emptyState(empty)));
}

export default function adminCustomer(main) {
  const account = window.location.pathname.startsWith('/admin/clientes/conta/');
  const source = account ? `/api/admin/customers/${pathId()}` : `/api/admin/checkouts/${pathId()}/customer`;
  return adminPage(main, 'Cliente', async (content) => {
    const notice = h('div', { 'aria-live': 'polite' });
    const body = h('div');

    async function load() {
      const found = await api(source);
      const c = found.customer;
      const actions = [];
      if (c.user_id) {
        const plans = await api('/api/admin/plans', { query: { limit: 100 } });
        const plan = field('Plano', 'plan_id', { options: plans.data.map((p) => [p.id, `${p.name} · ${money(p.price)}`]) });
        const grant = h('form', { class: 'inline-form', 'aria-label': 'Conceder plano' }, plan,
          h('button', { class: 'btn', type: 'submit' }, 'Conceder plano'));
        grant.addEventListener('submit', (event) => {
          event.preventDefault();
          submitting(grant, async () => {
            try {
              const sub = await api(`/api/admin/users/${c.user_id}/subscriptions`,
                { method: 'POST', body: { plan_id: Number(plan.querySelector('select').value) } });
              render(notice, alertBox('success', `Plano concedido a ${c.name || c.email} até ${formatUntil(sub.end_date)}.`));
              await load();
            } catch (error) { showError(notice, error); }
          });
        });
        const link = h('button', { class: 'btn btn-ghost', type: 'button' }, 'Enviar link para criar/redefinir senha');
        link.addEventListener('click', async () => {
          link.disabled = true;
          try {
            await api(`/api/admin/users/${c.user_id}/password-link`, { method: 'POST' });
            render(notice, alertBox('success', `Link enviado para ${c.email}.`));
          } catch (error) { showError(notice, error); } finally { link.disabled = false; }
        });
        actions.push(grant, link);
      } else {
        actions.push(h('p', { class: 'muted' }, 'Comprador sem conta: a conta é criada quando uma compra é paga.'));
      }
      render(body,
        h('section', { class: 'card' }, h('div', { class: 'card-body' },
          h('h2', {}, c.name || c.email),
          h('dl', { class: 'facts' },
            h('dt', {}, 'E-mail'), h('dd', {}, c.email),
            h('dt', {}, 'CPF'), h('dd', {}, cpf(c.document)),
            h('dt', {}, 'Telefone'), h('dd', {}, c.phone || '—'),
            h('dt', {}, 'Compras pagas'), h('dd', {}, `${c.paid_checkouts} de ${c.checkouts} · ${money(c.paid_amount)}`)),
          h('div', { class: 'actions' }, actions))),
        part('Checkouts', found.checkouts, [
          ['Nº', (r) => String(r.id)], ['Data', (r) => formatDateTime(r.created_at)],
          ['Plano', (r) => r.plan_name || `#${r.plan_id}`], ['Valor', (r) => money(r.total_amount)],
          ['Método', (r) => METHOD_LABELS[r.payment_method] || '—'],
          ['Situação', (r) => STATUS_LABELS[r.status] || r.status],
        ], 'Nenhum checkout.'),
        part('Assinaturas', found.subscriptions, [
          ['Plano', (s) => s.plan_name || `#${s.plan_id}`],
          ['Início', (s) => formatDate(s.start_date)], ['Fim', (s) => (s.end_date ? formatUntil(s.end_date) : '—')],
          ['Situação', (s) => SUB_LABELS[s.status] || s.status],
          ['Origem', (s) => (s.external_id === 'MANUAL_ADMIN' ? 'Concedida no painel' : 'Pagamento')],
        ], 'Nenhuma assinatura.'),
        part('Pedidos de reembolso', found.withdrawals, [
          ['Checkout', (w) => `nº ${w.checkout_id}`], ['Pedido em', (w) => formatDateTime(w.created_at)],
          ['Situação', (w) => WD_LABELS[w.status] || w.status], ['Motivo', (w) => w.reason || '—'],
        ], 'Nenhum pedido de reembolso.'),
        part('Verificação de idade', found.age_checks, [
          ['Método', (a) => AGE_METHODS[a.method] || a.method],
          ['Resultado', (a) => AGE_OUTCOMES[a.outcome] || a.outcome],
          ['Em', (a) => formatDateTime(a.decided_at || a.created_at)],
          ['Válida até', (a) => (a.expires_at ? formatDate(a.expires_at) : '—')],
        ], 'Nenhuma verificação de idade.'));
    }

    content.append(h('p', {}, h('a', { href: '/admin/clientes' }, '← Clientes')), notice, body);
    await load();
  });
}
