// Admin: one creator's posts. Several photos or videos are uploaded at once, each with
// its progress bar and title; each becomes a post of the type its bytes tell.
import { api } from '../api.js';
import { adminPage, table } from '../admin/shell.js';
import { progressRow, uploadFile } from '../admin/upload.js';
import { formatDateTime, h, img, render } from '../dom.js';
import { alertBox, emptyState, showError } from '../ui.js';

const TYPE_LABELS = { image: 'Foto', video: 'Vídeo' };
const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,video/mp4,video/webm';
const AT_ONCE = 2; // the server takes two uploads at a time per process

function creatorId() {
  const match = window.location.pathname.match(/\/admin\/criadoras\/(\d+)\/posts\/?$/);
  return match ? Number(match[1]) : null;
}

function mediaCell(post) {
  const url = post.signed?.content_url || post.content_url;
  if (post.type === 'video') {
    return h('video', { src: url, class: 'thumb', preload: 'metadata', muted: true, 'aria-label': post.title || 'Vídeo' });
  }
  return img(url, post.title || 'Foto', { class: 'thumb' });
}

export default function creatorPosts(main) {
  return adminPage(main, 'Posts da criadora', async (content) => {
    const id = creatorId();
    const creator = await api(`/api/admin/models/${id}`);
    content.closest('.admin-main').querySelector('h1').textContent = `Posts de ${creator.name}`;
    const notice = h('div', { 'aria-live': 'polite' });
    const list = h('div', { 'aria-live': 'polite' });
    const rows = h('div', { class: 'post-uploads' });
    const picker = h('input', { type: 'file', multiple: true, accept: ACCEPT, id: 'post-files', name: 'files' });

    async function load() {
      try {
        const found = await api('/api/admin/posts', { query: { model_id: id, limit: 100 } });
        render(list, found.data.length ? table(found.data, [
          ['', mediaCell], ['Título', (p) => p.title || '—'], ['Tipo', (p) => TYPE_LABELS[p.type] || p.type],
          ['Criado em', (p) => formatDateTime(p.created_at)],
          ['', (p) => h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => remove(p) }, 'Excluir')],
        ], 'Posts') : emptyState('Nenhum post ainda: envie fotos ou vídeos acima.'));
      } catch (error) {
        showError(list, error, load);
      }
    }

    async function remove(post) {
      // eslint-disable-next-line no-alert
      if (!window.confirm('Excluir este post?')) return;
      try {
        await api(`/api/admin/posts/${post.id}`, { method: 'DELETE' });
        load();
      } catch (error) {
        showError(notice, error);
      }
    }

    async function publish(file) {
      const row = progressRow(file.name);
      const title = h('input', { type: 'text', name: 'title', value: file.name.replace(/\.[^.]+$/, ''),
        'aria-label': `Título de ${file.name}`, maxlength: '255' });
      rows.append(h('div', { class: 'upload-item' }, row.element, title));
      try {
        const media = await uploadFile(file, row.set);
        await api('/api/admin/posts', { method: 'POST', body: {
          model_id: id, content_url: media.url, type: media.kind, title: title.value.trim() || null } });
        row.done(`Publicado · ${TYPE_LABELS[media.kind]}`);
        return true;
      } catch (error) {
        row.fail(error.message);
        return false;
      }
    }

    picker.addEventListener('change', async () => {
      const files = [...picker.files];
      picker.value = '';
      render(notice);
      const queue = files.slice();
      let published = 0;
      const worker = async () => {
        while (queue.length) if (await publish(queue.shift())) published += 1;
      };
      await Promise.all(Array.from({ length: Math.min(AT_ONCE, files.length) }, worker));
      render(notice, alertBox(published === files.length ? 'success' : 'error',
        `${published} de ${files.length} ${files.length === 1 ? 'arquivo publicado' : 'arquivos publicados'}.`));
      load();
    });

    content.append(h('p', {}, h('a', { href: '/admin/criadoras' }, '← Criadoras')),
      h('section', { class: 'card' }, h('div', { class: 'card-body' },
        h('h2', {}, 'Enviar fotos e vídeos'),
        h('label', { for: 'post-files' }, 'Escolha um ou mais arquivos (JPEG, PNG, WebP, GIF, MP4, WebM)'),
        picker, rows)),
      notice, list);
    await load();
  });
}
