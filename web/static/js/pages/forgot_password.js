// "Esqueci minha senha": asks for a reset link by email. The answer is the same whether
// or not the email has an account.
import { api } from '../api.js';
import { h, pageTitle, render } from '../dom.js';
import { field, submitting } from '../forms.js';
import { alertBox, clearErrors, showFormError } from '../ui.js';
import { authCard } from '../auth_card.js';

export default function forgotPassword(main) {
  pageTitle('Esqueci minha senha');
  const form = h('form', { class: 'form', novalidate: true },
    h('div', { class: 'form-alert' }),
    h('p', { class: 'muted' }, 'Informe o e-mail da sua conta. Enviaremos um link para você escolher uma nova senha.'),
    field('E-mail', 'email', { type: 'email', autocomplete: 'email' }),
    h('button', { class: 'btn btn-block', type: 'submit' }, 'Enviar link'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const email = new FormData(form).get('email');
    submitting(form, async () => {
      try {
        await api('/api/auth/password-reset', { method: 'POST', auth: false, body: { email } });
        render(main, authCard('Verifique seu e-mail', alertBox('success',
          'Se existir uma conta com este e-mail, enviamos um link para redefinir a senha. ',
          'Ele vale por 1 hora.'),
        h('p', { class: 'muted' }, h('a', { href: '/entrar' }, 'Voltar para o login'))));
      } catch (error) {
        showFormError(form, error.status === 429
          ? { text: 'Muitas tentativas. Aguarde um pouco e tente de novo.' } : error);
      }
    });
  });
  render(main, authCard('Esqueci minha senha', form,
    h('p', { class: 'muted' }, 'Lembrou? ', h('a', { href: '/entrar' }, 'Entrar'))));
}
