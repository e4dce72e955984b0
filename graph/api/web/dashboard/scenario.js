// Scenario: add hypothetical controls and see what changes as of a date —
// items that become infeasible (or feasible) for the targets, and inputs
// whose chokepoint score moves. The controls are in the link (sc=, JSON).
import { h, gql, citation, downloadCSV } from './lib.js';

const QUERY = `query Scenario($controls: [ControlInput!]!, $asOf: Date, $targets: [ID!]) {
  scenario(controls: $controls, asOf: $asOf, targets: $targets) {
    asOf
    controls { id name kind }
    targets { id name }
    newlyInfeasible { item { id name } holder { id name } blockedBy { id name citation url } explanation }
    newlyFeasible { item { id name } holder { id name } explanation }
    chokepointChanges { input { id name } before after delta controls { id name citation url } }
  }
}`;

// The README's example: the Netherlands and Japan cut servicing of the DUV
// immersion scanners SMIC already holds.
const EXAMPLE = [
  { issuer: 'country:NLD', kind: 'servicing-ban', covers: ['input:arf-immersion-lithography-tools'], targets: ['country:CHN'] },
  { issuer: 'country:JPN', kind: 'servicing-ban', covers: ['input:arf-immersion-lithography-tools'], targets: ['country:CHN'] },
];
const KINDS = ['rule', 'entity-listing', 'licence-requirement', 'servicing-ban', 'counter-control', 'customs-block', 'tariff'];

const ids = (s) => s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);

function controlFields(c, i) {
  const f = (name, label, value, attrs) => h('div', { class: 'field' }, h('label', { for: `sc-${i}-${name}` }, label),
    h('input', { type: 'text', id: `sc-${i}-${name}`, name, value: value || '', ...attrs }));
  return h('fieldset', { 'data-control': i },
    h('legend', {}, `Hypothetical control ${i + 1}`),
    h('div', { class: 'row' },
      f('issuer', 'Issuer (country ID)', c.issuer, { required: true, placeholder: 'country:USA' }),
      h('div', { class: 'field' }, h('label', { for: `sc-${i}-kind` }, 'Kind'),
        h('select', { id: `sc-${i}-kind`, name: 'kind' }, KINDS.map((k) => h('option', { value: k, selected: k === (c.kind || 'rule') }, k)))),
      f('covers', 'Covers (IDs, comma-separated)', (c.covers || []).join(', '), { required: true, placeholder: 'input:hbm' }),
      f('targets', 'Targets (IDs, comma-separated)', (c.targets || []).join(', '), { required: true, placeholder: 'country:CHN' }),
      f('effective', 'Effective (YYYY-MM-DD, default: the as-of date)', c.effective, { pattern: '\\d{4}-\\d{2}-\\d{2}' }),
      h('button', { type: 'button', 'data-remove': i }, 'Remove')));
}

function readForm(form) {
  return [...form.querySelectorAll('fieldset[data-control]')].map((fs) => {
    const v = (n) => fs.querySelector(`[name="${n}"]`).value.trim();
    const c = { issuer: v('issuer'), kind: v('kind'), covers: ids(v('covers')), targets: ids(v('targets')) };
    if (v('effective')) c.effective = v('effective');
    return c;
  });
}

export async function render(box, ctx) {
  let controls = EXAMPLE;
  try {
    if (ctx.params.get('sc')) controls = JSON.parse(ctx.params.get('sc'));
  } catch {
    box.append(h('p', { class: 'error', role: 'alert' }, 'The link\'s scenario (sc=) is not valid JSON; showing the example instead.'));
  }
  const targets = ctx.params.get('targets') ?? 'firm:smic';

  const list = h('div', {}, controls.map(controlFields));
  const form = h('form', { id: 'scenario-form' },
    list,
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'sc-add' }, 'Add a control'),
      h('div', { class: 'field' }, h('label', { for: 'sc-targets' }, 'Check feasibility for (IDs, comma-separated; empty: every firm and country named)'),
        h('input', { type: 'text', id: 'sc-targets', value: targets, size: 40 })),
      h('button', { type: 'submit', class: 'primary' }, 'Run the scenario')));
  form.addEventListener('click', (e) => {
    const rm = e.target.closest('[data-remove]');
    if (rm) {
      const current = readForm(form);
      current.splice(Number(rm.dataset.remove), 1);
      list.replaceChildren(...current.map(controlFields));
    }
    if (e.target.id === 'sc-add') {
      const current = readForm(form);
      current.push({ issuer: '', kind: 'rule', covers: [], targets: [] });
      list.replaceChildren(...current.map(controlFields));
      list.querySelector(`#sc-${current.length - 1}-issuer`).focus();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.go({ sc: JSON.stringify(readForm(form)), targets: form.querySelector('#sc-targets').value.trim() });
  });
  box.append(h('h2', {}, `Scenario as of ${ctx.asOf}`), form);

  if (!controls.length) {
    box.append(h('p', {}, 'Add a control to run a scenario.'));
    return;
  }
  const data = await gql(QUERY, { controls, asOf: ctx.asOf, targets: targets ? ids(targets) : null });
  const r = data.scenario;
  const name = (n) => `${n.name} (${n.id})`;
  box.append(h('section', { id: 'scenario-result', 'aria-label': 'Scenario result' },
    h('p', {}, `Checked for ${r.targets.map(name).join(', ') || 'every target'}; hypothetical controls: ${r.controls.map((c) => c.name).join('; ')}.`),
    h('table', {}, h('caption', {}, `Newly infeasible: ${r.newlyInfeasible.length}`),
      h('thead', {}, h('tr', {}, ['Item', 'Holder', 'Blocked by', 'Why'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, r.newlyInfeasible.map((c) => h('tr', {}, h('td', {}, name(c.item)), h('td', {}, name(c.holder)),
        h('td', {}, c.blockedBy.map((e, i) => [i ? '; ' : '', citation(e)])),
        h('td', {}, h('details', {}, h('summary', {}, 'explanation'), h('ul', {}, c.explanation.map((l) => h('li', {}, l))))))))),
    h('table', {}, h('caption', {}, `Newly feasible: ${r.newlyFeasible.length}`),
      h('thead', {}, h('tr', {}, ['Item', 'Holder'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, r.newlyFeasible.map((c) => h('tr', {}, h('td', {}, name(c.item)), h('td', {}, name(c.holder)))))),
    h('table', {}, h('caption', {}, `Chokepoint scores that change: ${r.chokepointChanges.length}`),
      h('thead', {}, h('tr', {}, ['Input', 'Before', 'After', 'Change', 'Controls'].map((c, i) => h('th', { scope: 'col', class: i && i < 4 ? 'num' : null }, c)))),
      h('tbody', {}, r.chokepointChanges.map((c) => h('tr', {}, h('td', {}, name(c.input)),
        h('td', { class: 'num' }, c.before.toFixed(4)), h('td', { class: 'num' }, c.after.toFixed(4)),
        h('td', { class: 'num' }, (c.delta > 0 ? '+' : '') + c.delta.toFixed(4)),
        h('td', {}, c.controls.map((e, i) => [i ? '; ' : '', e.url ? citation(e) : e.name])))))),
    h('button', { type: 'button', onclick: () => downloadCSV(`scenario-${ctx.asOf}.csv`,
      ['change', 'item', 'holder', 'blockedBy', 'before', 'after', 'delta', 'asOf', 'datasetVersion'],
      [...r.newlyInfeasible.map((c) => ['newly-infeasible', c.item.id, c.holder.id, c.blockedBy.map((e) => e.id).join(';'), '', '', '', r.asOf, ctx.dataset ? ctx.dataset.version : '']),
        ...r.newlyFeasible.map((c) => ['newly-feasible', c.item.id, c.holder.id, '', '', '', '', r.asOf, ctx.dataset ? ctx.dataset.version : '']),
        ...r.chokepointChanges.map((c) => ['chokepoint', c.input.id, '', '', c.before, c.after, c.delta, r.asOf, ctx.dataset ? ctx.dataset.version : ''])]) }, 'Download CSV')));
}
