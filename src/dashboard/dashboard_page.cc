#include "dashboard/dashboard_page.h"

namespace rungs::dashboard {
namespace {

constexpr std::string_view kPage = R"PAGE(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rungs dashboard</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:#08306b;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
header h1{font-size:18px;margin:0}#conn{font-size:12px;opacity:.8}
nav{padding:8px 16px;border-bottom:1px solid #ddd;display:flex;gap:6px;flex-wrap:wrap}
nav button{border:1px solid #bbb;background:#f4f4f4;padding:4px 10px;cursor:pointer}
nav button.on{background:#2171b5;color:#fff;border-color:#2171b5}
main{padding:8px 16px;max-width:1000px}h2{font-size:16px;margin:22px 0 8px}
.status{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:14px}.status b{font-weight:600}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}.params{display:flex;flex-wrap:wrap;gap:8px}
svg.chart{background:#fff;border:1px solid #ddd;max-width:100%;height:auto}
table{border-collapse:collapse;font-size:13px}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}
#trials th{cursor:pointer;user-select:none}#trials tbody tr{cursor:pointer}#trials tbody tr:hover{background:#eef5fc}
.msg{font-size:13px;color:#555}.bad{color:#b00}#steer{margin:10px 0;display:flex;gap:6px;flex-wrap:wrap;align-items:center}
#steer input{width:80px}#events{font-size:13px;max-height:160px;overflow:auto}
</style></head><body>
<header><h1>rungs dashboard</h1><span id="conn">connecting</span><span id="mode" class="msg"></span></header>
<nav id="tabs"></nav>
<main>
<section id="exp">
 <div id="status" class="status"></div>
 <div id="steer">
  <button data-action="evolve">Evolve now</button>
  <button data-action="stop">Stop starting trials</button>
  <span id="extend"></span>
  <button data-action="extend">Extend budget</button>
  <span id="steerMsg" class="msg"></span>
 </div>
 <h2>Best configuration</h2><div id="best" class="msg">no result yet</div>
 <h2>Search progress</h2><div id="progress"></div>
 <h2>Rung ladder</h2><div class="row"><div id="ladder"></div><table id="rungs"></table></div>
 <h2 id="paramsTitle">Hyperparameters against the metric</h2><div id="params" class="params"></div>
 <h2>Trials</h2>
 <div id="filters" class="msg">rung <select id="fRung"></select> state <select id="fState">
  <option value="">any</option><option>running</option><option>done</option><option>failed</option></select>
  parameter <select id="fParam"></select> from <input id="fMin" size="8"> to <input id="fMax" size="8">
  <span id="fCount"></span></div>
 <table id="trials"><thead></thead><tbody></tbody></table>
 <div id="pager" class="msg"><button id="prev">&lt;</button> <span id="pageNo"></span> <button id="next">&gt;</button>
  <select id="fSize"><option>20</option><option selected>50</option><option>100</option></select> rows a page</div>
 <h2>Learning curve</h2><div id="curve" class="msg">click a trial in the table</div>
 <h2>Events</h2><ul id="events"></ul>
</section>
<section id="cmp" hidden>
 <h2>Compare experiments</h2><div id="cmpPick" class="msg"></div>
 <div id="cmpSeconds"></div><div id="cmpEpochs"></div>
 <h2>Settings</h2><table id="settings"></table>
</section>
</main>
<script>
'use strict';
const token = new URLSearchParams(location.search).get('token') || '';
const $ = id => document.getElementById(id);
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const fmt = v => v == null ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v);
const marks = document.documentElement.dataset;  // what tests and benchmarks wait for
// exps: the experiments (GET /api/experiments); overviews: their counters,
// rung ladder, best trial and events, from the event stream's snapshot and
// deltas. The charts, the trials table and a learning curve are the
// server's, fetched again when results arrive, at most once a second.
let exps = [], overviews = [], current = 0, view = 'exp';
const table = {key: 'trial', dir: 1, page: 0};
let chartsDue = [], tableDue = true, curveTrial = null, curveDue = false;

function eta(x) {
  const o = overviews[x], e = exps[x];
  if (o.finished) return 'finished';
  if (!e || !e.budget || o.t <= 0) return '?';
  const left = [];
  if (e.budget.seconds > 0) left.push(e.budget.seconds - o.t);
  if (e.budget.epochs > 0 && o.epochs > 0) left.push((e.budget.epochs - o.epochs) * o.t / o.epochs);
  if (e.budget.trials > 0 && o.trials > 0) left.push((e.budget.trials - o.trials) * o.t / o.trials);
  if (!left.length) return '?';
  return Math.max(0, Math.min(...left)).toFixed(0) + ' s';
}

function renderStatus() {
  const o = overviews[current], e = exps[current] || {}, b = o.best;
  const price = e.price_per_gb_second || 0;
  const items = [['experiment', e.name], ['scheduler', e.scheduler || ''], ['trials', o.trials],
    ['jobs', o.jobs], ['running', o.running], ['results', o.results],
    ['epochs trained', o.epochs], ['elapsed', o.t.toFixed(1) + ' s'], ['ETA', eta(current)],
    ['best ' + (e.metric || 'metric'), b ? fmt(b.m) + ' (trial ' + b.trial + ', ' + b.ep + ' ep)' : '-']];
  if (o.gb > 0) items.push(['cost', o.gb.toFixed(1) + ' GB-s, $' + (o.gb * price).toFixed(4)]);
  if (o.error) items.push(['error', o.error]);
  $('status').innerHTML = items.map(([k, v]) => '<span><b>' + esc(k) + '</b> ' + esc(v) + '</span>').join('');
  $('status').dataset.results = o.results;
  $('status').dataset.trials = o.trials;
  if (b) {
    const files = (e.files || []).filter(f => f === 'best.bin' || f === 'best.toml');
    $('best').innerHTML = '<table>' + Object.entries(b.c).map(([k, v]) =>
      '<tr><th>' + esc(k) + '</th><td>' + esc(fmt(v)) + '</td></tr>').join('') + '</table>' +
      files.map(f => '<a download href="/api/file?x=' + current + '&name=' + f + '">' + f + '</a>').join(' ') +
      (files.length ? '' : '<span class="msg">best.bin/best.toml are written when the run ends</span>');
  } else $('best').textContent = 'no result yet';
  $('rungs').innerHTML = '<tr><th>rung</th><th>epochs</th><th>finished</th><th>running</th></tr>' +
    o.rungs.map((c, i) => c.ep ? '<tr><td>' + i + '</td><td>' + c.ep + '</td><td>' + c.done + '</td><td>' + c.running + '</td></tr>' : '').join('');
  $('events').innerHTML = o.events.slice().reverse().map(ev =>
    '<li>' + ev.t.toFixed(1) + ' s: ' + esc(ev.event) + ' ' + esc(ev.detail) + '</li>').join('');
}

// The table is a page the server filtered and sorted (GET /api/trials).
let tableAsked = 0, tableDrawn = 0;
async function loadTable() {
  tableDue = false;
  const x = current, e = exps[x] || {};
  const q = new URLSearchParams({x, sort: table.key, dir: table.dir > 0 ? 'asc' : 'desc',
                                 page: table.page, size: $('fSize').value});
  if ($('fRung').value !== '') q.set('rung', $('fRung').value);
  if ($('fState').value !== '') q.set('state', $('fState').value);
  if ($('fParam').value !== '') {
    q.set('param', $('fParam').value);
    if ($('fMin').value.trim() !== '') q.set('min', $('fMin').value.trim());
    if ($('fMax').value.trim() !== '') q.set('max', $('fMax').value.trim());
  }
  const asked = ++tableAsked;
  let res, body;
  try {
    res = await fetch('/api/trials?' + q);
    body = await res.json();
  } catch (err) { tableDue = true; return; }
  if (asked !== tableAsked || x !== current) return;  // a later request took its place
  $('fCount').className = res.ok ? '' : 'bad';
  if (!res.ok) { $('fCount').textContent = body.error; return; }
  table.page = body.page;
  const params = (e.params || []).map(p => p.name);
  const cols = ['trial', 'state', 'rung', 'epochs', 'metric', ...params];
  $('trials').tHead.innerHTML = '<tr>' + cols.map(c => '<th data-key="' + esc(c) + '">' + esc(c) +
    (table.key === c ? (table.dir > 0 ? ' &#9650;' : ' &#9660;') : '') + '</th>').join('') + '</tr>';
  $('trials').tBodies[0].innerHTML = body.rows.map(r => '<tr data-trial="' + r.trial + '"><td>' + r.trial +
    '</td><td>' + r.state + '</td><td>' + r.rung + '</td><td>' + r.ep + '</td><td>' + esc(fmt(r.m)) +
    '</td>' + params.map(p => '<td>' + esc(fmt(r.c[p])) + '</td>').join('') + '</tr>').join('');
  $('pageNo').textContent = 'page ' + (body.page + 1) + ' of ' + Math.max(1, Math.ceil(body.matched / body.size));
  $('fCount').textContent = body.matched + ' of ' + body.trials + ' trials';
  marks.tableDrawn = ++tableDrawn;
}

let filtersFor = '';
function fillFilters() {
  const e = exps[current] || {}, o = overviews[current];
  const key = current + ' ' + o.rungs.length + ' ' + (e.params || []).length;
  if (key === filtersFor) return;
  filtersFor = key;
  const rungs = ['<option value="">any</option>'];
  for (let r = 0; r < o.rungs.length; r++) rungs.push('<option>' + r + '</option>');
  const keep = $('fRung').value;
  $('fRung').innerHTML = rungs.join(''); $('fRung').value = keep;
  const keepP = $('fParam').value;
  $('fParam').innerHTML = '<option value="">none</option>' + (e.params || []).filter(p => !p.categorical)
    .map(p => '<option>' + esc(p.name) + '</option>').join('');
  $('fParam').value = keepP;
}

let chartsBusy = false;
async function refreshCharts() {
  const x = current;
  if (chartsBusy || !chartsDue[x]) return;
  chartsBusy = true; chartsDue[x] = false;
  try {
    const parts = await (await fetch('/api/parts?x=' + x)).json();
    if (x === current && parts.progress) {
      $('progress').innerHTML = parts.progress;
      $('ladder').innerHTML = parts.ladder;
      $('params').innerHTML = parts.params.join('');
      marks.chartsDrawn = (+marks.chartsDrawn || 0) + 1;
    }
  } catch (err) { chartsDue[x] = true; }
  chartsBusy = false;
}

async function loadCurve() {
  curveDue = false;
  const x = current, trial = curveTrial;
  const svg = await (await fetch('/api/curve?x=' + x + '&trial=' + trial)).text();
  if (x === current && trial === curveTrial) $('curve').innerHTML = svg;
}

// Draws the counters now; fetches what is due again, now or when a second
// has passed since the last time.
let fetchedAt = 0;
function update(now) {
  if (view !== 'exp' || !overviews[current]) return;
  fillFilters(); fillExtend(); renderStatus();
  if (!now && Date.now() - fetchedAt < 1000) return;
  fetchedAt = Date.now();
  if (tableDue) loadTable();
  refreshCharts();
  if (curveDue) loadCurve();
}
setInterval(() => update(false), 1000);

// One event of the stream: a snapshot of every experiment, or a poll's
// changes (each changed experiment's overview and new rows).
function onEvent(ev) {
  const d = JSON.parse(ev.data);
  let reload = false;
  for (const {x, overview, rows = []} of d.exps) {
    overviews[x] = overview;
    if (exps[x] && exps[x].ready !== overview.ready) reload = true;
    if (d.snapshot || rows.some(r => r.k === 'result')) chartsDue[x] = true;
    if (x === current && (d.snapshot || rows.length)) tableDue = true;
    for (const r of rows) {
      if (r.k === 'event' && ['finished', 'resumed', 'budget_changed'].includes(r.event)) reload = true;
      if (r.k === 'result' && x === current && r.trial === curveTrial) curveDue = true;
    }
  }
  if (reload) loadExperiments();
  update(d.snapshot);
}

function renderTabs() {
  $('tabs').innerHTML = exps.map((e, i) => '<button data-x="' + i + '" class="' +
    (view === 'exp' && i === current ? 'on' : '') + '">' + esc(e.name) + '</button>').join('') +
    (exps.length > 1 ? '<button data-cmp="1" class="' + (view === 'cmp' ? 'on' : '') + '">Compare</button>' : '');
}

async function loadExperiments() {
  exps = await (await fetch('/api/experiments')).json();
  filtersFor = '';
  renderTabs(); update(false);
}

async function compare() {
  const picked = [...document.querySelectorAll('#cmpPick input:checked')].map(i => i.value);
  if (picked.length < 1) return;
  const res = await (await fetch('/api/compare?xs=' + picked.join(','))).json();
  $('cmpSeconds').innerHTML = res.seconds || esc(res.error || '');
  $('cmpEpochs').innerHTML = res.epochs || '';
  const keys = new Set(['scheduler', 'seed', 'metric', 'created']);
  for (const x of picked) for (const k of Object.keys(exps[x].options || {})) keys.add('options.' + k);
  for (const x of picked) for (const k of Object.keys(exps[x].budget || {})) keys.add('budget.' + k);
  const get = (e, k) => { const [a, b] = k.split('.'); const v = b ? (e[a] || {})[b] : e[a];
    return v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v); };
  $('settings').innerHTML = '<tr><th></th>' + picked.map(x => '<th>' + esc(exps[x].name) + '</th>').join('') + '</tr>' +
    [...keys].map(k => '<tr><th>' + esc(k) + '</th>' + picked.map(x => '<td>' + esc(get(exps[x], k)) + '</td>').join('') + '</tr>').join('');
  document.documentElement.dataset.compared = picked.length;
}

function show(which, x) {
  view = which;
  if (x !== undefined && x !== current) {
    current = x; table.key = 'trial'; table.dir = 1; table.page = 0;
    chartsDue[x] = true; tableDue = true; curveTrial = null;
    for (const id of ['progress', 'ladder', 'params']) $(id).innerHTML = '';
    $('curve').textContent = 'click a trial in the table';
  }
  $('exp').hidden = which !== 'exp'; $('cmp').hidden = which !== 'cmp';
  renderTabs();
  if (which === 'cmp') {
    $('cmpPick').innerHTML = exps.map((e, i) => '<label><input type="checkbox" checked value="' + i + '"> ' +
      esc(e.name) + '</label> ').join('') + '<button id="cmpGo">Compare</button>';
    compare();
  } else update(true);
}

$('tabs').addEventListener('click', ev => {
  const b = ev.target.closest('button'); if (!b) return;
  if (b.dataset.cmp) show('cmp'); else show('exp', +b.dataset.x);
});
$('cmp').addEventListener('click', ev => { if (ev.target.id === 'cmpGo') compare(); });
$('trials').addEventListener('click', ev => {
  const th = ev.target.closest('th');
  if (th) {
    table.dir = table.key === th.dataset.key ? -table.dir : 1; table.key = th.dataset.key;
    table.page = 0; loadTable(); return;
  }
  const tr = ev.target.closest('tr[data-trial]'); if (!tr) return;
  curveTrial = +tr.dataset.trial; loadCurve();
});
for (const id of ['fRung', 'fState', 'fParam', 'fMin', 'fMax', 'fSize']) {
  $(id).addEventListener('input', () => { table.page = 0; loadTable(); });
}
$('prev').onclick = () => { table.page = Math.max(0, table.page - 1); loadTable(); };
$('next').onclick = () => { table.page++; loadTable(); };

// One input per budget the run has, for what to add to it; every kind when
// the page is told none (a bare journal): the run refuses those it lacks.
const budgetKinds = ['epochs', 'seconds', 'trials', 'dollars', 'jobs'];
function fillExtend() {
  const b = (exps[current] || {}).budget || {};
  const has = budgetKinds.filter(k => b[k] > 0), kinds = has.length ? has : budgetKinds;
  if ($('extend').dataset.kinds === kinds.join()) return;
  $('extend').dataset.kinds = kinds.join();
  $('extend').innerHTML = kinds.map(k => '<input data-kind="' + k + '" type="number" min="0" step="any"' +
    ' placeholder="+ ' + k + '"' + (token ? '' : ' disabled') + '>').join('');
}
$('steer').addEventListener('click', async ev => {
  const action = ev.target.dataset && ev.target.dataset.action; if (!action) return;
  const body = {action};
  if (action === 'extend') {
    for (const i of $('extend').querySelectorAll('input')) if (i.value) body[i.dataset.kind] = Number(i.value);
  }
  const res = await fetch('/api/steer?x=' + current, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Rungs-Token': token}, body: JSON.stringify(body)});
  const reply = await res.json();
  $('steerMsg').textContent = !res.ok ? action + ': ' + reply.error
    : action + ': request ' + reply.request + ' sent; ' +
      (res.status === 200 ? 'the run took it' : 'no run has taken it yet (the next run or resume will)');
  $('steerMsg').className = res.ok ? 'msg' : 'msg bad';
});
if (!token) {
  for (const b of document.querySelectorAll('#steer button, #steer input')) b.disabled = true;
  $('mode').textContent = 'read-only: steering needs the URL with its token';
}

// The stream opens while the experiments load; its events wait for them.
const loaded = loadExperiments();
const stream = new EventSource('/api/stream');
stream.onopen = () => { $('conn').textContent = 'live'; };
stream.onerror = () => { $('conn').textContent = 'reconnecting'; };
stream.onmessage = ev => { loaded.then(() => onEvent(ev)); };
</script>
</body></html>
)PAGE";

}  // namespace

std::string_view Page() { return kPage; }

}  // namespace rungs::dashboard
