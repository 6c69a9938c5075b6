// The plans: price, duration, benefits, and the way to the checkout.
import { api } from '../api.js';
import { durationLabel, h, money, pageTitle, render } from '../dom.js';
import { emptyState, showError } from '../ui.js';

const CARD_STYLES = ['primary', 'secondary', 'outline'];

function planCard(plan) {
  const perDay = plan.duration > 1 ? money(Math.round(plan.price / plan.duration)) : null;
  const style = CARD_STYLES.includes(plan.card_style) ? plan.card_style : 'secondary';
  return h('article', { class: `card plan-card plan-${style}`, 'data-plan-id': String(plan.id) },
    h('div', { class: 'card-body' },
      h('h2', { class: 'plan-name' }, plan.name),
      h('p', { class: 'plan-price' }, money(plan.price),
        h('span', { class: 'muted' }, ` / ${durationLabel(plan.duration)}`)),
      perDay ? h('p', { class: 'muted small' }, `cerca de ${perDay} por dia`) : null,
      plan.renewal === 'automatic'
        ? h('p', { class: 'small plan-renewal' }, 'Renova automaticamente, cancele quando quiser.') : null,
      h('ul', { class: 'benefits' }, (plan.benefits_json || []).map((b) => h('li', {}, b))),
      h('a', { class: style === 'outline' ? 'btn btn-block btn-ghost' : 'btn btn-block',
        href: `/checkout?plano=${plan.id}` },
        plan.cta_text || 'Assinar')));
}

export default async function plans(main) {
  pageTitle('Planos');
  const list = h('div', { class: 'plans', 'aria-live': 'polite' });
  render(main, h('div', { class: 'intro' }, h('h1', {}, 'Escolha seu plano'),
    h('p', { class: 'lead' }, 'Acesso imediato a todo o conteúdo após a confirmação do pagamento. Pague com PIX.')), list);
  try {
    const found = await api('/api/plans', { auth: false, query: { limit: 100 } });
    render(list, found.data.length ? found.data.map(planCard)
      : emptyState('Nenhum plano disponível no momento.'));
  } catch (error) {
    showError(list, error, () => plans(main));
  }
}
