// A generic admin page over one of the API's CRUD collections (/api/admin/<name>):
// a table, and a form to create or edit a row, with the API's errors by field.
import { api } from '../api.js';
import { h, render } from '../dom.js';
import { field, submitting } from '../forms.js';
import { alertBox, clearErrors, emptyState, fieldError, pager, showError, showFormError } from '../ui.js';
import { table } from './shell.js';
import { uploadButton } from './upload.js';

/**
 * config = {path, columns: [[header, row => cell]], fields: [{name, label, type, options,
 * hint, upload (an upload button fills this URL field), toInput(row) -> value,
 * fromInput(text, checked) -> value (throw Error to refuse)}],
 * newLabel, empty, deactivate?: {field, label} (offered when a delete is refused: 409)}
 */
export function crudPage(content, config) {
  const list = h('div', { 'aria-live': 'polite' });
  const notice = h('div', { 'aria-live': 'polite' });
  const editor = h('div', { class: 'editor' });

  function openForm(row, page) {
    const form = h('form', { class: 'form card-body', novalidate: true },
      h('h2', {}, row ? 'Editar' : config.newLabel),
      h('div', { class: 'form-alert' }),
      config.fields.map((f) => field(f.label, f.name, { type: f.type, options: f.options,
        hint: f.hint, value: row ? (f.toInput ? f.toInput(row) : row[f.name]) : f.initial })),
      h('div', { class: 'actions' },
        h('button', { class: 'btn', type: 'submit' }, row ? 'Salvar' : 'Criar'),
        h('button', { class: 'btn btn-ghost', type: 'button', onclick: () => render(editor) }, 'Cancelar')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      const body = {};
      for (const f of config.fields) {
        const input = form.querySelector(`[name="${f.name}"]`);
        const raw = f.type === 'checkbox' ? input.checked : input.value;
        try {
          body[f.name] = f.fromInput ? f.fromInput(raw) : (raw === '' ? null : raw);
        } catch (error) {
          fieldError(input, error.message);
          input.focus();
          return;
        }
        if (!row && body[f.name] === null) delete body[f.name];
      }
      submitting(form, async () => {
        try {
          if (row) await api(`${config.path}/${row.id}`, { method: 'PATCH', body });
          else await api(config.path, { method: 'POST', body });
          render(editor);
          load(row ? page : 1);
        } catch (error) {
          showFormError(form, error);
        }
      });
    });
    for (const f of config.fields.filter((x) => x.upload)) {
      const input = form.querySelector(`[name="${f.name}"]`);
      input.closest('.field').append(uploadButton(input));
    }
    render(editor, h('section', { class: 'card' }, form));
    form.querySelector('input, select, textarea')?.focus();
  }

  async function deactivate(row, page) {
    try {
      await api(`${config.path}/${row.id}`, { method: 'PATCH', body: { [config.deactivate.field]: false } });
      render(notice, alertBox('success', `${row.name || 'Item'} desativado.`));
    } catch (error) {
      showError(notice, error);
    }
    load(page);
  }

  async function remove(row, page) {
    // eslint-disable-next-line no-alert
    if (!window.confirm(`Excluir ${row.name ? `"${row.name}"` : 'este item'}?`)) return;
    render(notice);
    try {
      await api(`${config.path}/${row.id}`, { method: 'DELETE' });
      load(page);
    } catch (error) {
      // The table stays; the answer says why (ui.describe: the API's pt-BR reason when it
      // gives one) and, for a row with history, offers to deactivate it instead.
      showError(notice, error);
      if (error.status === 409 && config.deactivate && row[config.deactivate.field]) {
        notice.firstChild?.append(h('button', { class: 'btn btn-small', type: 'button',
          onclick: () => deactivate(row, page) }, config.deactivate.label));
      }
    }
  }

  async function load(page = 1) {
    try {
      const found = await api(config.path, { query: { page, limit: 20 } });
      render(list, found.data.length ? table(found.data, [...config.columns,
        ['', (row) => h('div', { class: 'row-actions' },
          h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => openForm(row, page) }, 'Editar'),
          h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => remove(row, page) }, 'Excluir'))],
      ]) : emptyState(config.empty), pager(found, load));
    } catch (error) {
      showError(list, error, () => load(page));
    }
  }

  content.append(h('div', { class: 'toolbar' },
    h('button', { class: 'btn', type: 'button', onclick: () => openForm(null, 1) }, config.newLabel)),
  editor, notice, list);
  return load(1);
}

/** Field converters shared by the catalogue pages. */
export const convert = {
  text: (raw) => (String(raw).trim() === '' ? null : String(raw).trim()),
  required: (raw) => String(raw).trim(),
  int: (raw) => {
    if (String(raw).trim() === '') return 0;
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new Error('Informe um número inteiro.');
    return value;
  },
  flag: (checked) => Boolean(checked),
  lines: (raw) => String(raw).split('\n').map((l) => l.trim()).filter(Boolean),
};
