// The frame of every admin page: only for administrators (the API enforces it; this
// only avoids showing an empty page), the admin menu, and the ads' labels.
import { api, isAdmin, session } from '../api.js';
import { h, pageTitle, render } from '../dom.js';
import { alertBox, showError } from '../ui.js';

const MENU = [
  ['/admin', 'Painel'], ['/admin/vendas', 'Vendas'], ['/admin/assinaturas', 'Assinaturas'], ['/admin/clientes', 'Clientes'],
  ['/admin/criadoras', 'Criadoras'], ['/admin/anuncios', 'Anúncios'], ['/admin/sync', 'Sincronização'],
  ['/admin/gateways', 'Gateways'], ['/admin/planos', 'Planos'],
  ['/admin/order-bumps', 'Order bumps'], ['/admin/cupons', 'Cupons'], ['/admin/contatos', 'Contatos'],
  ['/admin/marca', 'Marca'], ['/admin/configuracoes', 'Configurações'], ['/admin/auditoria', 'Auditoria'],
  ['/admin/pagamentos-em-analise', 'Em análise'],
  ['/admin/reembolsos', 'Reembolsos'], ['/admin/verificacao-idade', 'Verificação de idade'],
  ['/admin/notificacoes', 'Notificações'],
];

export function toLogin() {
  const here = window.location.pathname;
  window.location.assign(`/entrar?next=${encodeURIComponent(here)}`);
}

function menu() {
  const path = window.location.pathname;
  const current = MENU.filter(([href]) => path === href || path.startsWith(`${href}/`))
    .sort((a, b) => b[0].length - a[0].length)[0]?.[0];
  return h('nav', { class: 'admin-menu', 'aria-label': 'Administração' },
    MENU.map(([href, label]) => h('a', { href, class: href === current ? 'active' : null,
      'aria-current': href === current ? 'page' : null }, label)));
}

/** Renders the admin frame with `title`, then `build(content)`. */
export async function adminPage(main, title, build) {
  pageTitle(`${title} · Admin`);
  if (!session()) { toLogin(); return; }
  if (!isAdmin()) {
    render(main, alertBox('error', 'Área restrita a administradores.'));
    return;
  }
  // Any call of the page answered 401: log in again, then come back here.
  window.addEventListener('cf:session-ended', toLogin, { once: true });
  const content = h('div', { class: 'admin-content' });
  render(main, h('div', { class: 'admin' }, menu(),
    h('div', { class: 'admin-main' }, h('h1', {}, title), content)));
  try {
    await build(content);
  } catch (error) {
    if (error?.status === 401) { toLogin(); return; }
    showError(content, error, () => window.location.reload());
  }
}

let meta = null;

/** GET /api/ads/meta, once per page: types, placements, valid pairs, pt-BR labels. */
export async function adsMeta() {
  meta = meta || await api('/api/ads/meta', { auth: false });
  return meta;
}

export const label = (labels, key) => (labels && labels[key]) || key;

/** A table; `columns` = [[header, (row) => cell], ...]. */
export function table(rows, columns, caption) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map(([head]) => h('th', { scope: 'col' }, head)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([head, cell]) => h('td', { 'data-label': head }, cell(row))))))));
}
