// The link of a verification mail (/verificar-email) or of an email change sent to the
// new address (/confirmar-email). The address is confirmed by a click, not by opening
// the page: mail scanners that prefetch links must not confirm on the member's behalf.
import { api, saveSession, session } from '../api.js';
import { h, pageTitle, render } from '../dom.js';
import { submitting } from '../forms.js';
import { alertBox, emptyState } from '../ui.js';
import { takeParam } from '../mail_links.js';

const CHANGE = window.location.pathname === '/confirmar-email';

function card(...children) {
  return h('section', { class: 'card auth-card' }, h('div', { class: 'card-body' },
    h('h1', {}, CHANGE ? 'Confirmar novo e-mail' : 'Confirmar e-mail'), ...children));
}

export default function verifyEmail(main) {
  pageTitle(CHANGE ? 'Confirmar novo e-mail' : 'Confirmar e-mail');
  const token = takeParam('token');
  const back = h('a', { class: 'btn', href: '/minha-conta' }, 'Ir para minha conta');
  if (!token) { render(main, card(emptyState('Este link não é válido.', back))); return; }
  const form = h('form', { class: 'form', novalidate: true },
    h('p', { class: 'muted' }, CHANGE ? 'Confirme que este é o novo e-mail da sua conta.'
      : 'Confirme que este e-mail é seu.'),
    h('button', { class: 'btn btn-block', type: 'submit' }, 'Confirmar'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitting(form, async () => {
      try {
        const done = await api(CHANGE ? '/api/auth/email-change/confirm' : '/api/auth/verify-email',
          { method: 'POST', auth: false, body: { token } });
        const current = session();
        if (current && current.user?.id === done.user.id) saveSession(current.token, done.user);
        render(main, card(alertBox('success', CHANGE ? `Seu e-mail agora é ${done.user.email}.`
          : `Obrigado! O e-mail ${done.user.email} está confirmado.`), back));
      } catch (error) {
        render(main, card(emptyState(error.status === 409
          ? 'Este e-mail já pertence a outra conta.'
          : 'Este link expirou ou não é mais válido.', back)));
      }
    });
  });
  render(main, card(form));
}
