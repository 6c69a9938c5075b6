// The brand the admins chose (/admin/marca): the page shell carries its name and colour
// (server-rendered meta tags, read at once); the logo and support address come from
// GET /api/branding, once per page.
import { api } from './api.js';

const DEFAULT_NAME = 'CreatorFlix';
let loading = null;

const meta = (selector) => document.querySelector(selector)?.getAttribute('content') || '';

/** The site's name, from the shell (no request). */
export function siteName() {
  return meta('meta[property="og:site_name"]') || DEFAULT_NAME;
}

/** Sets the primary colour of every page from the shell's theme-color. */
export function applyColour() {
  const colour = meta('meta[name="theme-color"]');
  if (/^#[0-9a-fA-F]{6}$/.test(colour)) document.documentElement.style.setProperty('--accent', colour);
}

/** {site_name, logo_url, logo_src, primary_color, support_email}, fetched once. */
export function brand() {
  loading = loading || api('/api/branding', { auth: false })
    .catch(() => ({ site_name: siteName(), logo_src: null, support_email: '' }));
  return loading;
}

/** Forget the fetched brand (after the admin saved a new one). */
export function forgetBrand() {
  loading = null;
}
