// Access: can each buyer obtain each AI chip as of a date? A matrix of AI
// chips (products of type gpu or ai-accelerator) × buyers (countries and
// chosen firms), coloured by Query.feasibility's status; a cell explains
// itself (controls, licences, the buyer's own government's measures) when
// selected.
import { h, gql, picker, citation, downloadCSV, STATUS, statusLegend } from './lib.js';

const DEFAULT_BUYERS = 'country:CHN,country:IND,firm:huawei,firm:bytedance,firm:alibaba';
const CHIPS = `query Chips {
  gpu: products(where: {type: "gpu"}, first: 500) { nodes { id name maker { name } } }
  ai: products(where: {type: "ai-accelerator"}, first: 500) { nodes { id name maker { name } } }
}`;
const CELL = `status feasible explanation
  blockedBy { id name citation url }
  licences { status policy conditions control { id name citation url } grant { id name citation url } }
  buyerMeasures { binding event { id name citation url } }
  observed { evidenced routes strength direct { id name route evidence sources { title url grade } } }`;
// Each feasibility answer costs about 1,600 of the server's complexity
// budget of 50,000; 25 cells a request stays inside it.
const BATCH = 25;

async function feasibility(cells, asOf) {
  const out = [];
  for (let i = 0; i < cells.length; i += BATCH) {
    const part = cells.slice(i, i + BATCH);
    const vars = { asOf };
    const decl = ['$asOf: Date'];
    const fields = part.map((c, j) => {
      vars['i' + j] = c.item;
      vars['f' + j] = c.buyer;
      decl.push(`$i${j}: ID!`, `$f${j}: ID!`);
      return `c${j}: feasibility(item: $i${j}, for: $f${j}, asOf: $asOf) { ${CELL} }`;
    });
    const data = await gql(`query Access(${decl.join(', ')}) { ${fields.join('\n')} }`, vars);
    part.forEach((c, j) => out.push(data['c' + j]));
  }
  return out;
}

// named is an event's name, then its citation linked to its official text
// when it has one.
function named(ev) {
  return [ev.name, ev.citation || ev.url ? [' — ', citation(ev, 'official text')] : null];
}

function explain(answer, chip, buyer, asOf) {
  const s = STATUS[answer.status];
  return [
    h('h3', {}, `${chip.name} for ${buyer.name}, ${asOf}: ${s.mark} ${s.label}`),
    answer.blockedBy.length ? h('p', {}, 'Blocked by: ', answer.blockedBy.map((e, i) => [i ? '; ' : '', named(e)])) : null,
    answer.licences.length ? h('div', {}, h('p', {}, 'Licences:'), h('ul', {}, answer.licences.map((l) => h('li', {},
      citation(l.control), l.policy ? ` (policy: ${l.policy})` : '', l.grant ? [' — granted by ', citation(l.grant)] : ' — none granted',
      l.conditions.length ? `; conditions: ${l.conditions.join('; ')}` : '')))) : null,
    answer.buyerMeasures.length ? h('div', {}, h('p', {}, "Measures of the buyer's own government:"), h('ul', {}, answer.buyerMeasures.map((m) => h('li', {},
      named(m.event), m.binding ? ' (binding)' : ' (guidance, not binding)')))) : null,
    answer.observed.evidenced ? h('div', { class: 'observed' }, h('p', {},
      `Observed nevertheless (the fact beside the law; routes: ${answer.observed.routes.join(', ')}):`),
    h('ul', {}, answer.observed.direct.map((o) => h('li', {}, `${o.name} — ${o.route}, evidence: ${o.evidence}; `,
      o.sources.map((src, i) => [i ? '; ' : '', src.url ? h('a', { href: src.url, rel: 'noreferrer' }, src.title) : src.title,
        src.grade ? ` (${src.grade})` : '']))))) : null,
    h('div', { class: 'explain' }, h('p', {}, 'Explanation:'), h('ul', {}, answer.explanation.map((line) => h('li', {}, h('pre', {}, line))))),
  ];
}

export async function render(box, ctx) {
  const buyers = (ctx.params.get('for') || DEFAULT_BUYERS).split(',').map((s) => s.trim()).filter(Boolean);
  const chipData = await gql(CHIPS);
  const chips = [...chipData.gpu.nodes, ...chipData.ai.nodes].sort((a, b) =>
    (a.maker ? a.maker.name : '').localeCompare(b.maker ? b.maker.name : '') || a.name.localeCompare(b.name));
  const buyerNodes = await Promise.all(buyers.map(async (id) => {
    const d = await gql('query Buyer($id: ID!) { node(id: $id) { id name __typename } }', { id });
    if (!d.node) throw new Error(`no node ${id}`);
    return d.node;
  }));

  const remove = (id) => ctx.go({ for: buyers.filter((b) => b !== id).join(',') || null });
  box.append(h('h2', {}, `Access to AI chips as of ${ctx.asOf}`),
    h('div', { class: 'controls' },
      picker({ id: 'buyer', label: 'Add a buyer (country or firm)', types: ['Country', 'Firm'],
        onpick: (v) => v && !buyers.includes(v) && ctx.go({ for: [...buyers, v].join(',') }) }),
      h('span', {}, 'Buyers: ', buyerNodes.map((b) => h('button', { type: 'button', class: 'tag', 'aria-label': `Remove ${b.name}`, onclick: () => remove(b.id) }, b.name, ' ✕')))),
    statusLegend());

  const cells = [];
  for (const c of chips) for (const b of buyerNodes) cells.push({ item: c.id, buyer: b.id });
  const answers = await feasibility(cells, ctx.asOf);
  const at = (i, j) => answers[i * buyerNodes.length + j];

  const details = h('div', { class: 'panel', id: 'access-details', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Select a cell to see why.'));
  let pressed = null;
  const table = h('table', { class: 'matrix', id: 'access' },
    h('caption', {}, `Can the buyer obtain the chip on ${ctx.asOf}? (${chips.length} chips × ${buyerNodes.length} buyers)`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Chip'), buyerNodes.map((b) => h('th', { scope: 'col' }, b.name)))),
    h('tbody', {}, chips.map((c, i) => h('tr', {},
      h('th', { scope: 'row' }, c.name, c.maker ? h('div', { class: 'muted' }, c.maker.name) : null),
      buyerNodes.map((b, j) => {
        const a = at(i, j);
        const s = STATUS[a.status];
        const btn = h('button', { type: 'button', class: 'cell st-' + a.status, 'aria-pressed': 'false',
          dataset: { item: c.id, for: b.id, status: a.status },
          'aria-label': `${c.name} for ${b.name}: ${s.label}${a.observed.evidenced ? ', observed nevertheless' : ''}` },
        `${s.mark} ${s.label}`, a.observed.evidenced ? h('span', { class: 'observed-mark', title: 'observed nevertheless' }, ' · observed') : null);
        btn.addEventListener('click', () => {
          if (pressed) pressed.setAttribute('aria-pressed', 'false');
          pressed = btn;
          btn.setAttribute('aria-pressed', 'true');
          details.replaceChildren(...explain(a, c, b, ctx.asOf).filter(Boolean));
        });
        return h('td', {}, btn);
      })))));

  const csv = h('button', { type: 'button', onclick: () => downloadCSV(`access-${ctx.asOf}.csv`,
    ['item', 'itemName', 'buyer', 'buyerName', 'asOf', 'status', 'blockedBy', 'licences', 'buyerMeasures', 'observed', 'observations', 'datasetVersion'],
    cells.map((cell, k) => {
      const a = answers[k];
      const c = chips[Math.floor(k / buyerNodes.length)], b = buyerNodes[k % buyerNodes.length];
      return [c.id, c.name, b.id, b.name, ctx.asOf, a.status, a.blockedBy.map((e) => e.id).join(';'),
        a.licences.map((l) => l.control.id + (l.grant ? '>' + l.grant.id : '')).join(';'),
        a.buyerMeasures.map((m) => m.event.id).join(';'), String(a.observed.evidenced),
        a.observed.direct.map((o) => o.id).join(';'), ctx.dataset ? ctx.dataset.version : ''];
    })) }, 'Download CSV');
  box.append(h('div', { class: 'controls' }, csv), h('div', { class: 'split' }, h('div', { class: 'scroll' }, table), details));
}
