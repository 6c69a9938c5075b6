// Admin: creators. A list with search and status filter; a form to create or edit one,
// with its images uploaded (icon, banner, thumbnail) and a live preview of the card the
// storefront shows.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { uploadButton } from '../admin/upload.js';
import { h, img, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { alertBox, clearErrors, emptyState, fieldError, showError, showFormError } from '../ui.js';
import { creatorCard } from './home.js';

export const STATUS_LABELS = { active: 'Ativa', hidden: 'Oculta', draft: 'Rascunho' };
const IMAGES = [['icon_url', 'Ícone'], ['banner_url', 'Banner'], ['thumbnail_url', 'Miniatura']];
const TEXTS = ['name', 'slug', 'description', 'category', 'external_url'];

function values(form) {
  const body = {};
  for (const name of [...TEXTS, ...IMAGES.map(([n]) => n)]) {
    const text = form.querySelector(`[name="${name}"]`).value.trim();
    body[name] = text === '' ? null : text;
  }
  body.status = form.querySelector('[name="status"]').value;
  body.is_featured = form.querySelector('[name="is_featured"]').checked;
  body.is_advertiser = form.querySelector('[name="is_advertiser"]').checked;
  return body;
}

function editor(row, onDone) {
  const creator = row || { status: 'draft' };
  // What the preview shows for each image: a link viewable now (the stored URL of an
  // upload needs a signature to be seen).
  const shown = Object.fromEntries(IMAGES.map(([name]) => [name, row?.signed?.[name] || row?.[name] || null]));
  const preview = h('div', { class: 'card-preview', 'aria-label': 'Prévia do card na vitrine' });
  const imageFields = IMAGES.map(([name, label]) => {
    const wrapper = field(`${label} (URL)`, name, { type: 'url', value: creator[name] });
    const input = inputOf(wrapper);
    const thumb = h('div', { class: 'image-preview' }, shown[name] ? img(shown[name], label, { class: 'thumb' }) : null);
    input.addEventListener('change', () => { shown[name] = input.value.trim() || null; });
    wrapper.append(uploadButton(input, { onUploaded: (media) => {
      shown[name] = media.signed_url;
      render(thumb, img(media.signed_url, label, { class: 'thumb' }));
      draw();
    } }), thumb);
    return wrapper;
  });
  const form = h('form', { class: 'form card-body creator-form', novalidate: true },
    h('h2', {}, row ? `Editar ${row.name}` : 'Nova criadora'),
    h('div', { class: 'form-alert' }),
    field('Nome', 'name', { value: creator.name, required: true }),
    field('Slug (endereço da página)', 'slug', { value: creator.slug,
      hint: 'Letras minúsculas, números e hífens. Em branco: feito a partir do nome.' }),
    field('Descrição', 'description', { type: 'textarea', value: creator.description }),
    h('div', { class: 'row' },
      field('Categoria', 'category', { value: creator.category }),
      field('Status', 'status', { value: creator.status,
        options: Object.entries(STATUS_LABELS) })),
    field('Link externo', 'external_url', { type: 'url', value: creator.external_url,
      hint: 'Site ou perfil da criadora (http/https).' }),
    field('Destaque', 'is_featured', { type: 'checkbox', value: creator.is_featured }),
    field('Anunciante', 'is_advertiser', { type: 'checkbox', value: creator.is_advertiser }),
    imageFields,
    h('div', { class: 'actions' },
      h('button', { class: 'btn', type: 'submit' }, row ? 'Salvar' : 'Criar'),
      h('button', { class: 'btn btn-ghost', type: 'button', onclick: () => onDone(null) }, 'Cancelar')));

  function draw() {
    const now = values(form);
    render(preview, h('p', { class: 'muted small' }, 'Prévia na vitrine'),
      creatorCard({ ...now, id: row?.id || 0, name: now.name || 'Nome da criadora',
        icon_url: shown.icon_url, banner_url: shown.banner_url }));
  }
  form.addEventListener('input', draw);
  form.addEventListener('change', draw);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = values(form);
    if (!body.name) { fieldError(form.querySelector('[name="name"]'), 'Informe o nome.'); return; }
    if (!row) for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
    submitting(form, async () => {
      try {
        const saved = row ? await api(`/api/admin/models/${row.id}`, { method: 'PATCH', body })
          : await api('/api/admin/models', { method: 'POST', body });
        onDone(`Criadora ${saved.name} salva.`);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  draw();
  return h('section', { class: 'card creator-editor' }, h('div', { class: 'editor-grid' }, form, preview));
}

export default function creators(main) {
  return adminPage(main, 'Criadoras', async (content) => {
    const notice = h('div', { 'aria-live': 'polite' });
    const edit = h('div');
    const list = h('div', { 'aria-live': 'polite' });
    const search = h('input', { type: 'search', name: 'search', placeholder: 'Buscar por nome, slug ou categoria',
      'aria-label': 'Buscar criadoras' });
    const status = h('select', { name: 'status_filter', 'aria-label': 'Filtrar por status' },
      h('option', { value: '' }, 'Todos os status'),
      Object.entries(STATUS_LABELS).map(([value, text]) => h('option', { value }, text)));
    let rows = [];

    function open(row) {
      render(edit, editor(row, (message) => {
        render(edit);
        if (message) { render(notice, alertBox('success', message)); load(); }
      }));
      edit.querySelector('input')?.focus();
    }

    async function remove(row) {
      // eslint-disable-next-line no-alert
      if (!window.confirm(`Excluir ${row.name} e todos os seus posts?`)) return;
      try {
        await api(`/api/admin/models/${row.id}`, { method: 'DELETE' });
        render(notice, alertBox('success', `${row.name} excluída.`));
        load();
      } catch (error) {
        showError(notice, error);
      }
    }

    function draw() {
      const wanted = search.value.trim().toLocaleLowerCase('pt-BR');
      const shown = rows.filter((c) => !wanted || [c.name, c.slug, c.category]
        .some((text) => (text || '').toLocaleLowerCase('pt-BR').includes(wanted)));
      render(list, shown.length ? table(shown, [
        ['', (c) => img(c.signed?.icon_url, '', { class: 'thumb' })],
        ['Nome', (c) => c.name], ['Slug', (c) => c.slug || '—'], ['Categoria', (c) => c.category || '—'],
        ['Status', (c) => STATUS_LABELS[c.status] || c.status], ['Posts', (c) => String(c.post_count)],
        ['Destaque', (c) => (c.is_featured ? 'Sim' : 'Não')],
        ['', (c) => h('div', { class: 'row-actions' },
          h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => open(c) }, 'Editar'),
          h('a', { class: 'btn btn-small btn-ghost', href: `/admin/criadoras/${c.id}/posts` }, 'Posts'),
          h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => remove(c) }, 'Excluir'))],
      ], 'Criadoras') : emptyState(rows.length ? 'Nenhuma criadora encontrada.' : 'Nenhuma criadora cadastrada.'));
    }

    async function load() {
      try {
        // Up to 100 per status: the panel of one operator; the search runs on those.
        const found = await api('/api/admin/models', { query: { limit: 100, status: status.value } });
        rows = found.data;
        draw();
      } catch (error) {
        showError(list, error, load);
      }
    }

    search.addEventListener('input', draw);
    status.addEventListener('change', load);
    content.append(notice, h('div', { class: 'toolbar' },
      h('button', { class: 'btn', type: 'button', onclick: () => open(null) }, 'Nova criadora'),
      search, status), edit, list);
    await load();
  });
}
