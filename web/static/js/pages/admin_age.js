// Admin: age assurance (issue 16, Lei 15.211/2025). The queue of ID photos waiting for
// a decision (each photo fetched with the admin's token, shown from a blob: URL, never a
// public or signed link; the server deletes it once decided), the assurances with their
// revocation, and the effectiveness figures the ANPD asks platforms to keep.
import { ApiError, api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDate, formatDateTime, h, render } from '../dom.js';
import { field } from '../forms.js';
import { alertBox, describe, emptyState, pager, section, showError } from '../ui.js';

const METHODS = { oidc: 'Provedor de identidade (OIDC)', card: 'Cartão de crédito',
  document: 'Documento oficial', sandbox: 'Sandbox (teste)' };
const OUTCOMES = { pending: 'Pendente', assured: 'Verificado', rejected: 'Recusado',
  revoked: 'Revogado', abandoned: 'Abandonado' };
const label = (labels, key) => labels[key] || key;

/** The image formats a document may have, by their first bytes (the API sends the photo
 *  as application/octet-stream: it is never rendered as a page). */
function imageType(bytes) {
  const b = new Uint8Array(bytes.slice(0, 12));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  const text = String.fromCharCode(...b);
  if (text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** The photo of a pending document as an object URL (the session cookie goes along). */
async function photoUrl(id) {
  const response = await fetch(`/api/admin/age-assurance/documents/${id}/photo`, {
    credentials: 'same-origin', cache: 'no-store',
  });
  if (!response.ok) {
    let error = {};
    try { error = (await response.json()).error || {}; } catch { /* not JSON */ }
    throw new ApiError(response.status, error.code, error.message, error.field);
  }
  const bytes = await response.arrayBuffer();
  const type = imageType(bytes);
  if (!type) throw new ApiError(415, 'not_an_image', 'O arquivo enviado não é uma imagem.');
  return URL.createObjectURL(new Blob([bytes], { type }));
}

/** How long a document has waited, in words ("há 3 h 20 min"). */
export function waitingFor(createdAt, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - new Date(createdAt).getTime()) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} dias`;
}

/** The dashboard's warnings about the methods on offer (PIX buyers, OIDC). */
export function methodWarnings(figures) {
  return (figures.warnings || []).map((text) => h('div', {
    class: 'alert alert-warning age-method-warning', role: 'status' }, text));
}

function figuresTable(figures) {
  const rows = Object.entries(figures.methods).map(([method, counts]) => ({ method, ...counts }));
  const count = (key) => (row) => String(row[key] ?? 0);
  return table(rows, [
    ['Método', (r) => h('span', { class: figures.enabled.includes(r.method) ? null : 'muted' },
      label(METHODS, r.method), figures.enabled.includes(r.method) ? '' : ' (desativado)')],
    ['Tentativas', count('attempts')],
    ['Verificados', count('assured')],
    ['Recusados', count('rejected')],
    ['Pendentes', count('pending')],
    ['Abandonados', count('abandoned')],
    ['Revogados', count('revoked')],
  ], 'Tentativas de verificação por método');
}

export default function adminAge(main) {
  return adminPage(main, 'Verificação de idade', async (content) => {
    const warning = h('div', {});
    const figuresBox = h('div', { 'aria-live': 'polite', class: 'age-figures' });
    const queueBox = h('div', { 'aria-live': 'polite', class: 'age-queue' });
    const listBox = h('div', { 'aria-live': 'polite', class: 'age-records' });
    const opened = new Set(); // object URLs to release

    async function loadFigures() {
      try {
        const figures = await api('/api/admin/age-assurance/figures');
        render(warning, figures.gate && figures.sandbox_only ? h('div', {
          class: 'alert alert-error age-sandbox-warning', role: 'alert' },
        'Atenção: a verificação de idade de teste (sandbox) é o único método ativo: ela não verifica nada. ',
        'Configure CREATORFLIX_AGE_METHODS com oidc, card ou document antes de publicar conteúdo adulto.') : null,
        figures.gate ? null : alertBox('info', 'O bloqueio por idade está desligado (CREATORFLIX_AGE_GATE=off): use-o somente sem conteúdo adulto.'),
        figures.gate ? methodWarnings(figures) : null);
        render(figuresBox, h('p', { class: 'muted small' },
          `Métodos ativos: ${figures.enabled.map((m) => label(METHODS, m)).join(', ') || 'nenhum'}. `,
          'Guarde estes números: a ANPD pede que a plataforma meça a eficácia da verificação.'),
        figuresTable(figures));
      } catch (error) {
        showError(figuresBox, error, loadFigures);
      }
    }

    function refreshAll() {
      return Promise.all([loadQueue(1), loadList(1), loadFigures()]);
    }

    function decideButton(doc, approve) {
      const button = h('button', { class: approve ? 'btn btn-small' : 'btn btn-small btn-danger',
        type: 'button', 'data-action': approve ? 'approve' : 'reject' }, approve ? 'Aprovar' : 'Recusar');
      button.addEventListener('click', async () => {
        // eslint-disable-next-line no-alert
        if (!window.confirm(approve
          ? `Aprovar o documento nº ${doc.id}? ${doc.user_name || doc.user_email || `A conta nº ${doc.user_id}`} (${doc.user_email || '—'}) fica verificada por 1 ano e a foto é apagada.`
          : `Recusar o documento nº ${doc.id}? A foto é apagada.`)) return;
        button.disabled = true;
        try {
          await api(`/api/admin/age-assurance/documents/${doc.id}/${approve ? 'approve' : 'reject'}`,
            { method: 'POST' });
          await refreshAll();
        } catch (error) {
          button.disabled = false;
          button.replaceWith(h('span', { class: 'muted' }, describe(error)));
        }
      });
      return button;
    }

    function queueItem(doc) {
      const photo = h('div', { class: 'age-document-photo' });
      const show = h('button', { class: 'btn btn-small btn-ghost', type: 'button', 'data-action': 'photo' },
        'Ver foto');
      show.addEventListener('click', async () => {
        show.disabled = true;
        try {
          const url = await photoUrl(doc.id);
          opened.add(url);
          render(photo, h('img', { src: url, alt: `Documento nº ${doc.id}` }));
          show.remove();
        } catch (error) {
          show.disabled = false;
          showError(photo, error);
        }
      });
      return h('article', { class: 'card age-document-item', 'data-document': doc.id },
        h('div', { class: 'card-body' },
          h('h3', {}, `Documento nº ${doc.id} · ${doc.user_name || 'sem nome'} (${doc.user_email || `conta nº ${doc.user_id}`})`),
          h('p', { class: 'muted small age-waiting' }, `Enviado em ${formatDateTime(doc.created_at)} · `,
            h('strong', {}, `aguardando há ${waitingFor(doc.created_at)}`), '.'),
          photo,
          h('div', { class: 'row-actions' }, show, decideButton(doc, true), decideButton(doc, false))));
    }

    async function loadQueue(page = 1) {
      try {
        const found = await api('/api/admin/age-assurance/documents', { query: { page, limit: 10 } });
        opened.forEach((url) => URL.revokeObjectURL(url));
        opened.clear();
        render(queueBox, found.data.length ? h('p', { class: 'muted small' },
          `${found.total} aguardando, o mais antigo primeiro.`) : null,
        found.data.length ? found.data.map(queueItem)
          : emptyState('Nenhum documento aguardando análise.'), pager(found, loadQueue));
      } catch (error) {
        showError(queueBox, error, () => loadQueue(page));
      }
    }

    const method = field('Método', 'method', { options: [['', 'Todos'],
      ...Object.entries(METHODS)] });
    const outcome = field('Situação', 'outcome', { value: 'assured', options: [['', 'Todas'],
      ['assured', 'Verificados'], ['rejected', 'Recusados'], ['revoked', 'Revogados'],
      ['pending', 'Pendentes']] });
    const methodSelect = method.querySelector('select');
    const outcomeSelect = outcome.querySelector('select');

    function revokeButton(record) {
      if (record.outcome !== 'assured') return '—';
      const button = h('button', { class: 'btn btn-small btn-danger', type: 'button', 'data-action': 'revoke' },
        'Revogar');
      button.addEventListener('click', async () => {
        // eslint-disable-next-line no-alert
        if (!window.confirm(`Revogar a verificação nº ${record.id}? Quem a tem deixa de ver o conteúdo adulto agora.`)) return;
        button.disabled = true;
        try {
          await api(`/api/admin/age-assurance/${record.id}/revoke`, { method: 'POST' });
          await Promise.all([loadList(1), loadFigures()]);
        } catch (error) {
          button.replaceWith(h('span', { class: 'muted' }, describe(error)));
        }
      });
      return button;
    }

    async function loadList(page = 1) {
      try {
        const found = await api('/api/admin/age-assurance', {
          query: { method: methodSelect.value, outcome: outcomeSelect.value, page, limit: 25 } });
        render(listBox, found.data.length ? table(found.data, [
          ['Nº', (r) => String(r.id)],
          ['Quem', (r) => (r.user_id ? `${r.user_name || 'Sem nome'} (${r.user_email || `conta nº ${r.user_id}`})` : 'Visitante sem conta')],
          ['Método', (r) => label(METHODS, r.method)],
          ['Situação', (r) => label(OUTCOMES, r.outcome)],
          ['Em', (r) => formatDateTime(r.decided_at || r.created_at)],
          ['Válida até', (r) => (r.expires_at ? formatDate(r.expires_at) : '—')],
          ['', (r) => revokeButton(r)],
        ], 'Verificações de idade') : emptyState('Nenhuma verificação com estes filtros.'),
        pager(found, loadList));
      } catch (error) {
        showError(listBox, error, () => loadList(page));
      }
    }

    methodSelect.addEventListener('change', () => loadList(1));
    outcomeSelect.addEventListener('change', () => loadList(1));
    content.append(warning,
      section('Documentos aguardando análise',
        h('p', { class: 'muted' }, 'Confira se a foto é de um documento oficial e se a data de nascimento ',
          'mostra 18 anos ou mais. A foto é apagada assim que você decide; só o resultado fica guardado.'),
        queueBox),
      section('Verificações', h('div', { class: 'filters' }, method, outcome), listBox),
      section('Eficácia', figuresBox));
    await refreshAll();
  });
}
