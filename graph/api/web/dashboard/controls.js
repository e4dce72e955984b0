// Controls: a timeline of control events, filterable by issuer, kind and
// target, each linked to its citation, with suspensions, rescissions and
// licence grants shown beside the events they change; CSV of what is shown.
import { h, svg, gql, sourceLinks, citation, downloadCSV, downloadSVGAsPNG } from './lib.js';

const QUERY = `query Controls($after: String) {
  controlEvents(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id name date effective expires rescinded kind authority licencePolicy conditions buyerSide binding citation url
      issuer { id name } targets { id name } covers { id name }
      rescindedBy { id name date } licensedBy { id name date } licenses { id name }
      suspends { suspended { id name } from until } suspendedBy { by { id name citation url } from until }
      sources { id title url grade } }
  }
}`;

// Kinds that lift or ease a control, drawn apart from those that impose one.
const RELIEF = new Set(['suspension', 'rescission', 'licence-grant']);
const CONTEXT = new Set(['industry-event', 'funding']);

function category(ev) {
  if (RELIEF.has(ev.kind)) return { name: 'relief (suspension, rescission, licence grant)', colour: '#009E73', shape: 'square' };
  if (CONTEXT.has(ev.kind)) return { name: 'context (industry event, funding)', colour: '#999999', shape: 'diamond' };
  return { name: 'control (rule, listing, licence requirement, counter-control, …)', colour: '#D55E00', shape: 'circle' };
}

async function allEvents() {
  const out = [];
  let after = null;
  for (;;) {
    const page = (await gql(QUERY, { after })).controlEvents;
    out.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

function select(id, label, value, options, onchange) {
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, onchange: (e) => onchange(e.target.value) },
      h('option', { value: '' }, 'any'),
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

function timeline(events, asOf) {
  const issuers = [...new Set(events.map((e) => (e.issuer ? e.issuer.name : 'unknown')))].sort();
  const years = events.map((e) => Number(e.date.slice(0, 4)));
  const y0 = Math.min(...years, Number(asOf.slice(0, 4)));
  const y1 = Math.max(...years, Number(asOf.slice(0, 4))) + 1;
  const left = 150, width = 1000, lane = 26, top = 10;
  const height = top + issuers.length * lane + 30;
  const t = (d) => {
    const ms = Date.parse(d + 'T00:00:00Z');
    const a = Date.UTC(y0, 0, 1), b = Date.UTC(y1, 0, 1);
    return left + ((ms - a) / (b - a)) * (width - left - 70);
  };
  const marks = [];
  for (let y = y0; y <= y1; y++) {
    marks.push(svg('line', { x1: t(`${y}-01-01`), x2: t(`${y}-01-01`), y1: top, y2: height - 22, stroke: '#ddd' }),
      svg('text', { x: t(`${y}-01-01`), y: height - 8, 'text-anchor': 'middle' }, y));
  }
  issuers.forEach((name, i) => marks.push(svg('text', { x: left - 8, y: top + i * lane + lane / 2 + 4, 'text-anchor': 'end' }, name)));
  marks.push(svg('line', { x1: t(asOf), x2: t(asOf), y1: top, y2: height - 22, stroke: '#000', 'stroke-dasharray': '4 3' }),
    svg('text', { x: t(asOf) + 3, y: height - 24 }, `as of ${asOf}`));
  for (const ev of events) {
    const i = issuers.indexOf(ev.issuer ? ev.issuer.name : 'unknown');
    const x = t(ev.date), y = top + i * lane + lane / 2;
    const c = category(ev);
    const shape = c.shape === 'square'
      ? svg('rect', { x: x - 5, y: y - 5, width: 10, height: 10, fill: c.colour, stroke: '#000', 'stroke-width': 0.5 })
      : c.shape === 'diamond'
        ? svg('path', { d: `M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z`, fill: c.colour, stroke: '#000', 'stroke-width': 0.5 })
        : svg('circle', { cx: x, cy: y, r: 5.5, fill: c.colour, 'fill-opacity': 0.85, stroke: '#000', 'stroke-width': 0.5 });
    marks.push(svg('a', { href: '#' + rowID(ev.id), 'aria-label': `${ev.date} ${ev.name}` }, svg('title', {}, `${ev.date} ${ev.name} (${ev.kind})`), shape));
  }
  return svg('svg', { class: 'timeline', viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': 'Timeline of the control events listed below, one lane per issuer' }, marks);
}

function rowID(id) {
  return 'ev-' + id.replace(/[^a-z0-9-]+/gi, '_');
}

function tags(ev) {
  const out = [];
  if (ev.licencePolicy) out.push(h('span', { class: 'tag' }, `licence policy: ${ev.licencePolicy}`));
  for (const s of ev.suspendedBy) out.push(h('span', { class: 'tag suspended' }, `suspended ${s.from || ''}–${s.until || ''} by `, citation(s.by)));
  for (const s of ev.suspends) out.push(h('span', { class: 'tag suspended' }, `suspends ${s.suspended.name} ${s.from || ''}–${s.until || ''}`));
  for (const g of ev.licensedBy) out.push(h('span', { class: 'tag grant' }, `licences granted ${g.date}: ${g.name}`));
  for (const l of ev.licenses) out.push(h('span', { class: 'tag grant' }, `grants licences under ${l.name}`));
  if (ev.rescinded) out.push(h('span', { class: 'tag rescinded' }, `rescinded ${ev.rescinded}`));
  if (ev.expires) out.push(h('span', { class: 'tag' }, `expires ${ev.expires}`));
  if (ev.buyerSide) out.push(h('span', { class: 'tag' }, ev.binding ? 'buyer-side, binding' : 'buyer-side guidance, not binding'));
  for (const c of ev.conditions) out.push(h('span', { class: 'tag' }, `condition: ${c}`));
  return out;
}

export async function render(box, ctx) {
  const issuer = ctx.params.get('issuer') || '';
  const kind = ctx.params.get('kind') || '';
  const target = ctx.params.get('target') || '';
  const all = (await allEvents()).sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));

  const issuers = new Map(), kinds = new Set(), targets = new Map();
  for (const ev of all) {
    if (ev.issuer) issuers.set(ev.issuer.id, ev.issuer.name);
    kinds.add(ev.kind);
    for (const t of ev.targets) targets.set(t.id, t.name);
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const shown = all.filter((ev) => (!issuer || (ev.issuer && ev.issuer.id === issuer)) && (!kind || ev.kind === kind) &&
    (!target || ev.targets.some((t) => t.id === target)));

  const csv = h('button', { type: 'button', onclick: () => downloadCSV(`control-events-${ctx.asOf}.csv`,
    ['id', 'date', 'effective', 'expires', 'rescinded', 'issuer', 'kind', 'name', 'citation', 'url', 'licencePolicy', 'targets', 'suspendedBy', 'licensedBy', 'sources', 'datasetVersion'],
    shown.map((ev) => [ev.id, ev.date, ev.effective, ev.expires, ev.rescinded, ev.issuer && ev.issuer.id, ev.kind, ev.name, ev.citation, ev.url, ev.licencePolicy,
      ev.targets.map((t) => t.id).join(';'), ev.suspendedBy.map((s) => s.by.id).join(';'), ev.licensedBy.map((g) => g.id).join(';'),
      ev.sources.map((s) => s.id).join(';'), ctx.dataset ? ctx.dataset.version : ''])) }, 'Download CSV');

  const cats = new Map(all.map((ev) => [category(ev).name, category(ev)]));
  box.append(h('h2', {}, 'Controls timeline'),
    h('div', { class: 'controls' },
      select('issuer', 'Issuer', issuer, sorted(issuers), (v) => ctx.go({ issuer: v })),
      select('kind', 'Kind', kind, [...kinds].sort().map((k) => [k, k]), (v) => ctx.go({ kind: v })),
      select('target', 'Target', target, sorted(targets), (v) => ctx.go({ target: v })),
      csv,
      h('button', { type: 'button', onclick: () => { const t = box.querySelector('svg.timeline'); if (t) downloadSVGAsPNG(`controls-timeline-${ctx.asOf}.png`, t); } }, 'Download timeline (PNG)')),
    h('div', { class: 'legend' }, [...cats.values()].map((c) => h('span', {}, h('span', { class: 'swatch', 'aria-hidden': 'true', 'data-colour': c.colour }), `${c.shape}: ${c.name}`)),
      h('span', {}, '- - - the as-of date')),
    shown.length ? timeline(shown, ctx.asOf) : h('p', {}, 'No control event matches these filters.'),
    h('div', { class: 'scroll' }, h('table', { id: 'events' },
      h('caption', {}, `${shown.length} of ${all.length} control events`),
      h('thead', {}, h('tr', {}, ['Date', 'Effective', 'Issuer', 'Kind', 'Event and citation', 'Targets', 'Changes and terms', 'Sources'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, shown.map((ev) => h('tr', { id: rowID(ev.id), class: ev.date > ctx.asOf ? 'muted' : null },
        h('td', {}, ev.date), h('td', {}, ev.effective || ''), h('td', {}, ev.issuer ? ev.issuer.name : ''), h('td', {}, ev.kind),
        h('td', {}, ev.name, ev.citation || ev.url ? [h('br'), citation(ev, 'official text')] : null),
        h('td', {}, ev.targets.map((t, i) => [i ? ', ' : '', h('a', { href: ctx.href({ view: 'controls', target: t.id }) }, t.name)])),
        h('td', {}, tags(ev)),
        h('td', {}, sourceLinks(ev.sources))))))));
  for (const s of box.querySelectorAll('[data-colour]')) s.style.background = s.dataset.colour;
}
