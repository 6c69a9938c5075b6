// Small builders for the forms of the site and the admin: labelled inputs that the
// API's errors can find by name.
import { h } from './dom.js';

let counter = 0;
const nextId = (name) => `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}-${(counter += 1)}`;

/** A labelled input. `options` for a select: [[value, label], ...]. */
export function field(label, name, { type = 'text', value, options, hint, rows, ...attrs } = {}) {
  const id = nextId(name);
  let input;
  if (options) {
    input = h('select', { id, name, ...attrs },
      options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text)));
  } else if (type === 'textarea') {
    input = h('textarea', { id, name, rows: rows || 3, ...attrs });
    input.value = value ?? '';
  } else if (type === 'checkbox') {
    input = h('input', { id, name, type, checked: Boolean(value), ...attrs });
    return h('div', { class: 'field field-check' }, input, h('label', { for: id }, label),
      hint ? h('p', { class: 'hint' }, hint) : null);
  } else {
    input = h('input', { id, name, type, value: value ?? '', ...attrs });
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('p', { class: 'hint' }, hint) : null);
}

/** The input of a field wrapper. */
export const inputOf = (wrapper) => wrapper.querySelector('input, select, textarea');

/** Disables a form's submit button while `work` runs. */
export async function submitting(form, work) {
  const button = form.querySelector('[type=submit]');
  if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
  try {
    return await work();
  } finally {
    if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
  }
}
