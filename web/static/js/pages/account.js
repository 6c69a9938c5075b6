// Member area: who is logged in, and their subscription's status and end date.
import { api, clearSession, isAdmin } from '../api.js';
import { formatDate, formatUntil, h, pageTitle, render } from '../dom.js';
import { renewalBox } from '../renewal.js';
import { alertBox, memberOrLogin } from '../ui.js';

function subscriptionCard(subscription, plan, renewing) {
  if (!subscription) {
    return h('section', { class: 'card' }, h('div', { class: 'card-body' },
      h('h2', {}, 'Assinatura'),
      h('p', {}, h('span', { class: 'status status-off' }, 'Sem assinatura ativa')),
      h('p', { class: 'muted' }, 'Assine um plano para liberar todos os posts.'),
      h('a', { class: 'btn', href: '/planos' }, 'Ver planos')));
  }
  return h('section', { class: 'card' }, h('div', { class: 'card-body' },
    h('h2', {}, 'Assinatura'),
    h('p', {}, h('span', { class: 'status status-on' }, 'Ativa'),
      plan ? ` · Plano ${plan.name}` : null),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Início'), h('dd', {}, formatDate(subscription.start_date)),
      h('dt', {}, 'Válida até'), h('dd', { class: 'end-date' },
        subscription.end_date ? formatUntil(subscription.end_date) : 'Sem data de término')),
    renewing ? renewalBox(renewing) : null,
    h('a', { class: 'btn', href: '/' }, 'Ver conteúdo')));
}

export default async function account(main) {
  pageTitle('Minha conta');
  const me = await memberOrLogin(main, '/minha-conta', () => account(main));
  if (!me) return;
  let plan = null;
  if (me.subscription?.plan_id) {
    plan = await api('/api/plans', { auth: false, query: { limit: 100 } })
      .then((found) => found.data.find((p) => p.id === me.subscription.plan_id))
      .catch(() => null);
  }
  // The current subscription as its renewal shows it (issue 25), or as it awaits the
  // bank's approval of its Pix Automático (issue 26).
  let renewing = null;
  if (me.subscription?.renewal_state || me.subscription?.pix_rec_id) {
    renewing = await api('/api/me/subscriptions', { query: { limit: 100 } })
      .then((found) => found.data.find((s) => s.id === me.subscription.id) || null)
      .catch(() => null);
  }
  render(main, h('div', { class: 'account' },
    h('h1', {}, `Olá${me.user.name ? `, ${me.user.name}` : ''}!`),
    h('p', { class: 'muted' }, me.user.email),
    subscriptionCard(me.subscription, plan, renewing),
    isAdmin() ? alertBox('info', 'Você é administrador. ', h('a', { href: '/admin' }, 'Abrir o painel')) : null,
    h('p', { class: 'account-links' }, h('a', { class: 'btn btn-ghost', href: '/minha-conta/compras' }, 'Minhas compras'),
      ' ', h('a', { class: 'btn btn-ghost', href: '/minha-conta/dados' }, 'Meus dados')),
    h('button', { class: 'btn btn-ghost', type: 'button',
      onclick: async () => {
        // The token stops working on the server too, not only in this tab.
        try { await api('/api/auth/logout', { method: 'POST' }); } catch { /* ended anyway */ }
        clearSession();
        window.location.assign('/');
      } }, 'Sair')));
}
