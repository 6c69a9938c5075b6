// Admin: key/value settings.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { h, render } from '../dom.js';
import { field, submitting } from '../forms.js';
import { alertBox, clearErrors, emptyState, showFormError } from '../ui.js';

function settingForm(key, value, onSaved) {
  const form = h('form', { class: 'form form-inline', novalidate: true },
    h('div', { class: 'form-alert' }),
    key === null ? field('Chave', 'key', { hint: 'a-z, 0-9, _ . - (até 64). Nome, logo, cor e e-mail de suporte ficam em Marca.' }) : null,
    field(key === null ? 'Valor' : key, 'value', { value }),
    h('button', { class: 'btn btn-small', type: 'submit' }, key === null ? 'Adicionar' : 'Salvar'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const name = key === null ? String(data.get('key') || '').trim() : key;
    if (!name) { showFormError(form, { text: 'Informe a chave.' }); return; }
    submitting(form, async () => {
      try {
        await api(`/api/admin/settings/${encodeURIComponent(name)}`, { method: 'PUT',
          body: { value: data.get('value') } });
        onSaved(`Configuração ${name} salva.`);
      } catch (error) {
        showFormError(form, error.field === 'key' || error.status === 404
          ? { text: 'Chave inválida: use a-z, 0-9, _ . - (até 64).' } : error);
      }
    });
  });
  return form;
}

export default function settings(main) {
  return adminPage(main, 'Configurações', async (content) => {
    const notice = h('div', { 'aria-live': 'polite' });
    const list = h('div');
    async function load(message) {
      const found = await api('/api/admin/settings');
      const keys = Object.keys(found).sort();
      render(notice, message ? alertBox('success', message) : null);
      render(list, keys.length ? table(keys, [['Chave', (k) => k],
        ['Valor', (k) => settingForm(k, found[k], load)]], 'Configurações')
        : emptyState('Nenhuma configuração ainda.'));
    }
    content.append(notice,
      alertBox('info', 'O nome do site, o logo, a cor principal e o e-mail de suporte são definidos em Marca (/admin/marca).'),
      h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, 'Nova configuração'),
        settingForm(null, '', load))), list);
    await load();
  });
}
