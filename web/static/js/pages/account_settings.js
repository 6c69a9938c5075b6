// Member area, "Meus dados": change password (the current one required), change email
// (confirmed from the new address), confirm the email, log out everywhere, download my
// data and delete my account (LGPD).
import { api, clearSession, saveSession } from '../api.js';
import { formatDateTime, h, pageTitle, render } from '../dom.js';
import { field, submitting } from '../forms.js';
import { alertBox, clearErrors, describe, memberOrLogin, showFormError } from '../ui.js';


function card(title, ...children) {
  return h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, title), ...children));
}

/** A form posting its fields to `path`; `done(answer, form)` on success. */
function apiForm(path, method, fields, button, done, { danger = false } = {}) {
  const form = h('form', { class: 'form', novalidate: true }, h('div', { class: 'form-alert' }),
    ...fields, h('button', { class: `btn${danger ? ' btn-danger' : ''}`, type: 'submit' }, button));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = Object.fromEntries(new FormData(form).entries());
    submitting(form, async () => {
      try {
        done(await api(path, { method, body }), form);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

function success(form, text) {
  form.reset();
  const alert = form.querySelector('.form-alert');
  render(alert, alertBox('success', text));
}

export default async function accountSettings(main) {
  pageTitle('Meus dados');
  const me = await memberOrLogin(main, '/minha-conta/dados', () => accountSettings(main));
  if (!me) return;
  const user = me.user;
  const verified = user.email_verified_at
    ? h('p', {}, h('span', { class: 'status status-on' }, 'E-mail confirmado'),
      ` em ${formatDateTime(user.email_verified_at)}`)
    : h('p', {}, h('span', { class: 'status status-off' }, 'E-mail não confirmado'), ' ',
      h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: async (event) => {
        event.target.disabled = true;
        try {
          await api('/api/me/verify-email', { method: 'POST' });
          event.target.replaceWith(h('span', { class: 'muted' }, 'Enviamos um novo link.'));
        } catch (error) {
          event.target.replaceWith(h('span', { class: 'muted' }, describe(error)));
        }
      } }, 'Reenviar link'));

  render(main, h('div', { class: 'account' },
    h('h1', {}, 'Meus dados'),
    h('p', {}, h('a', { href: '/minha-conta' }, '← Minha conta'), ' · ',
      h('a', { href: '/minha-conta/compras' }, 'Minhas compras')),
    card('E-mail', h('p', {}, user.email), verified,
      apiForm('/api/me/email', 'POST', [
        field('Novo e-mail', 'email', { type: 'email', autocomplete: 'email' }),
        field('Senha atual', 'password', { type: 'password', autocomplete: 'current-password' }),
      ], 'Trocar e-mail', (_, form) => success(form,
        'Enviamos um link de confirmação para o novo endereço. A troca vale quando você abri-lo.'))),
    card('Senha', apiForm('/api/me/password', 'POST', [
      field('Senha atual', 'current_password', { type: 'password', autocomplete: 'current-password' }),
      field('Nova senha', 'password', { type: 'password', autocomplete: 'new-password',
        hint: 'Pelo menos 8 caracteres. As outras sessões serão encerradas.' }),
    ], 'Trocar senha', (answer, form) => {
      saveSession(answer.token, answer.user);
      success(form, 'Senha alterada. As outras sessões foram encerradas.');
    })),
    card('Sessões', h('p', { class: 'muted' }, 'Saia de todos os aparelhos em que você entrou.'),
      h('button', { class: 'btn btn-ghost', type: 'button', onclick: async () => {
        try { await api('/api/me/logout-all', { method: 'POST' }); } catch { /* ended anyway */ }
        clearSession();
        window.location.assign('/entrar');
      } }, 'Sair de todos os aparelhos')),
    card('Meus dados pessoais (LGPD)',
      h('p', { class: 'muted' }, 'Baixe tudo o que guardamos sobre você, em JSON.'),
      h('button', { class: 'btn btn-ghost', type: 'button', onclick: async () => {
        const data = await api('/api/me/export');
        const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)],
          { type: 'application/json' }));
        const link = h('a', { href: url, download: 'meus-dados-creatorflix.json' });
        document.body.append(link);
        link.click();
        link.remove();
        URL.revokeObjectURL(url);
      } }, 'Baixar meus dados'),
      h('h3', {}, 'Excluir minha conta'),
      h('p', { class: 'muted' }, 'Seu nome, e-mail, CPF e telefone serão apagados e você não poderá mais entrar. ',
        'Valores e datas de pagamentos são mantidos por obrigação fiscal.'),
      apiForm('/api/me', 'DELETE', [
        field('Senha atual', 'password', { type: 'password', autocomplete: 'current-password' }),
      ], 'Excluir minha conta', () => {
        clearSession();
        window.location.assign('/');
      }, { danger: true }))));
}
