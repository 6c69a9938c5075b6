// Input masks for Brazilian documents: they format as the buyer types; the server
// validates (and strips the punctuation) whatever is sent.

const digits = (text, max) => String(text || '').replace(/\D/g, '').slice(0, max);

/** 12345678909 -> 123.456.789-09 (partial input formatted as far as it goes). */
export function formatCpf(text) {
  const d = digits(text, 11);
  if (d.length <= 3) return d;
  if (d.length <= 6) return `${d.slice(0, 3)}.${d.slice(3)}`;
  if (d.length <= 9) return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`;
  return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
}

/** 11987654321 -> (11) 98765-4321; ten digits -> (11) 3456-7890. */
export function formatPhone(text) {
  const d = digits(text, 11);
  if (d.length <= 2) return d.length ? `(${d}` : '';
  if (d.length <= 6) return `(${d.slice(0, 2)}) ${d.slice(2)}`;
  if (d.length <= 10) return `(${d.slice(0, 2)}) ${d.slice(2, 6)}-${d.slice(6)}`;
  return `(${d.slice(0, 2)}) ${d.slice(2, 7)}-${d.slice(7)}`;
}

/** Keeps `input` formatted by `format` while typing and pasting. */
export function mask(input, format) {
  const apply = () => {
    const formatted = format(input.value);
    if (formatted !== input.value) input.value = formatted;
  };
  input.addEventListener('input', apply);
  apply();
  return input;
}
