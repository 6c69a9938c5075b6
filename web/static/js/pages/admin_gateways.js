// Admin: payment gateways. Secret keys are write-only: the API only says whether one is
// set; this form never shows one, sends a new one only when typed, and can remove it.
import { api } from '../api.js';
import { adminPage } from '../admin/shell.js';
import { h, render } from '../dom.js';
import { field, inputOf, submitting } from '../forms.js';
import { alertBox, clearErrors, showFormError } from '../ui.js';

const NAMES = { junglepay: 'JunglePay (PIX e cartão)', dias: 'Dias Marketplace (checkout externo)',
  pix: 'PIX pela API Pix do seu banco (PSP)' };
const CHARGING = { sandbox: 'Sandbox (testes)', junglepay: 'JunglePay', dias: 'Dias', pix: 'PIX (API Pix)' };
// The pix gateway's own settings; its client certificate, like the secret, is write-only.
const PIX_LABELS = { api_url: 'URL da API Pix', token_url: 'URL do token OAuth2', public_key: 'Client ID',
  secret_key: 'Client secret', certificate: 'Certificado', pix_key: 'Chave Pix',
  pix_account: 'Conta recebedora (agência/conta)', pix_account_type: 'Tipo de conta' };
// Pix Automático's receiving account: each recurring charge names it (not a secret).
const ACCOUNT_TYPES = [['CORRENTE', 'Corrente'], ['POUPANCA', 'Poupança'], ['PAGAMENTO', 'Pagamento']];

function pixFields(pix) {
  return [
    field(PIX_LABELS.api_url, 'api_url', { type: 'url', value: pix.api_url || '',
      hint: 'Endereço https com a versão, ex.: pix.api.efipay.com.br/v2' }),
    field(PIX_LABELS.token_url, 'token_url', { type: 'url', value: pix.token_url || '' }),
    field(PIX_LABELS.pix_key, 'pix_key', { value: pix.pix_key || '', autocomplete: 'off' }),
    field(PIX_LABELS.pix_account, 'pix_account', { value: pix.pix_account || '', autocomplete: 'off',
      inputmode: 'numeric', placeholder: '0001/123456-7',
      hint: 'Para o PIX Automático: a conta em que caem as cobranças recorrentes. Agência/conta '
        + '(ou só a conta), em dígitos, com o dígito verificador depois do hífen.' }),
    field(PIX_LABELS.pix_account_type, 'pix_account_type', { options: ACCOUNT_TYPES,
      value: pix.pix_account_type || 'CORRENTE' }),
    field('Certificado do cliente (PEM com a chave privada)', 'certificate', { type: 'file',
      accept: '.pem,.crt,.key,.txt',
      hint: pix.has_certificate ? 'Definido; envie outro para trocar. Nunca é exibido.'
        : 'Converta o .p12: openssl pkcs12 -in cert.p12 -out cert.pem -nodes' }),
    field('CA do PSP (PEM, opcional)', 'ca_certificate', { type: 'textarea', rows: 3,
      value: pix.ca_certificate || '' }),
  ];
}

async function pixBody(data, body) {
  for (const name of ['api_url', 'token_url', 'pix_key', 'pix_account', 'pix_account_type', 'ca_certificate']) {
    body[name] = (data.get(name) || '').trim() || null;
  }
  const file = data.get('certificate');
  if (file && file.size) body.certificate = await file.text();
  delete body.postback_url; // registered at the PSP for the key: always the generated one
}
// The circuit breaker of this app server process (GET /api/admin/payment-gateways).
const CIRCUIT = {
  closed: ['status-active', 'Respondendo'],
  open: ['status-failed', 'Fora do ar: chamadas recusadas'],
  half_open: ['status-paused', 'Testando de novo'],
};

function circuitLine(circuit) {
  if (!circuit || !circuit.state) return null;
  const [css, label] = CIRCUIT[circuit.state] || ['', circuit.state];
  const until = circuit.open_until
    ? ` até ${new Date(circuit.open_until * 1000).toLocaleTimeString('pt-BR', { timeZone: 'America/Sao_Paulo' })}`
    : '';
  const failures = circuit.consecutive_failures
    ? ` · ${circuit.consecutive_failures} falha(s) seguida(s)` : '';
  return h('p', { class: 'small', 'data-circuit': circuit.state },
    'Conexão: ', h('span', { class: `status ${css}` }, label), `${until}${failures}`);
}

function gatewayForm(gateway, onSaved) {
  const secret = field(gateway.pix ? PIX_LABELS.secret_key : 'Chave secreta', 'secret_key', { type: 'password', autocomplete: 'new-password',
    placeholder: gateway.has_secret_key ? '•••••••• (definida)' : 'não definida',
    hint: gateway.has_secret_key ? 'Deixe em branco para manter a chave atual.' : 'Nunca é exibida depois de salva.' });
  const pix = gateway.pix;
  const postback = pix
    ? h('p', { class: 'small' }, `URL de notificações (registrada no PSP ao ativar): ${gateway.generated_postback_url}`)
    : field('URL de postback (opcional)', 'postback_url', { type: 'url',
      value: gateway.postback_url || '', hint: `Gerada: ${gateway.generated_postback_url}` });
  const missing = pix && pix.missing.length
    ? h('p', { class: 'muted small', 'data-missing': '' }, 'Para ativar, falta: ',
      pix.missing.map((name) => PIX_LABELS[name] || name).join(', '))
    : null;
  const form = h('form', { class: 'form', novalidate: true, 'data-gateway': gateway.name },
    h('div', { class: 'form-alert' }),
    pix ? pixFields(pix) : null,
    field(pix ? PIX_LABELS.public_key : 'Chave pública', 'public_key', { value: gateway.public_key || '', autocomplete: 'off' }),
    secret,
    gateway.has_secret_key ? field('Remover a chave secreta', 'remove_secret', { type: 'checkbox' }) : null,
    postback,
    missing,
    field('Ativo (o ativo cobra os novos checkouts)', 'is_active', { type: 'checkbox', value: gateway.is_active }),
    h('button', { class: 'btn', type: 'submit' }, 'Salvar'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const body = { public_key: (data.get('public_key') || '').trim() || null,
      postback_url: (data.get('postback_url') || '').trim() || null,
      is_active: data.has('is_active') };
    const typed = data.get('secret_key');
    if (data.has('remove_secret')) body.secret_key = null;
    else if (typed) body.secret_key = typed;
    submitting(form, async () => {
      try {
        if (pix) await pixBody(data, body);
        await api(`/api/admin/payment-gateways/${gateway.name}`, { method: 'PUT', body });
        inputOf(secret).value = ''; // never kept on the page
        onSaved(`${NAMES[gateway.name] || gateway.name}: salvo.`);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return h('section', { class: 'card' }, h('div', { class: 'card-body' },
    h('h2', {}, NAMES[gateway.name] || gateway.name,
      gateway.is_active ? h('span', { class: 'status status-active' }, 'Ativo') : null),
    h('p', { class: 'muted small' }, gateway.has_secret_key ? 'Chave secreta definida.' : 'Sem chave secreta.'),
    circuitLine(gateway.circuit),
    form));
}

export default function gateways(main) {
  return adminPage(main, 'Gateways de pagamento', async (content) => {
    const notice = h('div', { 'aria-live': 'polite' });
    const list = h('div', { class: 'stack' });
    async function load(message) {
      const found = await api('/api/admin/payment-gateways');
      render(notice,
        message ? alertBox('success', message) : null,
        alertBox('info', 'Cobrando agora: ',
          h('strong', {}, CHARGING[found.charging_gateway] || found.charging_gateway || 'nenhum')));
      render(list, found.data.map((g) => gatewayForm(g, load)));
    }
    content.append(notice, list);
    await load();
  });
}
