// Admin: the white-label sync — run it (or simulate it), read the last report, and
// choose which synced collections are public.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { formatDateTime, h, render } from '../dom.js';
import { field, submitting } from '../forms.js';
import { alertBox, emptyState, pager, showError, showFormError } from '../ui.js';

const RUN_STATUS = { running: 'Em andamento', succeeded: 'Concluída', failed: 'Falhou',
  refused: 'Recusada', interrupted: 'Interrompida' };
const MODEL_STATUS = [['new', 'Nova (oculta)'], ['active', 'Publicada'], ['hidden', 'Oculta']];
const KINDS = [['models', 'Modelos'], ['posts', 'Posts'], ['media', 'Mídias']];

function report(run) {
  const r = run.report || {};
  const count = (group, kind) => String(r[group]?.[kind] ?? 0);
  return h('div', { class: 'report', 'data-run-id': String(run.id) },
    h('p', {}, h('span', { class: `status status-${run.status}` }, RUN_STATUS[run.status] || run.status),
      run.dry_run ? ' · simulação' : '',
      ` · início ${formatDateTime(run.started_at)}`,
      run.finished_at ? ` · fim ${formatDateTime(run.finished_at)}` : ''),
    run.error ? alertBox('error', run.error) : null,
    r.refusal ? alertBox('info', `Trava de exclusão em massa: ${r.refusal}`) : null,
    table(KINDS, [
      ['', ([, name]) => name],
      ['Criados', ([kind]) => count('created', kind)],
      ['Atualizados', ([kind]) => count('updated', kind)],
      ['Excluídos', ([kind]) => count('deleted', kind)],
      ['No catálogo', ([kind]) => (r.catalogue ? String(r.catalogue[kind] ?? 0) : '—')],
    ], 'Relatório da sincronização'),
    h('p', { class: 'muted small' },
      `${r.listed ?? 0} objetos listados · ${r.ignored?.count ?? 0} ignorados`,
      r.duration_seconds !== undefined ? ` · ${Number(r.duration_seconds).toFixed(2)} s` : ''));
}

export default function sync(main) {
  return adminPage(main, 'Sincronização', async (content) => {
    const last = h('div', { 'aria-live': 'polite' });
    const models = h('div');
    const form = h('form', { class: 'form form-inline', novalidate: true },
      h('div', { class: 'form-alert' }),
      field('Simulação (não grava nada)', 'dry_run', { type: 'checkbox' }),
      field('Permitir exclusão em massa', 'allow_mass_delete', { type: 'checkbox',
        hint: 'Só se o bucket realmente perdeu mais da metade do catálogo.' }),
      h('button', { class: 'btn', type: 'submit' }, 'Sincronizar agora'));

    async function loadLast() {
      try {
        render(last, report(await api('/api/admin/whitelabel/sync')));
      } catch (error) {
        if (error.status === 404) render(last, emptyState('Nenhuma sincronização ainda.'));
        else showError(last, error, loadLast);
      }
    }

    async function setStatus(model, status, page) {
      try {
        await api(`/api/admin/whitelabel/models/${model.id}`, { method: 'PATCH', body: { status } });
      } catch (error) {
        showError(models, error, () => loadModels(page));
      }
    }

    async function loadModels(page = 1) {
      try {
        const found = await api('/api/admin/whitelabel/models', { query: { page, limit: 20 } });
        render(models, found.data.length ? table(found.data, [
          ['Pasta', (m) => m.folder_name],
          ['Posts', (m) => String(m.post_count)],
          ['Última sincronização', (m) => formatDateTime(m.last_synced_at)],
          ['Status', (m) => h('select', { 'aria-label': `Status de ${m.folder_name}`,
            onchange: (event) => setStatus(m, event.target.value, page) },
          MODEL_STATUS.map(([v, text]) => h('option', { value: v, selected: v === m.status }, text)))],
        ], 'Coleções sincronizadas') : emptyState('Nenhuma coleção sincronizada.'), pager(found, loadModels));
      } catch (error) {
        showError(models, error, () => loadModels(page));
      }
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      submitting(form, async () => {
        try {
          const run = await api('/api/admin/whitelabel/sync', { method: 'POST', body: {
            dry_run: data.has('dry_run'), allow_mass_delete: data.has('allow_mass_delete') } });
          render(last, report(run));
          loadModels(1);
        } catch (error) {
          showFormError(form, error);
        }
      });
    });

    content.append(
      h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, 'Executar'), form)),
      h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, 'Última execução'), last)),
      h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', {}, 'Coleções'),
        h('p', { class: 'muted small' }, 'Coleções novas ficam ocultas até serem publicadas aqui.'), models)));
    await Promise.all([loadLast(), loadModels(1)]);
  });
}
