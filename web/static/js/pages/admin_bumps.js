// Admin: order bumps (add-ons offered at checkout).
import { adminPage } from '../admin/shell.js';
import { convert, crudPage } from '../admin/crud.js';
import { centsToInput, money } from '../dom.js';
import { price } from './admin_plans.js';

export default function bumps(main) {
  return adminPage(main, 'Order bumps', (content) => crudPage(content, {
    path: '/api/admin/order-bumps', newLabel: 'Novo order bump', empty: 'Nenhum order bump cadastrado.',
    columns: [['Nome', (b) => b.name], ['Preço', (b) => money(b.price)],
      ['Ordem', (b) => String(b.display_order)], ['Ativo', (b) => (b.is_active ? 'Sim' : 'Não')]],
    fields: [
      { name: 'name', label: 'Nome', fromInput: convert.required },
      { name: 'price', label: 'Preço (R$)', initial: '', toInput: (b) => centsToInput(b.price), fromInput: price },
      { name: 'description', label: 'Descrição', type: 'textarea', fromInput: convert.text },
      { name: 'image_url', label: 'URL da imagem', type: 'url', upload: true, fromInput: convert.text },
      { name: 'display_order', label: 'Ordem de exibição', type: 'number', initial: 0, fromInput: convert.int },
      { name: 'is_active', label: 'Ativo', type: 'checkbox', initial: true, fromInput: convert.flag },
    ],
  }));
}
