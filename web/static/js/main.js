// Entry point of every page: the shell names its page module (body data-page); this
// draws the shared header and footer, then hands the main area to the page.
import { ageAssured } from './api.js';
import { applyColour } from './brand.js';
import { h, render } from './dom.js';
import { renderFooter, renderHeader, showError } from './ui.js';

const PAGE_NAME = /^[a-z_]+$/;
// The storefront's pages show adult media: until the visitor is age-assured they go to
// the gate (plans, checkout, login and account pages stay reachable).
const GATED = new Set(['home', 'creator', 'collection']);

async function start() {
  applyColour();
  renderHeader();
  renderFooter();
  const main = document.getElementById('main');
  const name = document.body.dataset.page;
  if (!PAGE_NAME.test(name || '')) {
    render(main, h('p', { class: 'alert alert-error' }, 'Página desconhecida.'));
    return;
  }
  try {
    if (GATED.has(name) && !(await ageAssured())) {
      const back = window.location.pathname + window.location.search;
      window.location.replace(`/verificacao-idade?voltar=${encodeURIComponent(back)}`);
      return;
    }
    const page = await import(`./pages/${name}.js`);
    await page.default(main);
  } catch (error) {
    showError(main, error, () => window.location.reload());
  }
}

start();
