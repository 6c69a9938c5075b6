// Admin: support contacts shown in the site's footer.
import { adminPage } from '../admin/shell.js';
import { convert, crudPage } from '../admin/crud.js';
import { h } from '../dom.js';

const PLATFORMS = [['whatsapp', 'WhatsApp'], ['telegram', 'Telegram'], ['other', 'Outro (link)']];

export default function contacts(main) {
  return adminPage(main, 'Contatos de suporte', (content) => crudPage(content, {
    path: '/api/admin/support-contacts', newLabel: 'Novo contato', empty: 'Nenhum contato cadastrado.',
    columns: [['Plataforma', (c) => Object.fromEntries(PLATFORMS)[c.platform] || c.platform],
      ['Link', (c) => h('a', { href: c.url, rel: 'noopener', target: '_blank' }, c.url)],
      ['Ativo', (c) => (c.is_active ? 'Sim' : 'Não')]],
    fields: [
      { name: 'platform', label: 'Plataforma', options: PLATFORMS, initial: 'whatsapp', fromInput: convert.required },
      { name: 'url', label: 'Número, @usuário ou link', fromInput: convert.required,
        hint: 'WhatsApp: número com DDI (+55 11 99999-0000); Telegram: @usuario; outro: link http(s).' },
      { name: 'is_active', label: 'Ativo', type: 'checkbox', initial: true, fromInput: convert.flag },
    ],
  }));
}
