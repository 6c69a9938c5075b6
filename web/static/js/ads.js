// Ads in their placements. Pages fetch them with track=false (fetching counts nothing);
// an impression is noted once per ad, placement and page view, when at least half of
// the ad has been on screen (IntersectionObserver), and the page's impressions leave
// together, in one batch (POST /api/ads/events through navigator.sendBeacon), when the
// page is hidden or left. Clicks follow the ad's click_url (/r/ads/{id}?placement=&t=,
// signed by the server), where the click is recorded before the redirect.
import { api, sendBatch } from './api.js';
import { h, img } from './dom.js';

const EVENTS_PATH = '/api/ads/events';
const MAX_BATCH = 50; // the server's limit per request

/** {placement: [ad]} for these placements; {} when the ads cannot be had (a page never
 *  depends on its ads). */
export async function loadAds(placements, limit = 5) {
  try {
    return await api('/api/ads', {
      auth: false, query: { placements: placements.join(','), limit, track: 'false' },
    }) || {};
  } catch {
    return {};
  }
}

const seen = new Set(); // "id@placement" noted during this page view
const pending = []; // [{event, el}] not sent yet
let observer = null;
let listening = false;

/** Sends what is pending: one request per MAX_BATCH events (one in practice). */
export function flushImpressions() {
  while (pending.length) {
    const batch = pending.splice(0, MAX_BATCH);
    sendBatch(EVENTS_PATH, { events: batch.map((item) => item.event) });
    batch.forEach((item) => { item.el.dataset.impression = 'sent'; });
  }
}

function sendWhenLeaving() {
  if (listening) return;
  listening = true;
  // visibilitychange is the last event a mobile browser reliably fires (tab switched,
  // app closed); pagehide covers the desktop navigations that skip it.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushImpressions();
  });
  window.addEventListener('pagehide', flushImpressions);
}

function onVisible(entries) {
  for (const entry of entries) {
    if (!entry.isIntersecting || entry.intersectionRatio < 0.5) continue;
    const el = entry.target;
    observer.unobserve(el);
    const id = Number(el.dataset.adId);
    const key = `${id}@${el.dataset.placement}`;
    if (seen.has(key)) continue;
    seen.add(key);
    el.dataset.impression = 'pending';
    pending.push({ el, event: { ad_id: id, placement: el.dataset.placement, type: 'impression' } });
  }
}

/** Counts `el` (an ad) once it is at least half visible. */
export function trackImpression(el) {
  if (!('IntersectionObserver' in window)) return;
  observer = observer || new IntersectionObserver(onVisible, { threshold: [0.5] });
  sendWhenLeaving();
  observer.observe(el);
}

const SPONSORED = () => h('span', { class: 'ad-label' }, 'Publicidade');

function body(ad, ctaClass = 'btn btn-small') {
  return h('div', { class: 'ad-body' },
    SPONSORED(),
    h('strong', { class: 'ad-title' }, ad.title),
    ad.subtitle ? h('span', { class: 'ad-subtitle' }, ad.subtitle) : null,
    ad.cta_text ? h('span', { class: ctaClass }, ad.cta_text) : null);
}

/** One ad as an element. `preview`: not a link and never counted (admin form). */
export function renderAd(ad, placement = ad.placement, { preview = false } = {}) {
  const type = ad.type || 'banner';
  const tag = preview ? 'div' : 'a';
  const el = h(tag, {
    class: `ad ad-${type}${ad.image_url ? '' : ' ad-text-only'}`,
    href: preview ? null : ad.click_url || `/r/ads/${ad.id}?placement=${placement}`,
    rel: preview ? null : 'sponsored noopener',
    dataset: { adId: String(ad.id ?? ''), placement },
    'aria-label': preview ? null : `Publicidade: ${ad.title}`,
  },
  ad.image_url ? img(ad.image_url, '', { class: 'ad-image' }) : null,
  body(ad, type === 'hero' ? 'btn' : 'btn btn-small'));
  if (!preview && ad.id) trackImpression(el);
  return el;
}

/** A swipeable carousel of hero ads (one slide per screen width). */
export function heroCarousel(ads, placement) {
  const track = h('div', { class: 'carousel-track', tabindex: '0',
    'aria-label': 'Destaques' }, ads.map((ad) => h('div', { class: 'carousel-slide' },
    renderAd(ad, placement))));
  const carousel = h('section', { class: 'carousel', 'aria-roledescription': 'carrossel' }, track);
  if (ads.length < 2) return carousel;
  let index = 0;
  const dots = ads.map((ad, i) => h('button', {
    class: 'carousel-dot', type: 'button', 'aria-label': `Destaque ${i + 1}`,
    onclick: () => { stop(); go(i); },
  }));
  const go = (i) => {
    index = (i + ads.length) % ads.length;
    track.scrollTo({ left: track.clientWidth * index, behavior: 'smooth' });
    dots.forEach((d, j) => d.setAttribute('aria-current', j === index ? 'true' : 'false'));
  };
  let timer = null;
  const stop = () => { if (timer) clearInterval(timer); timer = null; };
  track.addEventListener('scroll', () => {
    const at = Math.round(track.scrollLeft / Math.max(track.clientWidth, 1));
    dots.forEach((d, j) => d.setAttribute('aria-current', j === at ? 'true' : 'false'));
    index = at;
  }, { passive: true });
  track.addEventListener('pointerdown', stop, { once: true });
  if (!window.matchMedia('(prefers-reduced-motion: reduce)').matches) {
    timer = setInterval(() => go(index + 1), 6000);
  }
  carousel.append(h('div', { class: 'carousel-dots' }, dots));
  go(0);
  return carousel;
}

/** The ads of a placement in their usual form: heroes as a carousel, others stacked. */
export function placementBlock(ads, placement) {
  if (!ads || !ads.length) return null;
  const heroes = ads.filter((ad) => ad.type === 'hero');
  const others = ads.filter((ad) => ad.type !== 'hero');
  return h('div', { class: `ad-slot ad-slot-${placement}` },
    heroes.length ? heroCarousel(heroes, placement) : null,
    others.map((ad) => renderAd(ad, placement)));
}

/** Puts `ads` (diamond cards) among `items` (cards of a feed or grid), one every
 *  `every` items, and the remaining ones at the end. */
export function interleave(items, ads, placement, every = 4) {
  const out = [];
  let next = 0;
  items.forEach((item, i) => {
    out.push(item);
    if ((i + 1) % every === 0 && next < (ads || []).length) {
      out.push(renderAd(ads[next], placement));
      next += 1;
    }
  });
  if (next === 0 && ads?.length) out.push(renderAd(ads[0], placement));
  return out;
}
