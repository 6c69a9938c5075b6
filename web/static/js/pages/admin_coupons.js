// Admin: coupons (issue 25): a percentage or an amount off the plan's price, once,
// forever or for a number of payments, with an optional limit, expiry and plans.
import { adminPage } from '../admin/shell.js';
import { convert, crudPage } from '../admin/crud.js';
import { centsToInput, formatDate, money, parseMoney } from '../dom.js';

const DURATIONS = { once: 'Primeiro pagamento', forever: 'Todas as renovações',
  repeating: 'Alguns pagamentos' };

const optionalInt = (raw) => (String(raw).trim() === '' ? null : convert.int(raw));
const optionalMoney = (raw) => {
  if (String(raw).trim() === '') return null;
  const cents = parseMoney(raw);
  if (Number.isNaN(cents)) throw new Error('Informe um valor como 10,00.');
  return cents;
};
const ids = (raw) => String(raw).split(/[\s,;]+/).filter(Boolean).map((part) => {
  const value = Number(part);
  if (!Number.isInteger(value) || value < 1) throw new Error('Informe os números dos planos separados por vírgula.');
  return value;
});
const day = (raw) => (String(raw).trim() === '' ? null : `${raw}T23:59:59-03:00`);

export default function coupons(main) {
  return adminPage(main, 'Cupons', (content) => crudPage(content, {
    path: '/api/admin/coupons', newLabel: 'Novo cupom', empty: 'Nenhum cupom cadastrado.',
    columns: [['Código', (c) => c.code],
      ['Desconto', (c) => (c.percent_off ? `${c.percent_off}%` : money(c.amount_off))],
      ['Duração', (c) => (c.duration === 'repeating' ? `${c.cycles} pagamentos` : DURATIONS[c.duration])],
      ['Usos', (c) => `${c.times_redeemed}${c.max_redemptions ? ` de ${c.max_redemptions}` : ''}`],
      ['Validade', (c) => (c.expires_at ? formatDate(c.expires_at) : '—')]],
    fields: [
      { name: 'code', label: 'Código (maiúsculas e minúsculas valem igual)', fromInput: convert.required },
      { name: 'percent_off', label: 'Desconto em % (ou valor abaixo)', type: 'number', initial: '',
        fromInput: optionalInt },
      { name: 'amount_off', label: 'Desconto em R$ (ou % acima)', initial: '',
        toInput: (c) => (c.amount_off ? centsToInput(c.amount_off) : ''), fromInput: optionalMoney },
      { name: 'duration', label: 'Vale para', initial: 'once',
        options: Object.entries(DURATIONS) },
      { name: 'cycles', label: 'Quantos pagamentos (se "Alguns pagamentos")', type: 'number',
        initial: '', fromInput: optionalInt },
      { name: 'max_redemptions', label: 'Limite de usos (vazio: sem limite)', type: 'number',
        initial: '', fromInput: optionalInt },
      { name: 'expires_at', label: 'Válido até (vazio: sem prazo)', type: 'date', initial: '',
        toInput: (c) => (c.expires_at ? c.expires_at.slice(0, 10) : ''), fromInput: day },
      { name: 'plan_ids', label: 'Planos (números separados por vírgula; vazio: todos)', initial: '',
        toInput: (c) => (c.plan_ids || []).join(', '), fromInput: ids },
    ],
  }));
}
