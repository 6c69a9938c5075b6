// Create an account (and log in).
import { api, saveSession } from '../api.js';
import { loadAds, placementBlock } from '../ads.js';
import { h, pageTitle, param, render, safeNext } from '../dom.js';
import { field, submitting } from '../forms.js';
import { clearErrors, showFormError } from '../ui.js';
import { authCard } from '../auth_card.js';

export default async function register(main) {
  pageTitle('Criar conta');
  const form = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'form-alert' }),
    field('Nome', 'name', { autocomplete: 'name' }),
    field('E-mail', 'email', { type: 'email', autocomplete: 'email' }),
    field('Senha', 'password', { type: 'password', autocomplete: 'new-password',
      hint: 'Pelo menos 8 caracteres.' }),
    h('button', { class: 'btn btn-block', type: 'submit' }, 'Criar conta'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const body = { email: data.get('email'), password: data.get('password') };
    if (data.get('name')) body.name = data.get('name');
    submitting(form, async () => {
      try {
        const logged = await api('/api/auth/register', { method: 'POST', auth: false, body });
        saveSession(logged.token, logged.user);
        window.location.assign(safeNext(param('next'), '/minha-conta'));
      } catch (error) {
        showFormError(form, error.status === 409
          ? { field: 'email', text: 'Este e-mail já tem conta. Entre com ela.' } : error);
      }
    });
  });
  const ads = await loadAds(['register'], 1);
  render(main, authCard('Criar conta', form,
    h('p', { class: 'muted' }, 'Já tem conta? ', h('a', { href: '/entrar' }, 'Entre'))),
  placementBlock(ads.register, 'register'));
}
