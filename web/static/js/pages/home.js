// The storefront: hero carousel and ads, creators (featured first) and white-label
// collections, each a paginated grid of thumbnails.
import { api } from '../api.js';
import { interleave, loadAds, placementBlock, renderAd } from '../ads.js';
import { h, img, pageTitle, render } from '../dom.js';
import { emptyState, pager, section, showError } from '../ui.js';

const PER_PAGE = 8;
const PLACEMENTS = ['home_top', 'home_middle', 'home_bottom', 'sidebar', 'models_grid',
  'feed_mix'];

export function creatorCard(creator) {
  return h('a', { class: 'card model-card', href: `/modelos/${creator.id}` },
    img(creator.icon_url || creator.banner_url, creator.name, { class: 'card-image' }),
    h('div', { class: 'card-body' },
      h('strong', { class: 'card-title' }, creator.name),
      creator.is_featured ? h('span', { class: 'badge' }, 'Destaque') : null,
      creator.description ? h('p', { class: 'card-text' }, creator.description) : null));
}

function collectionCard(model) {
  return h('a', { class: 'card model-card', href: `/colecoes/${model.id}` },
    img(model.thumbnail_url || model.banner_url, model.folder_name, { class: 'card-image' }),
    h('div', { class: 'card-body' },
      h('strong', { class: 'card-title' }, model.folder_name),
      h('span', { class: 'muted' }, `${model.post_count} ${model.post_count === 1 ? 'post' : 'posts'}`)));
}

/** A grid fed by a paginated API list, with its own pager and error handling. */
function pagedGrid({ path, card, empty, ads, placement, label }) {
  const holder = h('div', { class: 'grid-holder', 'aria-live': 'polite' });
  async function load(page) {
    try {
      const found = await api(path, { auth: false, query: { page, limit: PER_PAGE } });
      const cards = found.data.map(card);
      render(holder,
        found.data.length ? h('div', { class: 'grid', 'aria-label': label },
          interleave(cards, page === 1 ? ads : [], placement)) : emptyState(empty),
        pager(found, load));
    } catch (error) {
      showError(holder, error, () => load(page));
    }
  }
  load(1);
  return holder;
}

export default async function home(main) {
  pageTitle('');
  const ads = await loadAds(PLACEMENTS, 5);
  const sidebar = (ads.sidebar || []).map((ad) => renderAd(ad, 'sidebar'));
  render(main,
    placementBlock(ads.home_top, 'home_top'),
    h('div', { class: sidebar.length ? 'with-sidebar' : '' },
      h('div', { class: 'content' },
        h('div', { class: 'intro' },
          h('h1', {}, 'Conteúdo exclusivo das suas criadoras favoritas'),
          h('p', { class: 'lead' }, 'Assine um plano e libere todos os posts, fotos e vídeos.'),
          h('a', { class: 'btn', href: '/planos' }, 'Ver planos')),
        section('Criadoras', pagedGrid({
          path: '/api/models', card: creatorCard, ads: ads.models_grid,
          placement: 'models_grid', label: 'Criadoras',
          empty: 'Nenhuma criadora publicada ainda.',
        })),
        placementBlock(ads.home_middle, 'home_middle'),
        section('Coleções', pagedGrid({
          path: '/api/whitelabel/models', card: collectionCard, ads: ads.feed_mix,
          placement: 'feed_mix', label: 'Coleções', empty: 'Nenhuma coleção disponível ainda.',
        })),
        placementBlock(ads.home_bottom, 'home_bottom')),
      sidebar.length ? h('aside', { class: 'sidebar', 'aria-label': 'Publicidade' }, sidebar)
        : null));
}
