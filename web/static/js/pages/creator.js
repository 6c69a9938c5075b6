// A creator's page: profile, then the posts — locked ones call the visitor to subscribe.
import { api } from '../api.js';
import { formatDate, h } from '../dom.js';
import { lockedCard, openCard, profilePage } from '../profile.js';

function postCard(post, ads) {
  const when = h('span', { class: 'muted' }, formatDate(post.created_at));
  if (post.locked || !post.content_url) {
    return lockedCard(post.title, post.type === 'video' ? 'Vídeo exclusivo para assinantes.'
      : 'Foto exclusiva para assinantes.');
  }
  return openCard(post.title, [[post.content_url, post.type]], ads, when);
}

export default function creator(main) {
  return profilePage(main, {
    notFound: 'Esta criadora não existe ou saiu da plataforma.',
    loadProfile: async (id) => {
      const found = await api(`/api/models/${id}`, { auth: false });
      return { name: found.name, description: found.description, icon: found.icon_url,
        banner: found.banner_url };
    },
    postsPath: (id) => `/api/models/${id}/posts`,
    postCard,
  });
}
