// The one way pages talk to the server: the public REST API, JSON in and out. A signed-in
// browser is authenticated by its HttpOnly session cookie (set by the login answer, sent
// by the browser itself, readable by no script); its writes carry the CSRF token of the
// readable cookie cf_csrf in X-CSRF-Token. Every failure becomes an ApiError carrying the
// API's error shape {"error": {"code", "message", "field"}}, so pages can show it where
// it belongs.

const USER_KEY = 'cf.user';
const CSRF_COOKIE = 'cf_csrf';
let memorySession = null;

export function csrfToken() {
  const found = document.cookie.match(new RegExp(`(?:^|;\\s*)${CSRF_COOKIE}=([^;]+)`));
  return found ? decodeURIComponent(found[1]) : null;
}

/** The signed-in session {user}, or null. Signed in = the session cookies are there (they
 *  last across tabs and browser restarts); the user's public profile is kept beside them
 *  in localStorage. No token is kept by scripts. */
export function session() {
  if (!csrfToken()) {
    memorySession = null;
    return null;
  }
  if (memorySession) return memorySession;
  try {
    const raw = localStorage.getItem(USER_KEY);
    memorySession = raw ? { user: JSON.parse(raw) } : null;
  } catch {
    memorySession = null;
  }
  return memorySession;
}

/** After a login (or any answer carrying a session): the server set the cookies; this
 *  keeps the user's profile for the pages. The token is the API clients' business. */
export function saveSession(_token, user) {
  memorySession = { user };
  try {
    localStorage.setItem(USER_KEY, JSON.stringify(user));
  } catch {
    // Storage refused (private mode, quota): the profile lives in memory for this page.
  }
}

export function clearSession() {
  memorySession = null;
  try {
    localStorage.removeItem(USER_KEY);
  } catch {
    // nothing stored
  }
}

// Age assurance (issue 22): this browser's proof lives only in the HttpOnly cookie the
// server sets (a page's script never reads it, so an injected one cannot carry it
// away); every same-origin call sends it. An account's assurance is its session's.
// An earlier version kept a copy in localStorage: forget it.
try {
  localStorage.removeItem('cf.age');
} catch {
  // storage refused: nothing kept there either
}

/** Whether the caller may see the storefront's media; false sends them to the gate. */
export async function ageAssured() {
  const status = await api('/api/age-assurance');
  return status.assured;
}

export function isAdmin() {
  return session()?.user?.role === 'admin';
}

export class ApiError extends Error {
  constructor(status, code, message, field, body = null) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || 'error';
    this.field = field || null;
    this.body = body; // the whole answer (a 503 at checkout carries the pending checkout)
  }
}

// While API calls are in flight the main area says so (aria-busy): assistive
// technologies wait, and so do the browser tests before they look at a page.
let inFlight = 0;
function busy(delta) {
  inFlight += delta;
  document.getElementById('main')?.setAttribute('aria-busy', inFlight > 0 ? 'true' : 'false');
}

async function tracked(work) {
  busy(1);
  try {
    return await work();
  } finally {
    busy(-1);
  }
}

function urlWith(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Calls the API; resolves to the parsed JSON (null for an empty body), rejects with
 *  ApiError. (`auth` is accepted for older callers: the session cookie goes anyway.) */
export function api(path, options = {}) {
  return tracked(() => call(path, options));
}

async function call(path, { method = 'GET', body, query, signal, headers: extra } = {}) {
  const headers = { Accept: 'application/json', ...(extra || {}) };
  const current = session();
  const csrf = csrfToken();
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(urlWith(path, query), {
      method, headers, signal, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Sem conexão com o servidor. Tente de novo.');
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = data?.error || {};
    if (response.status === 401 && current) {
      clearSession(); // the session ended (expired, password changed...): say so once
      window.dispatchEvent(new CustomEvent('cf:session-ended'));
    }
    throw new ApiError(response.status, error.code, error.message, error.field, data);
  }
  return data;
}

/** Fetches a binary resource of the API (e.g. an SVG) as an object URL; `headers`
 *  carry credentials that must stay out of URLs (an <img> could not send them). */
export function apiBlobUrl(path, query, headers = {}) {
  return tracked(() => blobUrl(path, query, headers));
}

async function blobUrl(path, query, headers) {
  const response = await fetch(urlWith(path, query), { credentials: 'same-origin', headers });
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch {
      // not JSON
    }
    throw new ApiError(response.status, error.code, error.message, error.field);
  }
  return URL.createObjectURL(await response.blob());
}

/** Sends a small beacon that must survive the page being left. */
export function beacon(path, body) {
  return fetch(path, {
    method: 'POST', keepalive: true, credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  }).then(() => true, () => false);
}

/** Sends a batch (the ad events of a page view) while the page is being hidden or left:
 *  navigator.sendBeacon queues it in the browser, which delivers it after the page is
 *  gone. A string goes as text/plain (no preflight; the server reads the JSON anyway).
 *  Falls back to a keepalive fetch where sendBeacon is missing or refuses. */
export function sendBatch(path, body) {
  const text = JSON.stringify(body);
  try {
    if (navigator.sendBeacon && navigator.sendBeacon(path, text)) return true;
  } catch {
    // a browser that refuses this beacon: try fetch
  }
  beacon(path, body);
  return false;
}
