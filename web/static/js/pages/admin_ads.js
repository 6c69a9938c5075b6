// Admin: ads with filters (status, placement, type), their counters and CTR, and the
// pause/resume toggle.
import { api } from '../api.js';
import { adminPage, adsMeta, label, table } from '../admin/shell.js';
import { h, percent, render } from '../dom.js';
import { field } from '../forms.js';
import { emptyState, pager, showError } from '../ui.js';

const choices = (values, labels) => [['', 'Todos'], ...values.map((v) => [v, label(labels, v)])];

export default function ads(main) {
  return adminPage(main, 'Anúncios', async (content) => {
    const meta = await adsMeta();
    const filters = h('form', { class: 'filters', role: 'search' },
      field('Status', 'status', { options: choices(meta.statuses, meta.labels.statuses) }),
      field('Posicionamento', 'placement', { options: choices(meta.placements, meta.labels.placements) }),
      field('Tipo', 'type', { options: choices(meta.types, meta.labels.types) }));
    const list = h('div', { 'aria-live': 'polite' });

    async function toggle(ad, page) {
      try {
        await api(`/api/admin/ads/${ad.id}/toggle`, { method: 'POST' });
        load(page);
      } catch (error) {
        showError(list, error, () => load(page));
      }
    }

    async function load(page = 1) {
      const query = Object.fromEntries(new FormData(filters));
      try {
        const found = await api('/api/admin/ads', { query: { ...query, page, limit: 20 } });
        render(list, found.data.length ? table(found.data, [
          ['Nome', (ad) => h('a', { href: `/admin/anuncios/${ad.id}` }, ad.name)],
          ['Tipo', (ad) => label(meta.labels.types, ad.type)],
          ['Posicionamento', (ad) => label(meta.labels.placements, ad.placement)],
          ['Status', (ad) => h('span', { class: `status status-${ad.status}` }, label(meta.labels.statuses, ad.status))],
          ['Impressões', (ad) => String(ad.impressions)],
          ['Cliques', (ad) => String(ad.clicks)],
          ['CTR', (ad) => percent(ad.ctr)],
          ['', (ad) => (ad.status === 'draft' ? h('span', { class: 'muted small' }, 'rascunho')
            : h('button', { class: 'btn btn-small btn-ghost', type: 'button',
              onclick: () => toggle(ad, page) }, ad.status === 'active' ? 'Pausar' : 'Ativar'))],
        ], 'Anúncios') : emptyState('Nenhum anúncio com estes filtros.'), pager(found, load));
      } catch (error) {
        showError(list, error, () => load(page));
      }
    }

    filters.addEventListener('change', () => load(1));
    filters.addEventListener('submit', (event) => { event.preventDefault(); load(1); });
    content.append(h('div', { class: 'toolbar' },
      h('a', { class: 'btn', href: '/admin/anuncios/novo' }, 'Novo anúncio')), filters, list);
    await load(1);
  });
}
