// Entry point of every page: the shell names its page module (body data-page); this
// draws the shared header and footer, then hands the main area to the page.
import { h, render } from './dom.js';
import { renderFooter, renderHeader, showError } from './ui.js';

const PAGE_NAME = /^[a-z_]+$/;

async function start() {
  renderHeader();
  renderFooter();
  const main = document.getElementById('main');
  const name = document.body.dataset.page;
  if (!PAGE_NAME.test(name || '')) {
    render(main, h('p', { class: 'alert alert-error' }, 'Página desconhecida.'));
    return;
  }
  try {
    const page = await import(`./pages/${name}.js`);
    await page.default(main);
  } catch (error) {
    showError(main, error, () => window.location.reload());
  }
}

start();
