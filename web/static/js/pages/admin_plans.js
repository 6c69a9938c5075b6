// Admin: plans (prices typed in reais, stored in cents).
import { adminPage } from '../admin/shell.js';
import { convert, crudPage } from '../admin/crud.js';
import { centsToInput, durationLabel, money, parseMoney } from '../dom.js';

export const price = (raw) => {
  const cents = parseMoney(raw);
  if (Number.isNaN(cents)) throw new Error('Informe um valor como 29,90.');
  return cents;
};

export default function plans(main) {
  return adminPage(main, 'Planos', (content) => crudPage(content, {
    path: '/api/admin/plans', newLabel: 'Novo plano', empty: 'Nenhum plano cadastrado.',
    deactivate: { field: 'is_active', label: 'Desativar plano (tirar da loja)' },
    columns: [['Nome', (p) => p.name], ['Preço', (p) => money(p.price)],
      ['Duração', (p) => durationLabel(p.duration)],
      ['Pagamento', (p) => [p.accepts_pix ? 'PIX' : null, p.accepts_card ? 'Cartão' : null].filter(Boolean).join(' + ') || '—'],
      ['Renovação', (p) => (p.renewal === 'automatic' ? 'Automática' : 'Manual')],
      ['À venda', (p) => (p.is_active ? 'Sim' : 'Não')]],
    fields: [
      { name: 'name', label: 'Nome', fromInput: convert.required },
      { name: 'price', label: 'Preço (R$)', initial: '', toInput: (p) => centsToInput(p.price), fromInput: price },
      { name: 'duration', label: 'Duração (dias)', type: 'number', initial: 30, fromInput: convert.int },
      { name: 'benefits_json', label: 'Benefícios (um por linha)', type: 'textarea',
        toInput: (p) => (p.benefits_json || []).join('\n'), fromInput: convert.lines },
      { name: 'cta_text', label: 'Texto do botão', fromInput: convert.text },
      { name: 'checkout_url', label: 'Checkout externo de cartão (opcional)', type: 'url', fromInput: convert.text },
      { name: 'accepts_pix', label: 'Aceita PIX', type: 'checkbox', initial: true, fromInput: convert.flag },
      { name: 'accepts_card', label: 'Aceita cartão', type: 'checkbox', initial: true, fromInput: convert.flag },
      { name: 'max_installments', label: 'Parcelas no cartão (até)', type: 'number', initial: 12,
        fromInput: convert.int },
      { name: 'renewal', label: 'Renovação', initial: 'manual',
        options: [['manual', 'Manual (o assinante compra de novo; lembrete por e-mail)'],
          ['automatic', 'Automática (cobra o cartão salvo a cada período; cancele quando quiser)']] },
      { name: 'is_active', label: 'À venda (um plano inativo não aparece nem pode ser comprado)',
        type: 'checkbox', initial: true, fromInput: convert.flag },
      { name: 'card_style', label: 'Destaque do cartão', initial: 'secondary',
        options: [['primary', 'Principal'], ['secondary', 'Normal'], ['outline', 'Contorno']] },
    ],
  }));
}
