// The chipgraph dashboard: five views over the public GraphQL API and the
// chokepoint reports, nothing else. The whole state of a view is in its URL
// (view, asOf, the dataset version v, and the view's own parameters), so
// every view is a link that can be shared and cited.
import { h, gql, errorBox } from './lib.js';
import * as chokepoints from './chokepoints.js';
import * as dependencies from './dependencies.js';
import * as controls from './controls.js';
import * as access from './access.js';
import * as scenario from './scenario.js';

const views = { chokepoints, dependencies, controls, access, scenario };
const main = document.getElementById('view');
const asOfInput = document.getElementById('asOf');
let dataset = null;
let renders = 0;

function today() {
  return new Date().toISOString().slice(0, 10);
}

function params() {
  return new URLSearchParams(location.search);
}

// href is the link to the dashboard with changes applied to the current
// parameters (null removes one); the as-of date and dataset version are
// always in it.
function href(changes) {
  const p = params();
  for (const [k, v] of Object.entries(changes || {})) {
    if (v === null || v === undefined || v === '') p.delete(k);
    else p.set(k, v);
  }
  if (!p.get('view') || !views[p.get('view')]) p.set('view', 'chokepoints');
  if (!p.get('asOf')) p.set('asOf', today());
  if (dataset) p.set('v', dataset.version);
  // A fixed order keeps links stable.
  const order = ['view', 'asOf', 'v'];
  const keys = [...new Set([...order, ...[...p.keys()].sort()])].filter((k) => p.has(k));
  const q = new URLSearchParams(keys.map((k) => [k, p.get(k)]));
  return '/dashboard?' + q.toString();
}

// go moves to the link href(changes) and renders it; replace keeps the
// browser history entry (for changes that are not a new place, such as
// stamping the version).
function go(changes, replace) {
  const url = href(changes);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function showDataset() {
  const el = document.getElementById('dataset');
  el.textContent = dataset
    ? `dataset ${dataset.version}, current to ${dataset.currentTo || 'n/a'}`
    : '';
  const notice = document.getElementById('notice');
  const linked = params().get('v');
  notice.replaceChildren();
  if (dataset && linked && linked !== dataset.version) {
    notice.append(`This link was made with dataset version ${linked}; this server holds ${dataset.version}, so figures may differ from the ones cited.`);
  }
}

async function render() {
  const p = params();
  const name = views[p.get('view')] ? p.get('view') : 'chokepoints';
  const asOf = p.get('asOf') || today();
  asOfInput.value = asOf;
  for (const a of document.querySelectorAll('#views a')) {
    a.href = href({ view: a.dataset.view });
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.getElementById('permalink').href = location.href;
  document.title = `${name[0].toUpperCase() + name.slice(1)} — chipgraph dashboard`;
  showDataset();

  const seq = ++renders;
  const box = h('section', { 'aria-busy': 'true', 'data-view': name });
  main.replaceChildren(box);
  delete main.dataset.ready;
  try {
    await views[name].render(box, { params: p, asOf, dataset, go, href, current: () => seq === renders });
  } catch (err) {
    box.replaceChildren(errorBox(err));
  }
  box.setAttribute('aria-busy', 'false');
  if (seq !== renders) return;
  main.dataset.ready = name;
  // Time to first render: from the start of navigation to the end of the
  // first view's rendering, in milliseconds (read by the browser tests).
  if (!document.documentElement.dataset.firstRender) {
    performance.mark('chipgraph-first-render');
    document.documentElement.dataset.firstRender = String(Math.round(performance.now()));
  }
}

asOfInput.addEventListener('change', () => {
  if (asOfInput.value) go({ asOf: asOfInput.value });
});
document.getElementById('global').addEventListener('submit', (e) => e.preventDefault());
document.getElementById('views').addEventListener('click', (e) => {
  const a = e.target.closest('a[data-view]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  go({ view: a.dataset.view });
  main.focus();
});
window.addEventListener('popstate', render);

try {
  dataset = (await gql('{ dataset { version currentTo } }')).dataset;
} catch (err) {
  main.replaceChildren(errorBox(err));
}
// Stamp the link with the as-of date and dataset version without losing a
// version the link was made with: the notice compares the two.
const linked = params().get('v');
history.replaceState(null, '', href({}));
if (linked && dataset && linked !== dataset.version) {
  const p = params();
  p.set('v', linked);
  history.replaceState(null, '', '/dashboard?' + p.toString());
}
render();
