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
 <div id="pager" class="msg"><button id="prev">&lt;</button> <span id="pageNo"></span> <button id="next">&gt;</button></div>
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
let exps = [], states = [], current = 0, view = 'exp', rowsSeen = 0;
const table = {key: 'trial', dir: 1, page: 0, size: 50, list: null};

function newState() {
  return {trials: new Map(), jobs: new Map(), events: [], results: 0, running: 0, lastT: 0,
          epochs: 0, gb: 0, finished: false, chartsDue: true, maxRung: 0};
}

function apply(r) {
  const st = states[r.x]; if (!st) return;
  st.lastT = Math.max(st.lastT, r.t);
  if (r.k === 'job') {
    st.jobs.set(r.job, {trial: r.trial, rung: r.rung, ep: r.ep, done: false});
    let tr = st.trials.get(r.trial);
    if (!tr) { tr = {trial: r.trial, cfg: {}, rung: 0, ep: 0, m: null, running: 0, failed: false}; st.trials.set(r.trial, tr); }
    if (r.c) tr.cfg = r.c;
    tr.rung = Math.max(tr.rung, r.rung); tr.running++; st.running++;
    st.maxRung = Math.max(st.maxRung, r.rung);
  } else if (r.k === 'result') {
    const job = st.jobs.get(r.job), tr = st.trials.get(r.trial);
    st.results++; st.epochs += r.trained; st.gb += r.gb;
    if (job && !job.done) { job.done = true; st.running--; if (tr) tr.running--; }
    if (tr && job) {
      if (!r.ok) tr.failed = true;
      else if (job.ep >= tr.ep) { tr.ep = job.ep; tr.m = r.m; tr.failed = false; }
    }
    st.chartsDue = true;
  } else if (r.k === 'event') {
    st.events.push(r);
    if (r.event === 'finished') st.finished = true;
    if (r.event === 'resumed') st.finished = false;
    if (r.event === 'finished' || r.event === 'resumed') loadExperiments();
  }
  if (r.x === current) table.list = null;
}

function stateOf(st, tr) {
  if (tr.running > 0 && !st.finished) return 'running';
  return tr.m == null ? (tr.failed ? 'failed' : 'stopped') : 'done';
}

function best(x) {
  const st = states[x], max = exps[x] && exps[x].maximize !== false;
  let b = null;
  for (const tr of st.trials.values()) {
    if (tr.m == null) continue;
    if (!b || tr.ep > b.ep || (tr.ep === b.ep && (max ? tr.m > b.m : tr.m < b.m))) b = tr;
  }
  return b;
}

function eta(x) {
  const st = states[x], e = exps[x];
  if (st.finished) return 'finished';
  if (!e || !e.budget || st.lastT <= 0) return '?';
  const left = [];
  if (e.budget.seconds > 0) left.push(e.budget.seconds - st.lastT);
  if (e.budget.epochs > 0 && st.epochs > 0) left.push((e.budget.epochs - st.epochs) * st.lastT / st.epochs);
  if (e.budget.trials > 0 && st.trials.size > 0) left.push((e.budget.trials - st.trials.size) * st.lastT / st.trials.size);
  if (!left.length) return '?';
  return Math.max(0, Math.min(...left)).toFixed(0) + ' s';
}

function renderStatus() {
  const st = states[current], e = exps[current] || {};
  const b = best(current);
  const price = e.price_per_gb_second || 0;
  const items = [['experiment', e.name], ['scheduler', e.scheduler || ''], ['trials', st.trials.size],
    ['jobs', st.jobs.size], ['running', st.finished ? 0 : st.running], ['results', st.results],
    ['epochs trained', st.epochs], ['elapsed', st.lastT.toFixed(1) + ' s'], ['ETA', eta(current)],
    ['best ' + (e.metric || 'metric'), b ? fmt(b.m) + ' (trial ' + b.trial + ', ' + b.ep + ' ep)' : '-']];
  if (st.gb > 0) items.push(['cost', st.gb.toFixed(1) + ' GB-s, $' + (st.gb * price).toFixed(4)]);
  if (e.error) items.push(['error', e.error]);
  $('status').innerHTML = items.map(([k, v]) => '<span><b>' + esc(k) + '</b> ' + esc(v) + '</span>').join('');
  $('status').dataset.results = st.results;
  $('status').dataset.trials = st.trials.size;
  if (b) {
    const files = (e.files || []).filter(f => f === 'best.bin' || f === 'best.toml');
    $('best').innerHTML = '<table>' + Object.entries(b.cfg).map(([k, v]) =>
      '<tr><th>' + esc(k) + '</th><td>' + esc(fmt(v)) + '</td></tr>').join('') + '</table>' +
      files.map(f => '<a download href="/api/file?x=' + current + '&name=' + f + '">' + f + '</a>').join(' ') +
      (files.length ? '' : '<span class="msg">best.bin/best.toml are written when the run ends</span>');
  }
  const counts = [];
  for (const job of st.jobs.values()) {
    const c = counts[job.rung] || (counts[job.rung] = {ep: job.ep, done: 0, running: 0});
    if (job.done) c.done++; else if (!st.finished) c.running++;
  }
  $('rungs').innerHTML = '<tr><th>rung</th><th>epochs</th><th>finished</th><th>running</th></tr>' +
    counts.map((c, i) => c ? '<tr><td>' + i + '</td><td>' + c.ep + '</td><td>' + c.done + '</td><td>' + c.running + '</td></tr>' : '').join('');
  $('events').innerHTML = st.events.slice(-50).reverse().map(ev =>
    '<li>' + ev.t.toFixed(1) + ' s: ' + esc(ev.event) + ' ' + esc(ev.detail) + '</li>').join('');
}

function filteredTrials() {
  if (table.list) return table.list;
  const st = states[current], e = exps[current] || {};
  const rung = $('fRung').value, state = $('fState').value, p = $('fParam').value;
  const lo = parseFloat($('fMin').value), hi = parseFloat($('fMax').value);
  let list = [];
  for (const tr of st.trials.values()) {
    if (rung !== '' && tr.rung !== +rung) continue;
    if (state !== '' && stateOf(st, tr) !== state) continue;
    if (p) {
      const v = tr.cfg[p];
      if (typeof v === 'number') { if (v < lo || v > hi) continue; }
      else if (!isNaN(lo) || !isNaN(hi)) continue;
    }
    list.push(tr);
  }
  const k = table.key, d = table.dir;
  const val = tr => k === 'trial' ? tr.trial : k === 'state' ? stateOf(st, tr) : k === 'rung' ? tr.rung
    : k === 'epochs' ? tr.ep : k === 'metric' ? tr.m : tr.cfg[k];
  list.sort((a, b) => {
    const x = val(a), y = val(b);
    if (x == null || y == null) return x == null ? (y == null ? a.trial - b.trial : 1) : -1;
    return (x < y ? -d : x > y ? d : a.trial - b.trial);
  });
  table.list = list;
  return list;
}

function renderTable() {
  const e = exps[current] || {}, st = states[current];
  const params = (e.params || []).map(p => p.name);
  const cols = ['trial', 'state', 'rung', 'epochs', 'metric', ...params];
  $('trials').tHead.innerHTML = '<tr>' + cols.map(c => '<th data-key="' + esc(c) + '">' + esc(c) +
    (table.key === c ? (table.dir > 0 ? ' &#9650;' : ' &#9660;') : '') + '</th>').join('') + '</tr>';
  const list = filteredTrials();
  const pages = Math.max(1, Math.ceil(list.length / table.size));
  table.page = Math.min(table.page, pages - 1);
  const slice = list.slice(table.page * table.size, (table.page + 1) * table.size);
  $('trials').tBodies[0].innerHTML = slice.map(tr => '<tr data-trial="' + tr.trial + '"><td>' + tr.trial +
    '</td><td>' + stateOf(st, tr) + '</td><td>' + tr.rung + '</td><td>' + tr.ep + '</td><td>' + esc(fmt(tr.m)) +
    '</td>' + params.map(p => '<td>' + esc(fmt(tr.cfg[p])) + '</td>').join('') + '</tr>').join('');
  $('pageNo').textContent = 'page ' + (table.page + 1) + ' of ' + pages;
  $('fCount').textContent = list.length + ' of ' + st.trials.size + ' trials';
}

function fillFilters() {
  const e = exps[current] || {}, st = states[current];
  const rungs = ['<option value="">any</option>'];
  for (let r = 0; r <= st.maxRung; r++) rungs.push('<option>' + r + '</option>');
  const keep = $('fRung').value;
  $('fRung').innerHTML = rungs.join(''); $('fRung').value = keep;
  const keepP = $('fParam').value;
  $('fParam').innerHTML = '<option value="">none</option>' + (e.params || []).filter(p => !p.categorical)
    .map(p => '<option>' + esc(p.name) + '</option>').join('');
  $('fParam').value = keepP;
}

let chartsBusy = false, chartsAt = 0, catchingUp = false;
async function refreshCharts() {
  const st = states[current];
  if (chartsBusy || !st || !st.chartsDue || Date.now() - chartsAt < 1000) return;
  chartsBusy = true; st.chartsDue = false; chartsAt = Date.now();
  const x = current;
  try {
    const parts = await (await fetch('/api/parts?x=' + x)).json();
    if (x === current && parts.progress) {
      $('progress').innerHTML = parts.progress;
      $('ladder').innerHTML = parts.ladder;
      $('params').innerHTML = parts.params.join('');
      document.documentElement.dataset.chartsDrawn = (+document.documentElement.dataset.chartsDrawn || 0) + 1;
    }
  } catch (err) { st.chartsDue = true; }
  chartsBusy = false;
}

let renderDue = false;
function schedule() {
  if (renderDue) return;
  renderDue = true;
  setTimeout(() => {
    renderDue = false;
    if (view !== 'exp' || !states[current]) return;
    fillFilters(); fillExtend(); renderStatus(); renderTable(); refreshCharts();
  }, 100);
}
setInterval(() => { if (view === 'exp' && !catchingUp) refreshCharts(); }, 1000);

function renderTabs() {
  $('tabs').innerHTML = exps.map((e, i) => '<button data-x="' + i + '" class="' +
    (view === 'exp' && i === current ? 'on' : '') + '">' + esc(e.name) + '</button>').join('') +
    (exps.length > 1 ? '<button data-cmp="1" class="' + (view === 'cmp' ? 'on' : '') + '">Compare</button>' : '');
}

async function loadExperiments() {
  exps = await (await fetch('/api/experiments')).json();
  while (states.length < exps.length) states.push(newState());
  renderTabs(); schedule();
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
    current = x; table.list = null; table.page = 0; states[x].chartsDue = true; chartsAt = 0;
    for (const id of ['progress', 'ladder', 'params', 'best']) $(id).innerHTML = '';
    $('curve').textContent = 'click a trial in the table';
  }
  $('exp').hidden = which !== 'exp'; $('cmp').hidden = which !== 'cmp';
  renderTabs();
  if (which === 'cmp') {
    $('cmpPick').innerHTML = exps.map((e, i) => '<label><input type="checkbox" checked value="' + i + '"> ' +
      esc(e.name) + '</label> ').join('') + '<button id="cmpGo">Compare</button>';
    compare();
  } else schedule();
}

$('tabs').addEventListener('click', ev => {
  const b = ev.target.closest('button'); if (!b) return;
  if (b.dataset.cmp) show('cmp'); else show('exp', +b.dataset.x);
});
$('cmp').addEventListener('click', ev => { if (ev.target.id === 'cmpGo') compare(); });
$('trials').addEventListener('click', async ev => {
  const th = ev.target.closest('th');
  if (th) {
    table.dir = table.key === th.dataset.key ? -table.dir : 1; table.key = th.dataset.key;
    table.list = null; renderTable(); return;
  }
  const tr = ev.target.closest('tr[data-trial]'); if (!tr) return;
  const x = current;
  const svg = await (await fetch('/api/curve?x=' + x + '&trial=' + tr.dataset.trial)).text();
  if (x === current) $('curve').innerHTML = svg;
});
for (const id of ['fRung', 'fState', 'fParam', 'fMin', 'fMax']) {
  $(id).addEventListener('input', () => { table.list = null; table.page = 0; renderTable(); });
}
$('prev').onclick = () => { table.page = Math.max(0, table.page - 1); renderTable(); };
$('next').onclick = () => { table.page++; renderTable(); };

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

loadExperiments().then(() => {
  const stream = new EventSource('/api/stream');
  stream.onopen = () => { $('conn').textContent = 'live'; };
  stream.onerror = () => { $('conn').textContent = 'reconnecting'; };
  stream.onmessage = ev => {
    const rows = JSON.parse(ev.data);
    for (const r of rows) apply(r);
    rowsSeen += rows.length;
    document.documentElement.dataset.rows = rowsSeen;
    // A full event means more are queued (a long run catching up): draw
    // once it has caught up, not at every event.
    catchingUp = rows.length >= 5000;
    if (!catchingUp) schedule();
  };
});
</script>
</body></html>
)PAGE";

}  // namespace

std::string_view Page() { return kPage; }

}  // namespace rungs::dashboard
