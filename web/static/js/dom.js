// Building the page: elements from data, never HTML strings (nothing the API returns
// can inject markup), and the formats people in Brazil read.

/** h('a', {href, class: 'x', onclick}, 'text', child...) -> element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value') {
      el.value = value;
    } else if (key === 'checked' || key === 'selected' || key === 'disabled') {
      el[key] = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the content of `el`. */
export function render(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// Times are shown in the operator's zone (CREATORFLIX_TIMEZONE, named by the page shell),
// whatever the zone of the browser's machine.
export const TIME_ZONE = (() => {
  const zone = document.querySelector('meta[name="cf-timezone"]')?.content;
  try {
    return zone && !zone.includes('{') ? new Intl.DateTimeFormat('pt-BR', { timeZone: zone })
      .resolvedOptions().timeZone : 'America/Sao_Paulo';
  } catch {
    return 'America/Sao_Paulo';
  }
})();
const BRL = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const DAY = new Intl.DateTimeFormat('pt-BR', {
  day: '2-digit', month: '2-digit', year: 'numeric', timeZone: TIME_ZONE,
});
const DAY_TIME = new Intl.DateTimeFormat('pt-BR', {
  day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  timeZone: TIME_ZONE,
});
const PERCENT = new Intl.NumberFormat('pt-BR', { style: 'percent', maximumFractionDigits: 2 });

export const money = (cents) => BRL.format((cents || 0) / 100);
export const percent = (rate) => PERCENT.format(rate || 0);

/** The API's timestamps are UTC ("2026-01-02T03:04:05Z"; a bare one is UTC too). */
export function parseUtc(text) {
  if (!text) return null;
  const iso = /[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export const formatDate = (text) => { const d = parseUtc(text); return d ? DAY.format(d) : '—'; };
/** The last day a period ending at `text` includes (a Pix Automático period ends at the
 * local midnight after its due date, which is not a day of access). */
export const formatUntil = (text) => {
  const d = parseUtc(text);
  return d ? DAY.format(new Date(d.getTime() - 1)) : '—';
};
export const formatDateTime = (text) => {
  const d = parseUtc(text);
  return d ? DAY_TIME.format(d) : '—';
};

export function durationLabel(days) {
  if (days === 365) return '1 ano';
  if (days % 30 === 0 && days >= 30) return days === 30 ? '1 mês' : `${days / 30} meses`;
  if (days === 7) return '1 semana';
  return days === 1 ? '1 dia' : `${days} dias`;
}

/** "29,90" or "29.90" -> 2990 cents; NaN when it is no amount. */
export function parseMoney(text) {
  const clean = String(text ?? '').trim().replace(/^R\$\s*/, '').replace(/\./g, (m, i, s) => (
    s.includes(',') ? '' : m)).replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return NaN;
  return Math.round(Number(clean) * 100);
}

export const centsToInput = (cents) => ((cents || 0) / 100).toFixed(2).replace('.', ',');

export function pageTitle(title) {
  // The brand's name, as the shell's server-rendered tags give it (see brand.js).
  const name = document.querySelector('meta[property="og:site_name"]')?.getAttribute('content') || 'CreatorFlix';
  document.title = title ? `${title} · ${name}` : name;
}

/** An image that degrades to a neutral block (same classes) when it has no URL or its
 *  URL fails (an offline CDN...), instead of the browser's broken-image glyph. */
export function img(src, alt, attrs = {}) {
  const fallback = () => h('div', { class: `${attrs.class || ''} img-broken`, role: alt ? 'img' : null,
    'aria-label': alt || null });
  if (!src) return fallback();
  const el = h('img', { alt: alt || '', loading: 'lazy', decoding: 'async', ...attrs, src });
  el.addEventListener('error', () => el.replaceWith(fallback()), { once: true });
  return el;
}

/** Query parameter of the current page. */
export const param = (name) => new URLSearchParams(window.location.search).get(name);

/** The numeric id at the end of the page path (/modelos/12 -> 12). */
export function pathId() {
  const match = window.location.pathname.match(/\/(\d+)\/?$/);
  return match ? Number(match[1]) : null;
}

/** The one check of every return address (`next`, `voltar`): `text` only when the
 *  browser itself resolves it to a page of our origin over http(s) — never a string
 *  check, which the URL parser defeats (it drops tab/CR/LF and reads `\\` as `/`:
 *  `/%09/evil.test` is `//evil.test`). Returns the resolved path, so what we go to is
 *  what we checked; and that path is checked again, because going to it is a second
 *  parse: `/.//evil.test` and `/..//evil.test` resolve on our origin to the path
 *  `//evil.test`, which the browser then reads as another host. */
export function safeNext(text, fallback = '/minha-conta') {
  if (!text) return fallback;
  let target;
  try {
    target = new URL(text, window.location.origin);
  } catch {
    return fallback;
  }
  if (target.origin !== window.location.origin
      || !['http:', 'https:'].includes(target.protocol)) return fallback;
  const path = `${target.pathname}${target.search}${target.hash}`;
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback;
  return path;
}

const ICONS = {
  lock: 'M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1Zm2 0h6V7a3 3 0 0 0-6 0v3Z',
  play: 'M8 5.5v13a1 1 0 0 0 1.5.86l11-6.5a1 1 0 0 0 0-1.72l-11-6.5A1 1 0 0 0 8 5.5Z',
  close: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4Z',
};

/** A small inline icon (no icon font to download). */
export function icon(name, className = 'icon') {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}
