// Admin: the brand — the site's name, logo, primary colour and support email, used by
// every page, the mails and the social previews.
import { api } from '../api.js';
import { adminPage } from '../admin/shell.js';
import { uploadButton } from '../admin/upload.js';
import { forgetBrand } from '../brand.js';
import { h, img, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { alertBox, clearErrors, fieldError, showFormError } from '../ui.js';

const COLOUR = /^#[0-9a-fA-F]{6}$/;

export default function brandPage(main) {
  return adminPage(main, 'Marca', async (content) => {
    const brand = await api('/api/branding');
    const notice = h('div', { 'aria-live': 'polite' });
    const logoWrapper = field('Logo (URL)', 'logo_url', { type: 'url', value: brand.logo_url,
      hint: 'Envie uma imagem ou cole um endereço http(s).' });
    const logoPreview = h('div', { class: 'image-preview' },
      brand.logo_src ? img(`${brand.logo_src}?v=${Date.now()}`, 'Logo atual', { class: 'thumb' }) : null);
    logoWrapper.append(uploadButton(inputOf(logoWrapper), {
      label: 'Enviar logo',
      onUploaded: (media) => render(logoPreview, img(media.signed_url, 'Novo logo', { class: 'thumb' })),
    }), logoPreview);
    const colour = field('Cor principal', 'primary_color', { value: brand.primary_color,
      hint: 'No formato #rrggbb, ex.: #e11d48.', pattern: '#[0-9a-fA-F]{6}' });
    const picker = h('input', { type: 'color', value: brand.primary_color, 'aria-label': 'Escolher a cor' });
    picker.addEventListener('input', () => { inputOf(colour).value = picker.value; });
    inputOf(colour).addEventListener('input', () => {
      if (COLOUR.test(inputOf(colour).value)) picker.value = inputOf(colour).value.toLowerCase();
    });
    colour.append(picker);
    const form = h('form', { class: 'form card-body', novalidate: true },
      h('div', { class: 'form-alert' }),
      field('Nome do site', 'site_name', { value: brand.site_name, required: true, maxlength: '60' }),
      logoWrapper, colour,
      field('E-mail de suporte', 'support_email', { type: 'email', value: brand.support_email,
        hint: 'Aparece no rodapé das páginas e dos e-mails.' }),
      h('div', { class: 'actions' }, h('button', { class: 'btn', type: 'submit' }, 'Salvar marca')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      const data = new FormData(form);
      const body = Object.fromEntries(['site_name', 'logo_url', 'primary_color', 'support_email']
        .map((name) => [name, String(data.get(name) || '').trim()]));
      if (!COLOUR.test(body.primary_color)) {
        fieldError(inputOf(colour), 'Use o formato #rrggbb.');
        return;
      }
      submitting(form, async () => {
        try {
          await api('/api/admin/branding', { method: 'PUT', body });
          forgetBrand();
          render(notice, alertBox('success', 'Marca salva. Novas páginas e e-mails já a usam.'));
        } catch (error) {
          showFormError(form, error);
        }
      });
    });
    content.append(notice, h('section', { class: 'card' }, form));
  });
}
