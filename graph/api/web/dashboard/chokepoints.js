// Chokepoints: inputs ranked by chokepoint score as of a date, whole graph
// or upstream of one item, as a bar chart and a table; CSV from the report.
import { h, svg, gql, picker, sourceLinks, citation, downloadSVGAsPNG } from './lib.js';

const QUERY = `query Chokepoints($of: ID, $asOf: Date, $first: Int) {
  chokepoints(of: $of, asOf: $asOf, first: $first) {
    input { id name }
    score hhi countryHHI countryDerived
    topSupplier { id name } topShare topCountry { id name } topCountryShare
    lowerBound lowerBoundReason shareYear supplierCount dependents exposed alternatives
    controls { id name citation url }
    shareSources { id title url grade }
  }
}`;

function fmt(v, digits) {
  return v === null || v === undefined ? '—' : Number(v).toLocaleString('en', { maximumFractionDigits: digits });
}

function chart(rows) {
  const top = rows.slice(0, 20);
  const max = Math.max(...top.map((r) => r.score), 1e-9);
  const left = 230, width = 620, bar = 18, gap = 5;
  const height = top.length * (bar + gap) + 24;
  return svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, width, role: 'img',
    'aria-label': `Bar chart of the ${top.length} highest chokepoint scores; the table below gives the same figures.` },
  top.map((r, i) => {
    const y = i * (bar + gap);
    const w = Math.max(1, (r.score / max) * (width - left - 60));
    const name = r.input.name.length > 34 ? r.input.name.slice(0, 33) + '…' : r.input.name;
    return svg('g', {},
      svg('title', {}, `${r.input.name}: score ${fmt(r.score, 4)}${r.controls.length ? ', under control' : ''}`),
      svg('text', { x: left - 6, y: y + bar - 5, 'text-anchor': 'end' }, name),
      svg('rect', { class: 'bar' + (r.controls.length ? ' controlled' : ''), x: left, y, width: w, height: bar, fill: r.controls.length ? '#D55E00' : '#0072B2' }),
      svg('text', { x: left + w + 4, y: y + bar - 5 }, fmt(r.score, 3) + (r.controls.length ? ' ⚑' : '')));
  }),
  svg('text', { x: left, y: height - 6, class: 'muted' }, 'score (see the schema for its formula)'));
}

const KNOCKOUTS = `query Knockouts($of: ID!, $asOf: Date, $ignore: Boolean) {
  knockouts(of: $of, asOf: $asOf, ignoreControls: $ignore) {
    holder { id name } feasible ignoreControls rule
    firms { ...K } countries { ...K }
  }
}
fragment K on Knockout {
  removed { id name } share shareOf { id name } takesDown { id name } alternativeAlsoDominated
}`;

// critical renders the single firms and countries whose removal makes the
// item infeasible (Query.knockouts), as two tables.
function critical(k, of, legal) {
  const table = (title, rows) => h('div', { class: 'scroll' }, h('table', { class: 'knockouts' },
    h('caption', {}, `${rows.length} ${title}`),
    h('thead', {}, h('tr', {}, ['Removed', 'Share', 'Of', 'Takes down', 'Both OR-alternatives'].map((c, i) =>
      h('th', { scope: 'col', class: i === 1 ? 'num' : null }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      h('td', {}, r.removed.map((n) => n.name).join(', '), h('div', { class: 'muted' }, r.removed.map((n) => n.id).join(', '))),
      h('td', { class: 'num' }, fmt(r.share, 1)),
      h('td', {}, r.shareOf ? r.shareOf.name : '—'),
      h('td', {}, r.takesDown.map((n) => n.name).join('; ') || '—'),
      h('td', {}, r.alternativeAlsoDominated ? 'yes' : 'no'))))));
  if (!k.feasible) {
    return h('section', { class: 'critical' }, h('h3', {}, 'Critical suppliers'),
      h('p', {}, `${k.holder ? k.holder.name : 'The buyer'} cannot obtain ${of} on this day even with the controls set aside, so there is nothing to knock out.`));
  }
  return h('section', { class: 'critical' },
    h('h3', {}, `Critical suppliers of ${of}`, k.holder ? ` for ${k.holder.name}` : ''),
    k.ignoreControls && !legal.feasible ? h('p', { class: 'notice' },
      `Under the controls in force on this day ${k.holder ? k.holder.name : 'the buyer'} cannot obtain it at all (legal answer: blocked); `
      + 'the tables below test the physical supply chain with the controls set aside.') : null,
    h('p', { class: 'muted' }, k.rule),
    table('firms whose removal makes it infeasible', k.firms),
    table('countries whose removal makes it infeasible', k.countries));
}

export async function render(box, ctx) {
  const of = ctx.params.get('of') || '';
  const first = ctx.params.get('first') || '20';
  const report = new URLSearchParams({ asOf: ctx.asOf });
  if (of) report.set('of', of);
  report.set('first', first);

  box.append(h('h2', {}, 'Chokepoints', of ? ` upstream of ${of}` : ' in the whole graph', `, as of ${ctx.asOf}`),
    h('div', { class: 'controls' },
      picker({ id: 'of', label: 'Upstream of (product, input, fab or firm; empty: whole graph)', value: of,
        onpick: (v) => ctx.go({ of: v }) }),
      h('div', { class: 'field' }, h('label', { for: 'first' }, 'Rows'),
        h('select', { id: 'first', onchange: (e) => ctx.go({ first: e.target.value }) },
          ['10', '20', '50', '100', '500'].map((n) => h('option', { value: n, selected: n === first }, n)))),
      h('a', { href: '/reports/chokepoints.csv?' + report, download: true }, 'Download CSV'),
      h('a', { href: '/reports/chokepoints.json?' + report }, 'JSON report')));

  const data = await gql(QUERY, { of: of || null, asOf: ctx.asOf, first: Number(first) });
  const rows = data.chokepoints;
  if (!rows.length) {
    box.append(h('p', {}, 'No inputs ranked.'));
    return;
  }
  box.append(
    h('div', { class: 'legend' },
      h("span", {}, h("span", { class: "swatch swatch-blue", "aria-hidden": "true" }), "not under an active control"),
      h('span', {}, h('span', { class: 'swatch swatch-vermillion', 'aria-hidden': 'true' }), '⚑ under an active control on ' + ctx.asOf)),
    chart(rows),
    h('div', { class: 'controls' }, h('button', { type: 'button', onclick: (e) => downloadSVGAsPNG(`chokepoints-${ctx.asOf}${of ? '-' + of.replace(/[^a-z0-9-]+/gi, '_') : ''}.png`,
      e.target.closest('section').querySelector('svg.chart')) }, 'Download chart (PNG)')),
    h('div', { class: 'scroll' }, h('table', { class: 'ranking' },
      h('caption', {}, `${rows.length} inputs by chokepoint score`),
      h('thead', {}, h('tr', {},
        ['#', 'Input', 'Score', 'Firm HHI', 'Country HHI', 'Top supplier', 'Top country', 'Suppliers', 'Exposed', 'Active controls', 'Share sources']
          .map((c, i) => h('th', { scope: 'col', class: [2, 3, 4, 7, 8].includes(i) ? 'num' : null }, c)))),
      h('tbody', {}, rows.map((r, i) => h('tr', {},
        h('td', { class: 'num' }, i + 1),
        h('td', {}, h('a', { href: ctx.href({ view: 'dependencies', item: r.input.id }), title: 'Which items depend on it: open the dependency view' }, r.input.name),
          h('div', { class: 'muted' }, r.input.id)),
        h('td', { class: 'num' }, fmt(r.score, 4)),
        h('td', { class: 'num' }, fmt(r.hhi, 0), r.lowerBound ? h('span', { title: r.lowerBoundReason || 'a lower bound' }, ' ≥') : null),
        h('td', { class: 'num' }, fmt(r.countryHHI, 0), r.countryDerived ? h('span', { title: 'derived from firm shares' }, ' *') : null),
        h('td', {}, r.topSupplier ? `${r.topSupplier.name} ${fmt(r.topShare, 1)}%` : '—', r.shareYear ? h('span', { class: 'muted' }, ` (${r.shareYear})`) : null),
        h('td', {}, r.topCountry ? `${r.topCountry.name} ${fmt(r.topCountryShare, 1)}%` : '—'),
        h('td', { class: 'num' }, r.supplierCount),
        h('td', { class: 'num' }, r.exposed),
        h('td', {}, r.controls.length ? r.controls.map((c, j) => [j ? '; ' : '', citation(c)]) : '—'),
        h('td', {}, sourceLinks(r.shareSources))))))));
  if (of) {
    const legal = (await gql(KNOCKOUTS, { of, asOf: ctx.asOf, ignore: false })).knockouts;
    const k = legal.feasible ? legal : (await gql(KNOCKOUTS, { of, asOf: ctx.asOf, ignore: true })).knockouts;
    box.append(critical(k, of, legal));
  }
}
