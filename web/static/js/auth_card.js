// What the login, sign-up and set-password screens share: their card, and the form
// that sets the password of an account a paid checkout created.
import { api, saveSession } from './api.js';
import { h } from './dom.js';
import { field, inputOf, submitting } from './forms.js';
import { clearErrors, showFormError } from './ui.js';

export function authCard(title, form, footer) {
  return h('section', { class: 'card auth-card' }, h('div', { class: 'card-body' },
    h('h1', {}, title), form, footer || null));
}

/** POST /api/auth/set-password with the one-time `token`; logs in, then `done()`. */
export function setPasswordForm(token, done, label = 'Crie uma senha') {
  const form = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'form-alert' }),
    field(label, 'password', { type: 'password', autocomplete: 'new-password',
      hint: 'Pelo menos 8 caracteres.' }),
    h('button', { class: 'btn btn-block', type: 'submit' }, 'Salvar senha e entrar'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    submitting(form, async () => {
      try {
        const logged = await api('/api/auth/set-password', { method: 'POST', auth: false,
          body: { token, password: inputOf(form).value } });
        saveSession(logged.token, logged.user);
        done();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}
