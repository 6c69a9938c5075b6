// What the links of our mails bring to the pages: a one-time token taken out of the
// address bar at once (kept in memory only), and the checkout a PIX or renewal mail
// points at.
import { api } from './api.js';
import { inputOf } from './forms.js';

/** The `name` parameter of the address (e.g. a mailed token), removed from the address
 *  bar and history at once; the other parameters stay. */
export function takeParam(name) {
  const url = new URL(window.location.href);
  const value = url.searchParams.get(name);
  if (value !== null) {
    url.searchParams.delete(name);
    window.history.replaceState(null, '', url.pathname + (url.search || ''));
  }
  return value;
}

/** The checkout a PIX mail links to (`?pedido=ID&acesso=TOKEN`), as the buyer polls it;
 *  null when the link has none (or it is no longer valid). */
export async function mailedCheckout() {
  const access = takeParam('acesso');
  const id = Number(takeParam('pedido'));
  if (!access || !id) return null;
  try {
    const view = await api(`/api/checkouts/${id}`, { auth: false, query: { access_token: access } });
    return { ...view, access_token: access };
  } catch {
    return null;
  }
}

/** A renewal mail's link (`?renovacao=TOKEN`): fills the checkout form with the member's
 *  details. */
export async function prefillRenewal(form) {
  const token = takeParam('renovacao');
  if (!token) return;
  try {
    const found = await api('/api/renewals/prefill', { method: 'POST', auth: false, body: { token } });
    for (const [key, value] of Object.entries(found.customer || {})) {
      const wrapper = form.querySelector(`[name="customer.${key}"]`)?.closest('.field');
      const input = wrapper ? inputOf(wrapper) : null;
      if (input && value && !input.value) {
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true })); // the CPF/phone masks
      }
    }
  } catch {
    // an expired link: the member types their details
  }
}
