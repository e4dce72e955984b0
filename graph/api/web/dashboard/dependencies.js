// Dependencies: everything one item depends on, as a layered graph
// (Cytoscape.js, breadth-first layout from the item) and as a table by
// tier. OR-groups (alternatives) are dashed; nodes under a control in force
// on the as-of date, and the edges into them, are drawn in vermillion.
import cytoscape from '/assets/vendor/cytoscape@3.35.0/dist/cytoscape.esm.min.mjs';
import { h, gql, picker, sourceLinks, citation, download } from './lib.js';

const ACTIVE = 'activeControls(asOf: $asOf) { event { id name citation url kind } reach via }';
const QUERY = `query Upstream($of: ID!, $asOf: Date, $depth: Int) {
  root: node(id: $of) { __typename id name
    ... on Product { ${ACTIVE} } ... on Input { ${ACTIVE} } ... on Firm { ${ACTIVE} } ... on Fab { ${ACTIVE} } }
  upstream(of: $of, asOf: $asOf, maxDepth: $depth) {
    tier
    node { __typename id name sources { id title url grade }
      ... on Product { ${ACTIVE} } ... on Input { ${ACTIVE} } ... on Firm { ${ACTIVE} } ... on Fab { ${ACTIVE} } }
    via { from { id } to { id } kind group share }
  }
}`;

// Okabe–Ito colours by node type.
const COLOURS = { Product: '#000000', Input: '#0072B2', Firm: '#CC79A7', Fab: '#E69F00', Country: '#009E73' };
const CONTROLLED = '#D55E00';

export async function render(box, ctx) {
  const item = ctx.params.get('item') || 'product:ascend-910c';
  const depth = ctx.params.get('depth') || '8';
  box.append(h('h2', {}, 'Dependencies of ', h('span', { id: 'dep-root' }, item), `, as of ${ctx.asOf}`),
    h('div', { class: 'controls' },
      picker({ id: 'item', label: 'Item (product, input, fab or firm)', value: item, onpick: (v) => v && ctx.go({ item: v }) }),
      h('div', { class: 'field' }, h('label', { for: 'depth' }, 'Tiers'),
        h('select', { id: 'depth', onchange: (e) => ctx.go({ depth: e.target.value }) },
          ['1', '2', '3', '4', '6', '8', '12'].map((n) => h('option', { value: n, selected: n === depth }, n))))));

  const data = await gql(QUERY, { of: item, asOf: ctx.asOf, depth: Number(depth) });
  const root = data.root;
  if (!root) throw new Error(`no node ${item}`);
  box.querySelector('#dep-root').textContent = `${root.name} (${root.id})`;
  const items = data.upstream;
  const controlled = new Set(items.filter((u) => u.node.activeControls && u.node.activeControls.length).map((u) => u.node.id));
  if (root.activeControls && root.activeControls.length) controlled.add(root.id);

  const elements = [{ data: { id: root.id, label: root.name, type: root.__typename, controlled: controlled.has(root.id) ? 1 : 0 } }];
  const edges = new Map();
  for (const u of items) {
    elements.push({ data: { id: u.node.id, label: u.node.name, type: u.node.__typename, controlled: controlled.has(u.node.id) ? 1 : 0 } });
    for (const e of u.via) {
      const id = `${e.from.id}>${e.to.id}>${e.kind}`;
      if (edges.has(id)) continue;
      edges.set(id, e);
      elements.push({ data: { id, source: e.from.id, target: e.to.id, kind: e.kind, group: e.group || '',
        label: e.group ? `OR ${e.group}` : '', controlled: controlled.has(e.to.id) ? 1 : 0 } });
    }
  }

  const details = h('div', { class: 'panel', id: 'dep-details', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Select a node in the graph or the table to see why it is there, its controls and its sources.'));
  const graph = h('div', { id: 'graph', role: 'img', 'aria-label': `Layered graph of the ${items.length} items ${root.name} depends on; the table beside it lists them.` });
  const pngButton = h('button', { type: 'button' }, 'Download PNG');
  const byID = new Map(items.map((u) => [u.node.id, u]));

  const legend = h('div', { class: 'legend' },
    Object.entries(COLOURS).map(([t, c]) => h('span', {}, h('span', { class: 'swatch', 'aria-hidden': 'true', 'data-colour': c }), t)),
    h('span', {}, h('span', { class: 'swatch swatch-vermillion', 'aria-hidden': 'true' }), '⚑ under a control in force (thick outline; edges into it)'),
    h('span', {}, '- - - dashed edge: one of an OR-group of alternatives'));
  for (const s of legend.querySelectorAll('[data-colour]')) s.style.background = s.dataset.colour;

  const rows = items.map((u) => h('tr', {},
    h('td', { class: 'num' }, u.tier),
    h('td', {}, h('button', { type: 'button', class: 'linkish', onclick: () => select(u.node.id) }, (controlled.has(u.node.id) ? '⚑ ' : '') + u.node.name)),
    h('td', {}, u.node.__typename),
    h('td', {}, u.via.map((e, i) => [i ? '; ' : '', e.kind.toLowerCase(), e.group ? ` (OR ${e.group})` : '', ' from ', e.from.id]))));
  box.append(legend, h('div', { class: 'split' },
    h('div', {}, graph, h('div', { class: 'controls' }, pngButton, h('span', { class: 'muted' }, `${items.length} items, ${edges.size} edges, ${controlled.size} under a control in force`))),
    h('div', {}, details,
      h('div', { class: 'scroll' }, h('table', { id: 'dep-table' }, h('caption', {}, `What ${root.name} depends on, by tier`),
        h('thead', {}, h('tr', {}, ['Tier', 'Item', 'Type', 'Reached by'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows))))));

  const cy = cytoscape({
    container: graph,
    elements,
    style: [
      { selector: 'node', style: { 'background-color': (n) => COLOURS[n.data('type')] || '#777', label: 'data(label)', 'font-size': 9,
        'text-valign': 'center', 'text-halign': 'right', 'text-margin-x': 3, width: 14, height: 14, 'text-wrap': 'ellipsis', 'text-max-width': 110 } },
      { selector: 'node[controlled = 1]', style: { 'border-width': 4, 'border-color': CONTROLLED, label: (n) => '⚑ ' + n.data('label') } },
      { selector: `node[id = "${root.id.replace(/"/g, '\\"')}"]`, style: { width: 22, height: 22, 'font-weight': 'bold', 'font-size': 11 } },
      { selector: 'edge', style: { width: 1, 'line-color': '#999', 'target-arrow-color': '#999', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.6 } },
      { selector: 'edge[group != ""]', style: { 'line-style': 'dashed', 'line-color': '#CC79A7', 'target-arrow-color': '#CC79A7', label: 'data(label)', 'font-size': 8, 'text-rotation': 'autorotate' } },
      { selector: 'edge[controlled = 1]', style: { 'line-color': CONTROLLED, 'target-arrow-color': CONTROLLED, width: 2 } },
      { selector: ':selected', style: { 'overlay-color': '#000', 'overlay-opacity': 0.25, 'overlay-padding': 4 } },
    ],
    // Breadth-first from the item gives one layer per tier; the layers are
    // turned to run left to right, since a tier holds far more items than
    // there are tiers.
    layout: { name: 'null' },
    wheelSensitivity: 0.3,
  });
  cy.layout({ name: 'breadthfirst', directed: true, roots: [root.id], spacingFactor: 1, animate: false,
      transform: (node, pos) => ({ x: pos.y * 2.2, y: pos.x / 2.2 }) }).run();
  cy.fit(undefined, 12);
  cy.on('tap', 'node', (e) => select(e.target.id()));
  pngButton.addEventListener('click', () => download(`dependencies-${root.id.replace(/[^a-z0-9-]+/gi, '_')}-${ctx.asOf}.png`,
    cy.png({ full: true, bg: '#ffffff', scale: 2 })));

  function select(id) {
    cy.$(':selected').unselect();
    const n = cy.getElementById(id);
    n.select();
    const u = byID.get(id) || { node: root, tier: 0, via: [] };
    const acts = u.node.activeControls || [];
    details.replaceChildren(
      h('h3', {}, u.node.name),
      h('p', {}, h('code', {}, u.node.id), ` — ${u.node.__typename}, tier ${u.tier}`),
      u.via.length ? h('p', {}, 'Reached by: ', u.via.map((e, i) => [i ? '; ' : '', `${e.from.id} —${e.kind.toLowerCase()}${e.group ? ` (OR ${e.group})` : ''}${e.share !== null && e.share !== undefined ? `, ${e.share}%` : ''}→`])) : null,
      h('p', {}, acts.length ? [`Under ${acts.length} control${acts.length > 1 ? 's' : ''} in force on ${ctx.asOf}: `,
        acts.map((a, i) => [i ? '; ' : '', citation(a.event), ` (${a.event.kind}, ${a.reach}${a.via ? ', via ' + a.via : ''})`])] : `No control in force on ${ctx.asOf}.`),
      u.node.sources ? h('p', {}, 'Sources: ', sourceLinks(u.node.sources)) : null,
      h('p', {}, h('a', { href: ctx.href({ view: 'dependencies', item: id }) }, 'Its own dependencies'), ' · ',
        h('a', { href: ctx.href({ view: 'chokepoints', of: id }) }, 'Chokepoints upstream of it')));
  }
}
