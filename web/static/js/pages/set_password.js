// The link of a paid checkout for a new buyer: choose the account's password. The
// token arrives in the link's query string; it is taken out of the address bar at once
// and kept in memory only.
import { h, pageTitle, render } from '../dom.js';
import { emptyState } from '../ui.js';
import { authCard, setPasswordForm } from '../auth_card.js';

export default function setPassword(main) {
  pageTitle('Definir senha');
  const token = new URLSearchParams(window.location.search).get('token');
  window.history.replaceState(null, '', window.location.pathname);
  if (!token) {
    render(main, emptyState('Este link não é válido.', h('a', { class: 'btn', href: '/entrar' }, 'Entrar')));
    return;
  }
  render(main, authCard('Defina sua senha',
    setPasswordForm(token, () => window.location.assign('/minha-conta'), 'Nova senha')));
}
