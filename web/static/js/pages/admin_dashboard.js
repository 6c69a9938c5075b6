// Admin dashboard (GET /api/admin/dashboard): subscribers, revenue and paid checkouts
// per day over 30 days, conversion, and the ads with the best CTR.
import { api } from '../api.js';
import { adminPage, adsMeta, label, table } from '../admin/shell.js';
import { TIME_ZONE, h, money, percent } from '../dom.js';
import { emptyState } from '../ui.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  children.forEach((c) => el.append(c));
  return el;
}

/** Bars of revenue per day with their axes: reais up the left (0, half, the most), the
 *  local days along the bottom (every fifth, and the last), each bar titled. */
function revenueChart(series) {
  const width = 640;
  const height = 220;
  const left = 78;
  const bottom = 34;
  const plotW = width - left - 8;
  const plotH = height - bottom - 12;
  const top = Math.max(1, ...series.map((d) => d.revenue));
  const step = plotW / series.length;
  const y = (cents) => 12 + plotH - (cents / top) * plotH;
  const parts = [];
  for (const cents of [0, top / 2, top]) {
    parts.push(svg('line', { x1: left, x2: width - 8, y1: y(cents).toFixed(1), y2: y(cents).toFixed(1), class: 'grid' }));
    const text = svg('text', { x: left - 6, y: (y(cents) + 4).toFixed(1), 'text-anchor': 'end', class: 'axis-label' });
    text.textContent = money(Math.round(cents));
    parts.push(text);
  }
  series.forEach((d, i) => {
    const barHeight = Math.round((d.revenue / top) * plotH);
    const title = svg('title', {});
    title.textContent = `${day(d.date)}: ${money(d.revenue)} · ${d.paid_checkouts} pago(s)`;
    parts.push(svg('rect', { x: (left + i * step + 1).toFixed(1), y: (12 + plotH - Math.max(barHeight, 1)).toFixed(1),
      width: Math.max(step - 2, 1).toFixed(1), height: Math.max(barHeight, 1), rx: 2,
      class: d.revenue ? 'bar' : 'bar bar-empty' }, title));
    if (i % 5 === 0 || i === series.length - 1) {
      const text = svg('text', { x: (left + i * step + step / 2).toFixed(1), y: height - 14, 'text-anchor': 'middle', class: 'axis-label' });
      text.textContent = day(d.date).slice(0, 5);
      parts.push(text);
    }
  });
  parts.push(svg('line', { x1: left, x2: left, y1: 12, y2: 12 + plotH, class: 'axis' }),
    svg('line', { x1: left, x2: width - 8, y1: 12 + plotH, y2: 12 + plotH, class: 'axis' }));
  const caption = svg('text', { x: left + plotW / 2, y: height - 1, 'text-anchor': 'middle', class: 'axis-title' });
  caption.textContent = 'Dia';
  parts.push(caption);
  return svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
    'aria-label': `Receita por dia nos últimos ${series.length} dias, de ${day(series[0].date)} a ${day(series[series.length - 1].date)}; maior dia ${money(top)}` }, ...parts);
}

const day = (iso) => iso.split('-').reverse().join('/');

/** The days with payments, newest first: paid checkouts and revenue of each. */
function salesDays(series) {
  const sold = series.filter((d) => d.paid_checkouts > 0).reverse();
  if (!sold.length) return h('p', { class: 'muted' }, 'Nenhum checkout pago nos últimos 30 dias.');
  return table(sold, [
    ['Dia', (d) => day(d.date)],
    ['Checkouts pagos', (d) => String(d.paid_checkouts)],
    ['Receita', (d) => money(d.revenue)],
  ], 'Dias com vendas');
}

function stat(title, value, detail, name) {
  return h('div', { class: 'stat card', 'data-stat': name },
    h('span', { class: 'stat-label' }, title), h('strong', { class: 'stat-value' }, value),
    detail ? h('span', { class: 'muted small' }, detail) : null);
}

export default function dashboard(main) {
  return adminPage(main, 'Painel', async (content) => {
    const [board, meta, age] = await Promise.all([api('/api/admin/dashboard'), adsMeta(),
      api('/api/admin/age-assurance/figures')]);
    const { conversion } = board;
    // Issue 16: the sandbox assures anyone; alone it is no age check the law accepts.
    if (age.gate && age.sandbox_only) {
      content.append(h('div', { class: 'alert alert-error age-sandbox-warning', role: 'alert' },
        'Atenção: a verificação de idade de teste (sandbox) é o único método ativo. ',
        'Configure CREATORFLIX_AGE_METHODS com oidc, card ou document antes de publicar conteúdo adulto.'));
    }
    // Issue 22: what the methods on offer leave PIX buyers, and how to add a provider.
    if (age.gate) {
      (age.warnings || []).forEach((text) => content.append(h('div', {
        class: 'alert alert-warning age-method-warning', role: 'status' }, text)));
    }
    content.append(
      h('div', { class: 'stats' },
        stat('Assinantes ativos', String(board.active_subscribers), 'agora', 'subscribers'),
        stat(`Receita (${board.days} dias)`, money(board.revenue), 'checkouts pagos', 'revenue'),
        stat('Checkouts pagos', String(board.paid_checkouts),
          `últimos ${board.days} dias, sem os reembolsados`, 'paid'),
        // Converted = reached paid (a refund later does not undo that): say so beside the
        // paid count above, so "0 pagos" and "1 de 1" never look like they disagree.
        stat('Conversão', percent(conversion.rate),
          `${conversion.paid} de ${conversion.started} iniciados chegaram a ser pagos`
          + (conversion.refunded ? ` (${conversion.refunded} reembolsado${conversion.refunded > 1 ? 's' : ''} depois)` : ''),
          'conversion'),
        // Subscriptions that renew themselves (issue 25; README, "Automatic renewal").
        stat('MRR', money(board.renewals.mrr), 'assinaturas automáticas, por 30 dias', 'mrr'),
        stat('Assinantes automáticos', String(board.renewals.automatic_members),
          `${board.renewals.manual_members} manuais`, 'automatic-members'),
        stat('Renovações', String(board.renewals.renewals_paid),
          `pagas · ${board.renewals.renewals_refused} recusadas (${board.days} dias)`, 'renewals'),
        stat('Churn', percent(board.renewals.churn),
          `${board.renewals.churned} de ${board.renewals.active_30_days_ago} assinantes de 30 dias atrás`, 'churn'),
        stat('Pagamento pendente', String(board.renewals.past_due), 'renovação recusada, em carência', 'past-due'),
        h('a', { class: 'stat-link', href: '/admin/verificacao-idade' },
          stat('Documentos em análise', String(age.documents_waiting ?? 0),
            'verificação de idade', 'age-documents'))),
      h('section', { class: 'card' }, h('div', { class: 'card-body' },
        h('h2', {}, 'Receita por dia'), revenueChart(board.series),
        h('p', { class: 'muted small' }, `De ${day(board.since)} a ${day(board.until)}, dias no fuso ${TIME_ZONE.replace('_', ' ')}.`),
        salesDays(board.series))),
      h('section', { class: 'card' }, h('div', { class: 'card-body' },
        h('h2', {}, 'Anúncios com melhor CTR'),
        board.top_ads.length ? table(board.top_ads, [
          ['Anúncio', (ad) => h('a', { href: `/admin/anuncios/${ad.id}` }, ad.name)],
          ['Tipo', (ad) => label(meta.labels.types, ad.type)],
          ['Posicionamento', (ad) => label(meta.labels.placements, ad.placement)],
          ['Impressões', (ad) => String(ad.impressions)],
          ['Cliques', (ad) => String(ad.clicks)],
          ['CTR', (ad) => percent(ad.ctr)],
        ], 'Anúncios com melhor CTR') : emptyState(
          'Nenhum anúncio tem 100 impressões contadas ainda.'))));
  });
}
