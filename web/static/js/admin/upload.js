// Uploads of the panel: a file goes straight to the S3 bucket when the storage is one
// (a presigned POST, then the app checks it: POST /api/admin/media/confirm), or through
// the app otherwise (POST /api/admin/media). Either way the server tells the kind by the
// file's bytes. XHR, not fetch: it reports the upload's progress.
import { ApiError, csrfToken } from '../api.js';
import { h } from '../dom.js';

const PRESIGNABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4', 'video/webm']);
let direct = null; // null: not known yet; false: the storage takes uploads through the app

function send(method, url, body, { auth = true, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    // Our API: the session cookie goes by itself; a write carries the CSRF token. The
    // bucket (auth false) gets neither: a custom header would need a CORS preflight.
    const csrf = auth ? csrfToken() : null;
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    if (body && !(body instanceof FormData)) xhr.setRequestHeader('Content-Type', 'application/json');
    if (auth) xhr.setRequestHeader('Accept', 'application/json');
    if (onProgress) xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
      const error = data?.error || {};
      reject(new ApiError(xhr.status, error.code, error.message || uploadMessage(xhr.status), error.field, data));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'Falha de conexão durante o envio.')));
    xhr.send(body instanceof FormData ? body : (body ? JSON.stringify(body) : null));
  });
}

function uploadMessage(status) {
  if (status === 415) return 'Formato não aceito: envie JPEG, PNG, WebP, GIF, MP4 ou WebM.';
  if (status === 413) return 'Arquivo grande demais.';
  return `Falha no envio (HTTP ${status}).`;
}

async function throughBucket(file, onProgress) {
  const form = await send('POST', '/api/admin/media/presign', { content_type: file.type });
  if (!form.direct) return null; // the storage takes uploads through the app
  if (file.size > form.max_bytes) throw new ApiError(413, 'payload_too_large', uploadMessage(413), 'file');
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
  data.append('file', file);
  await send('POST', form.url, data, { auth: false, onProgress });
  return send('POST', '/api/admin/media/confirm', { key: form.key });
}

/** Uploads `file`; resolves to {key, url, thumbnail_url, signed_url, content_type, kind,
 *  width, height, size}. `onProgress(fraction)` as bytes leave. */
export async function uploadFile(file, onProgress) {
  if (direct !== false && PRESIGNABLE.has(file.type)) {
    const done = await throughBucket(file, onProgress);
    direct = done !== null;
    if (done) return done;
  }
  const data = new FormData();
  data.append('file', file);
  return send('POST', '/api/admin/media', data, { onProgress });
}

/** A progress bar for one file: {element, set(fraction), done(text), fail(text)}. */
export function progressRow(name) {
  const bar = h('progress', { max: '100', value: '0', 'aria-label': `Envio de ${name}` });
  const status = h('span', { class: 'muted upload-status' }, 'Enviando…');
  const element = h('div', { class: 'upload-row' }, h('span', { class: 'upload-name' }, name), bar, status);
  return {
    element,
    set: (fraction) => { bar.value = Math.round(fraction * 100); },
    done: (text) => { bar.value = 100; status.textContent = text; element.classList.add('upload-done'); },
    fail: (text) => { status.textContent = text; element.classList.add('upload-failed'); status.setAttribute('role', 'alert'); },
  };
}

/** An upload button beside a URL input: the uploaded file's URL fills the input, and
 *  `onUploaded(media)` is told (for a preview). Images only unless `accept` says. */
export function uploadButton(input, { accept = 'image/jpeg,image/png,image/webp,image/gif', label = 'Enviar imagem', onUploaded } = {}) {
  const picker = h('input', { type: 'file', accept, class: 'sr-only', tabindex: '-1', 'aria-hidden': 'true',
    'data-upload-for': input.name });
  const progress = h('div', { class: 'upload-progress', 'aria-live': 'polite' });
  const button = h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => picker.click() }, label);
  picker.addEventListener('change', async () => {
    const [file] = picker.files;
    if (!file) return;
    const row = progressRow(file.name);
    progress.replaceChildren(row.element);
    button.disabled = true;
    try {
      const media = await uploadFile(file, row.set);
      input.value = media.url;
      row.done('Enviado.');
      if (onUploaded) onUploaded(media);   // before the input event: previews redraw on it
      input.dispatchEvent(new Event('input', { bubbles: true }));
    } catch (error) {
      row.fail(error.message);
    } finally {
      button.disabled = false;
      picker.value = '';
    }
  });
  return h('div', { class: 'upload-control' }, button, picker, progress);
}
