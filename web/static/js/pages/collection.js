// A white-label collection: its profile and posts; subscribers get the signed media.
import { api } from '../api.js';
import { h } from '../dom.js';
import { lockedCard, openCard, profilePage } from '../profile.js';

function counts(post) {
  const { images = 0, videos = 0 } = post.media_count || {};
  const parts = [];
  if (images) parts.push(`${images} ${images === 1 ? 'foto' : 'fotos'}`);
  if (videos) parts.push(`${videos} ${videos === 1 ? 'vídeo' : 'vídeos'}`);
  return parts.join(' · ') || 'Sem mídia';
}

function postCard(post, ads) {
  if (post.locked || !post.media_cdns) {
    return lockedCard(post.title || post.folder_name, `${counts(post)} para assinantes.`);
  }
  const items = [...post.media_cdns.images.map((url) => [url, 'image']),
    ...post.media_cdns.videos.map((url) => [url, 'video'])];
  return openCard(post.title || post.folder_name, items, ads,
    h('span', { class: 'muted' }, counts(post)));
}

export default function collection(main) {
  return profilePage(main, {
    notFound: 'Esta coleção não existe ou não está publicada.',
    loadProfile: async (id) => {
      const found = await api(`/api/whitelabel/models/${id}`, { auth: false });
      return { name: found.folder_name, icon: found.icon_url || found.thumbnail_url,
        banner: found.banner_url || found.thumbnail_url,
        extra: h('span', { class: 'muted' }, `${found.post_count} posts`) };
    },
    postsPath: (id) => `/api/whitelabel/models/${id}/posts`,
    postCard,
  });
}
