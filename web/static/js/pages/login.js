// Log in; administrators land on the dashboard, others where they were going.
import { api, isAdmin, saveSession } from '../api.js';
import { loadAds, placementBlock } from '../ads.js';
import { h, pageTitle, param, render, safeNext } from '../dom.js';
import { field, submitting } from '../forms.js';
import { clearErrors, showFormError } from '../ui.js';
import { authCard } from '../auth_card.js';

export default async function login(main) {
  pageTitle('Entrar');
  const form = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'form-alert' }),
    field('E-mail', 'email', { type: 'email', autocomplete: 'username' }),
    field('Senha', 'password', { type: 'password', autocomplete: 'current-password' }),
    h('button', { class: 'btn btn-block', type: 'submit' }, 'Entrar'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    submitting(form, async () => {
      try {
        const logged = await api('/api/auth/login', { method: 'POST', auth: false,
          body: { email: data.get('email'), password: data.get('password') } });
        saveSession(logged.token, logged.user);
        window.location.assign(safeNext(param('next'), isAdmin() ? '/admin' : '/minha-conta'));
      } catch (error) {
        showFormError(form, error.status === 401 ? { text: 'E-mail ou senha incorretos.' } : error);
      }
    });
  });
  const ads = await loadAds(['login'], 1);
  render(main, authCard('Entrar', form,
    h('div', {}, h('p', { class: 'muted' }, h('a', { href: '/esqueci-senha' }, 'Esqueci minha senha')),
      h('p', { class: 'muted' }, 'Não tem conta? ', h('a', { href: '/cadastro' }, 'Crie a sua')))),
  placementBlock(ads.login, 'login'));
}
