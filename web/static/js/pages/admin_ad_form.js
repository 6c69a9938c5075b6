// Admin: create or edit an ad. The placement list only offers the placements valid for
// the chosen type (GET /api/ads/meta), the preview is drawn live with the same renderer
// as the site, and the API's verdict on each field is shown next to it.
import { api } from '../api.js';
import { renderAd } from '../ads.js';
import { adminPage, adsMeta, label } from '../admin/shell.js';
import { uploadButton } from '../admin/upload.js';
import { h, parseUtc, pathId, percent, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { alertBox, clearErrors, fieldError, showError, showFormError } from '../ui.js';

const TEXTS = ['name', 'title', 'subtitle', 'cta_text', 'image_url', 'link', 'category'];

function toLocalInput(text) {
  const date = parseUtc(text);
  if (!date) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function fromLocalInput(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function values(form) {
  const data = new FormData(form);
  const body = {};
  for (const name of TEXTS) body[name] = (data.get(name) || '').trim() || null;
  body.type = data.get('type');
  body.placement = data.get('placement');
  body.status = data.get('status');
  body.priority = Number(data.get('priority') || 0);
  body.start_date = fromLocalInput(data.get('start_date'));
  body.end_date = fromLocalInput(data.get('end_date'));
  return body;
}

async function statsBox(id) {
  try {
    const stats = await api(`/api/admin/ads/${id}/stats`, { query: { days: 30 } });
    return h('section', { class: 'card' }, h('div', { class: 'card-body' },
      h('h2', {}, 'Desempenho (30 dias)'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Impressões'), h('dd', {}, String(stats.impressions)),
        h('dt', {}, 'Cliques'), h('dd', {}, String(stats.clicks)),
        h('dt', {}, 'CTR'), h('dd', {}, percent(stats.ctr)),
        h('dt', {}, 'Filtrados (não contam)'),
        h('dd', {}, `${stats.filtered_impressions} impressões · ${stats.filtered_clicks} cliques`
          + ` (robôs ${stats.filtered.impressions.bot + stats.filtered.clicks.bot}, repetições `
          + `${stats.filtered.impressions.repeat + stats.filtered.clicks.repeat}, cliques sem `
          + `token ${stats.filtered.clicks.no_token}, acima do limite por IP `
          + `${stats.filtered.impressions.ip_cap + stats.filtered.clicks.ip_cap})`),
        h('dt', {}, 'Total desde a criação'),
        h('dd', {}, `${stats.lifetime.impressions} impressões · ${stats.lifetime.clicks} cliques`))));
  } catch {
    return null;
  }
}

export default function adForm(main) {
  const id = pathId();
  return adminPage(main, id ? 'Editar anúncio' : 'Novo anúncio', async (content) => {
    const meta = await adsMeta();
    const ad = id ? await api(`/api/admin/ads/${id}`) : { type: 'banner', status: 'draft', priority: 0 };
    const typeField = field('Tipo', 'type', { value: ad.type,
      options: meta.types.map((t) => [t, label(meta.labels.types, t)]) });
    const placementField = field('Posicionamento', 'placement', { options: [],
      hint: 'Só aparecem os posicionamentos válidos para o tipo escolhido.' });
    const typeInput = inputOf(typeField);
    const placementInput = inputOf(placementField);
    const preview = h('div', { class: 'preview', 'aria-live': 'polite' });

    const fillPlacements = (wanted) => {
      const valid = meta.valid_placements[typeInput.value] || [];
      render(placementInput, valid.map((p) => h('option', { value: p, selected: p === wanted },
        label(meta.labels.placements, p))));
      if (!valid.includes(wanted) && valid.length) placementInput.value = valid[0];
    };
    const imageField = field('URL da imagem', 'image_url', { type: 'url', value: ad.image_url });
    // An uploaded image is seen through its signed link (its stored URL needs one).
    const viewable = {};
    imageField.append(uploadButton(inputOf(imageField), {
      onUploaded: (media) => { viewable[media.url] = media.signed_url; },
    }));
    const form = h('form', { class: 'form ad-form', novalidate: true },
      h('div', { class: 'form-alert' }),
      field('Nome interno', 'name', { value: ad.name, required: true }),
      h('div', { class: 'row' }, typeField, placementField),
      field('Status', 'status', { value: ad.status,
        options: meta.statuses.map((s) => [s, label(meta.labels.statuses, s)]) }),
      field('Título', 'title', { value: ad.title, required: true }),
      field('Subtítulo', 'subtitle', { value: ad.subtitle }),
      field('Texto do botão', 'cta_text', { value: ad.cta_text }),
      imageField,
      field('Link de destino', 'link', { type: 'url', value: ad.link, required: true,
        hint: 'Os cliques passam por /r/ads/{id}, que conta e redireciona.' }),
      h('div', { class: 'row' },
        field('Categoria', 'category', { value: ad.category }),
        field('Prioridade', 'priority', { type: 'number', value: ad.priority ?? 0, step: 1,
          hint: 'Maior aparece primeiro.' })),
      h('div', { class: 'row' },
        field('Início', 'start_date', { type: 'datetime-local', value: toLocalInput(ad.start_date) }),
        field('Fim', 'end_date', { type: 'datetime-local', value: toLocalInput(ad.end_date) })),
      h('div', { class: 'actions' },
        h('button', { class: 'btn', type: 'submit' }, id ? 'Salvar' : 'Criar anúncio'),
        h('a', { class: 'btn btn-ghost', href: '/admin/anuncios' }, 'Cancelar'),
        id ? h('button', { class: 'btn btn-danger', type: 'button', onclick: remove }, 'Excluir') : null));

    const draw = () => {
      const now = values(form);
      render(preview, h('p', { class: 'muted small' },
        `Prévia · ${label(meta.labels.placements, now.placement)}`),
      h('div', { class: `preview-slot preview-${now.type}` },
        renderAd({ ...now, title: now.title || 'Título do anúncio',
          image_url: viewable[now.image_url] || now.image_url }, now.placement, { preview: true })));
    };
    typeInput.addEventListener('change', () => fillPlacements(placementInput.value));
    form.addEventListener('input', draw);
    form.addEventListener('change', draw);

    async function remove() {
      // eslint-disable-next-line no-alert
      if (!window.confirm('Excluir este anúncio e suas estatísticas?')) return;
      try {
        await api(`/api/admin/ads/${id}`, { method: 'DELETE' });
        window.location.assign('/admin/anuncios');
      } catch (error) {
        showFormError(form, error);
      }
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      const body = values(form);
      // The select only offers valid placements; this also catches a stale or edited
      // form before the API refuses it.
      if (!(meta.valid_placements[body.type] || []).includes(body.placement)) {
        const valid = (meta.valid_placements[body.type] || []).map((p) => label(meta.labels.placements, p));
        fieldError(placementInput, `Posicionamento inválido para ${label(meta.labels.types, body.type)}. Válidos: ${valid.join(', ')}.`);
        placementInput.focus();
        return;
      }
      for (const name of ['start_date', 'end_date']) {
        if (body[name] === undefined) {
          fieldError(form.querySelector(`[name=${name}]`), 'Data inválida.');
          return;
        }
      }
      submitting(form, async () => {
        try {
          if (id) await api(`/api/admin/ads/${id}`, { method: 'PATCH', body });
          else {
            for (const name of Object.keys(body)) if (body[name] === null) delete body[name];
            await api('/api/admin/ads', { method: 'POST', body });
          }
          window.location.assign('/admin/anuncios');
        } catch (error) {
          showFormError(form, error);
        }
      });
    });

    fillPlacements(ad.placement);
    content.append(h('div', { class: 'ad-editor' }, form,
      h('aside', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, 'Prévia'), preview))));
    draw();
    if (id) {
      const stats = await statsBox(id);
      if (stats) content.append(stats);
    } else {
      content.prepend(alertBox('info', 'Novos anúncios começam como rascunho: mude o status para Ativo para publicar.'));
    }
  });
}
