// Shared helpers of the dashboard: DOM building without innerHTML (data is
// never parsed as HTML), the GraphQL client, the item picker, CSV export.

// h builds an element: h('a', {href: '/x', class: 'y'}, 'text', child, ...).
// Attributes starting with "on" are event listeners; null/false are left out.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// svg builds an SVG element the same way.
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

// GraphQLError carries the errors of a response.
export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
}

// gql posts a query to this server's /graphql and returns its data; any
// error in the response is thrown.
export async function gql(query, variables) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables: variables || {} }),
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`the server answered ${res.status} without JSON`);
  }
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors);
  return body.data;
}

// errorBox shows an error where a view's content would be.
export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' }, 'Could not load: ', err && err.message ? err.message : String(err));
}

// nodeLabel is "Name (id)".
export function nodeLabel(n) {
  return n ? `${n.name} (${n.id})` : '';
}

// sourceLinks lists sources as links to their URLs, with their grade.
export function sourceLinks(sources) {
  if (!sources || !sources.length) return h('span', { class: 'muted' }, 'no source');
  return sources.map((s, i) => [i ? ', ' : '', s.url
    ? h('a', { href: s.url, rel: 'noreferrer', title: s.title + (s.grade ? ` (${s.grade})` : '') }, s.title || s.id)
    : (s.title || s.id)]);
}

// citation links a control event to its official text, shown as its
// citation (or fallback, by default its name, when it has none).
export function citation(ev, fallback) {
  const text = ev.citation || fallback || ev.name;
  return ev.url ? h('a', { href: ev.url, rel: 'noreferrer' }, text) : text;
}

// picker is an item picker: a labelled text input whose suggestions come
// from Query.search as the user types (a native datalist, so it works with
// the keyboard and screen readers). The value is a node ID.
export function picker({ id, label, value, placeholder, onpick, types }) {
  const list = h('datalist', { id: id + '-options' });
  const input = h('input', { type: 'search', id, value: value || '', list: list.id, placeholder: placeholder || 'type a name or an ID', autocomplete: 'off', size: 34 });
  let timer;
  let seq = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2 || list.querySelector(`option[value="${CSS.escape(text)}"]`)) return;
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const data = await gql('query Pick($text: String!) { search(text: $text, first: 15) { __typename id name } }', { text });
        if (mine !== seq) return;
        list.replaceChildren(...data.search
          .filter((n) => !types || types.includes(n.__typename))
          .map((n) => h('option', { value: n.id }, `${n.name} — ${n.__typename}`)));
      } catch { /* suggestions are a convenience; the field still takes an ID */ }
    }, 200);
  });
  input.addEventListener('change', () => onpick && onpick(input.value.trim()));
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, list);
}

// csvCell quotes a value for CSV (RFC 4180).
function csvCell(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// downloadCSV offers rows (arrays) as a CSV file, lines ending in CRLF.
export function downloadCSV(filename, header, rows) {
  const text = [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  download(filename, new Blob([text], { type: 'text/csv;charset=utf-8' }));
}

// download saves a blob (or data URL) under filename.
export function download(filename, blob) {
  const url = typeof blob === 'string' ? blob : URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof blob !== 'string') setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const STATUS = {
  OPEN: { label: 'open', mark: '✓' },
  LICENSED: { label: 'licensed', mark: '◐' },
  CASE_BY_CASE: { label: 'case-by-case', mark: '?' },
  BLOCKED: { label: 'blocked', mark: '✕' },
};

// statusLegend explains the feasibility colours.
export function statusLegend() {
  return h('div', { class: 'legend', 'aria-label': 'Legend' }, Object.entries(STATUS).map(([k, s]) =>
    h('span', {}, h('span', { class: 'swatch st-' + k, 'aria-hidden': 'true' }), `${s.mark} ${s.label}`)));
}

// downloadSVGAsPNG offers a chart (an SVG element whose colours are set as
// attributes, since the page's stylesheet does not travel with it) as a PNG
// at twice its size, on white.
export function downloadSVGAsPNG(filename, el) {
  const box = el.viewBox.baseVal;
  const copy = el.cloneNode(true);
  copy.setAttribute('width', box.width);
  copy.setAttribute('height', box.height);
  copy.setAttribute('font-family', 'sans-serif');
  copy.setAttribute('font-size', '11');
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = box.width * 2;
    canvas.height = box.height * 2;
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    canvas.toBlob((png) => download(filename, png), 'image/png');
  };
  img.src = url;
}
