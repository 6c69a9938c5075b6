// The `document` age-assurance method (issue 16), member side: the outcome of the
// member's latest document (pending, approved, rejected) and the form that sends a photo
// of an official ID. The photo is read in the browser and sent as the API declares it:
// JSON {content_type, data: base64}. A photo too large for one request (phones take
// several MB) is reduced here first, as a JPEG, keeping the document readable.
import { api, session } from './api.js';
import { formatDate, formatDateTime, h, parseUtc, render } from './dom.js';
import { field } from './forms.js';
import { alertBox, clearErrors, describe, fieldError, showError, showFormError } from './ui.js';

const TYPES = ['image/jpeg', 'image/png', 'image/webp'];
// Well under CREATORFLIX_AGE_DOCUMENT_MAX_BYTES (5 MB by default) once in base64 (4/3)
// and JSON: a phone's photo reduced to this stays readable and uploads fast.
const MAX_BYTES = 700 * 1024;
const MAX_SIDE = 2000;

const KEPT = 'O que guardamos: apenas o resultado (aprovado ou recusado), a data e a validade. '
  + 'A foto fica num local privado, visível somente para os administradores que a conferem, '
  + 'e é apagada assim que eles decidem. Não guardamos número de documento, data de nascimento '
  + 'nem dados biométricos.';

function statusBox(latest) {
  if (!latest) return null;
  const when = formatDateTime(latest.created_at);
  const box = {
    pending: ['info', `Em análise: documento enviado em ${when}, aguardando um administrador. `
      + 'Você recebe um e-mail com a decisão, e o conteúdo fica disponível assim que ele for aprovado.'],
    assured: parseUtc(latest.expires_at) > new Date()
      ? ['success', `Documento aprovado. Idade verificada até ${formatDate(latest.expires_at)}.`]
      : ['info', `A verificação feita com o seu documento expirou em ${formatDate(latest.expires_at)}. Envie uma nova foto.`],
    rejected: ['error', `O documento enviado em ${when} foi recusado. Envie outra foto, nítida, `
      + 'do documento inteiro (RG, CNH ou passaporte) com a data de nascimento legível.'],
    revoked: ['info', 'A verificação feita com o seu documento foi revogada. Envie uma nova foto.'],
  }[latest.outcome];
  if (!box) return null;
  const el = alertBox(box[0], box[1]);
  el.dataset.documentStatus = latest.outcome;
  return el;
}

function readAsBase64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function toBlob(canvas, quality) {
  return new Promise((resolve) => { canvas.toBlob(resolve, 'image/jpeg', quality); });
}

/** The file as it will be sent: as is when small enough, else re-encoded as a JPEG of
 *  at most MAX_SIDE pixels a side, smaller until it fits. */
async function prepared(file) {
  if (file.size <= MAX_BYTES) return { blob: file, type: file.type };
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw Object.assign(new Error('unreadable'), { text: 'Não conseguimos ler esta imagem. Envie uma foto JPEG, PNG ou WebP.' });
  }
  let scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const canvas = h('canvas', {});
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await toBlob(canvas, 0.85); // eslint-disable-line no-await-in-loop
    if (blob && blob.size <= MAX_BYTES) return { blob, type: 'image/jpeg' };
    scale *= 0.75;
  }
  throw Object.assign(new Error('too large'), { text: 'A foto é grande demais. Envie uma foto menor.' });
}

function uploadForm(done) {
  const chooser = field('Foto do documento oficial (RG, CNH ou passaporte)', 'document', {
    type: 'file', accept: TYPES.join(','), required: true,
    hint: 'JPEG, PNG ou WebP. O documento inteiro, com a foto e a data de nascimento legíveis.',
  });
  const input = chooser.querySelector('input');
  const button = h('button', { class: 'btn', type: 'submit' }, 'Enviar documento');
  const form = h('form', { class: 'form age-document-form', novalidate: true }, chooser,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const file = input.files && input.files[0];
    if (!file) { fieldError(input, 'Escolha a foto do documento.'); return; }
    if (!TYPES.includes(file.type)) {
      fieldError(input, 'Envie uma foto JPEG, PNG ou WebP.');
      return;
    }
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const { blob, type } = await prepared(file);
      const data = await readAsBase64(blob);
      await api('/api/age-assurance/documents', { method: 'POST', body: { content_type: type, data } });
      await done();
    } catch (error) {
      if (error?.text) fieldError(input, describe(error));
      else showFormError(form, error);
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
  return form;
}

/** The document method's box on the gate page: what is kept, the member's latest
 *  document's outcome, and the form (unless a document is waiting for its decision). */
export function documentMethod() {
  if (!session()) {
    return h('div', {}, h('p', { class: 'muted small' }, KEPT),
      h('a', { class: 'btn btn-ghost', href: '/entrar?next=/verificacao-idade' },
        'Entre na sua conta para enviar'));
  }
  const box = h('div', { class: 'age-document', 'aria-live': 'polite' });

  async function load() {
    try {
      const found = await api('/api/age-assurance/documents', { query: { limit: 1 } });
      const latest = found.data[0] || null;
      render(box, h('p', { class: 'muted small age-document-kept' }, KEPT), statusBox(latest),
        latest && latest.outcome === 'pending' ? null : uploadForm(load));
    } catch (error) {
      showError(box, error, load);
    }
  }

  load();
  return box;
}
