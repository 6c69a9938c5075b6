// The link of the forgotten-password mail: choose a new password (the link works once,
// for an hour); every other session of the account ends.
import { api, saveSession } from '../api.js';
import { h, pageTitle, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { clearErrors, emptyState, showFormError } from '../ui.js';
import { authCard } from '../auth_card.js';
import { takeParam } from '../mail_links.js';

export default function resetPassword(main) {
  pageTitle('Redefinir senha');
  const token = takeParam('token');
  if (!token) {
    render(main, emptyState('Este link não é válido.',
      h('a', { class: 'btn', href: '/esqueci-senha' }, 'Pedir outro link')));
    return;
  }
  const password = field('Nova senha', 'password', { type: 'password',
    autocomplete: 'new-password', hint: 'Pelo menos 8 caracteres.' });
  const form = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'form-alert' }), password,
    h('button', { class: 'btn btn-block', type: 'submit' }, 'Salvar nova senha'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    submitting(form, async () => {
      try {
        const logged = await api('/api/auth/password-reset/confirm', { method: 'POST',
          auth: false, body: { token, password: inputOf(password).value } });
        saveSession(logged.token, logged.user);
        window.location.assign('/minha-conta');
      } catch (error) {
        showFormError(form, error.field === 'token'
          ? { text: 'Este link expirou ou já foi usado. Peça um novo em "Esqueci minha senha".' }
          : error);
      }
    });
  });
  render(main, authCard('Escolha uma nova senha', form,
    h('p', { class: 'muted' }, h('a', { href: '/esqueci-senha' }, 'Pedir outro link'))));
}
