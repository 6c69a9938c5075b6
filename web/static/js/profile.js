// What a creator's page and a white-label collection's page share: the profile header,
// the paywalled feed (locked posts call to subscribe), its ads and the post viewer.
import { api, session } from './api.js';
import { interleave, loadAds, renderAd } from './ads.js';
import { h, icon, img, pageTitle, pathId, render } from './dom.js';
import { emptyState, pager, showError } from './ui.js';

export const PLACEMENTS = ['model_profile', 'model_sidebar', 'feed_model', 'post_detail'];

/** The card of a post the visitor may not see yet. */
export function lockedCard(title, detail) {
  return h('article', { class: 'card post-card post-locked' },
    h('div', { class: 'locked-media', 'aria-hidden': 'true' }, icon('lock', 'lock')),
    h('div', { class: 'card-body' },
      title ? h('strong', { class: 'card-title' }, title) : null,
      h('p', { class: 'card-text' }, detail || 'Conteúdo exclusivo para assinantes.'),
      h('a', { class: 'btn btn-small', href: '/planos' }, 'Assine para ver')));
}

function media(url, kind, title) {
  return kind === 'video'
    ? h('video', { class: 'post-media', src: url, controls: true, preload: 'none',
      playsinline: true, 'aria-label': title || 'Vídeo' })
    : img(url, title || 'Foto', { class: 'post-media' });
}

/** Opens the post viewer: the media large, and the post page's banner. */
function openViewer(items, title, ads) {
  const dialog = h('dialog', { class: 'viewer', 'aria-label': title || 'Post' },
    h('div', { class: 'viewer-head' }, h('strong', {}, title || 'Post'),
      h('button', { class: 'btn btn-small btn-ghost', type: 'button', 'aria-label': 'Fechar',
        onclick: () => dialog.close() }, icon('close'))),
    h('div', { class: 'viewer-media' }, items.map(([url, kind]) => media(url, kind, title))),
    (ads || []).slice(0, 1).map((ad) => renderAd(ad, 'post_detail')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

/** What a card shows of its first media: the image, or a play sign for a video (the
 *  player itself opens in the viewer: no controls nested in the card's button). */
function cover([url, kind], title) {
  if (kind !== 'video') return media(url, kind, title);
  return h('div', { class: 'video-cover' }, icon('play', 'play'), h('span', { class: 'sr-only' }, 'Vídeo'));
}

/** The card of a visible post: `items` = [[url, 'image'|'video'], ...]. */
export function openCard(title, items, ads, extra) {
  const [first] = items;
  return h('article', { class: 'card post-card' },
    h('button', { class: 'post-open', type: 'button', 'aria-label': `Abrir ${title || 'post'}`,
      onclick: () => openViewer(items, title, ads) },
    first ? cover(first, title) : h('div', { class: 'locked-media' })),
    h('div', { class: 'card-body' }, title ? h('strong', { class: 'card-title' }, title) : null,
      extra || null));
}

export function profileHeader({ name, description, icon, banner, extra }) {
  return h('header', { class: 'profile' },
    h('div', { class: 'profile-banner' }, img(banner, '', { class: 'profile-banner-img' })),
    h('div', { class: 'profile-info' },
      img(icon, name, { class: 'avatar' }),
      h('div', {}, h('h1', { class: 'profile-name' }, name),
        description ? h('p', { class: 'muted' }, description) : null, extra || null)));
}

/** Renders a profile page: `loadProfile(id)` -> header fields, `postsPath(id)` the API
 *  list of posts, `postCard(post, ads)` a card. */
export async function profilePage(main, { loadProfile, postsPath, postCard, notFound }) {
  const id = pathId();
  let profile;
  try {
    profile = await loadProfile(id);
  } catch (error) {
    if (error.status === 404) {
      render(main, emptyState(notFound, h('a', { class: 'btn', href: '/' }, 'Voltar ao início')));
      return;
    }
    showError(main, error, () => window.location.reload());
    return;
  }
  pageTitle(profile.name);
  const ads = await loadAds(PLACEMENTS, 3);
  const feed = h('div', { class: 'feed-holder', 'aria-live': 'polite' });
  const subscribed = Boolean(session());
  async function load(page) {
    try {
      const found = await api(postsPath(id), { query: { page, limit: 12 } });
      const cards = found.data.map((post) => postCard(post, ads.post_detail));
      const locked = found.data.some((post) => post.locked);
      render(feed,
        locked ? h('div', { class: 'alert alert-info' },
          subscribed ? 'Sua conta não tem assinatura ativa. ' : 'Assine para ver todos os posts. ',
          h('a', { href: '/planos' }, 'Ver planos')) : null,
        found.data.length ? h('div', { class: 'grid feed', 'aria-label': 'Posts' },
          interleave(cards, page === 1 ? ads.feed_model : [], 'feed_model', 3))
          : emptyState('Nenhum post ainda.'),
        pager(found, load));
    } catch (error) {
      if (error.status === 401) return load(page); // the session ended: read as a visitor
      showError(feed, error, () => load(page));
    }
    return null;
  }
  const side = (ads.model_sidebar || []).map((ad) => renderAd(ad, 'model_sidebar'));
  render(main,
    profileHeader(profile),
    (ads.model_profile || []).slice(0, 1).map((ad) => renderAd(ad, 'model_profile')),
    h('div', { class: side.length ? 'with-sidebar' : '' },
      h('div', { class: 'content' }, h('h2', { class: 'section-title' }, 'Posts'), feed),
      side.length ? h('aside', { class: 'sidebar', 'aria-label': 'Publicidade' }, side) : null));
  await load(1);
}
