// The dashboard in a real browser: Debian's headless Chromium driven over
// the DevTools protocol (npm's puppeteer-core), against real `rungs tune`
// runs of the built-in classifier on a small corpus. Checks that the page
// loads and draws the run's results, that a journaled result shows within
// 2 s, that "Evolve now" changes the next proposals (in the journal), that
// "Stop" stops the run, that Compare shows two runs, and that the trials
// table pages, sorts and filters through the server. Screenshots go to
// the folder given. Exits 77 (ctest: skipped) without Chromium.
// Usage: node dashboard_in_browser_test.js <rungs binary> <screenshot folder>
'use strict';

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = '/usr/bin/chromium';
const rungs = process.argv[2] && path.resolve(process.argv[2]);
const shots = process.argv[3] && path.resolve(process.argv[3]);
if (!rungs || !shots) {
  console.error('usage: node dashboard_in_browser_test.js <rungs binary> <screenshot folder>');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is not installed (scripts/setup.sh installs it)`);
  process.exit(77);
}
const puppeteer = require('puppeteer-core');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rungs-dashboard-'));
fs.mkdirSync(shots, { recursive: true });
const children = [];

// A separable three-label corpus in fastText format.
function writeCorpus(file, lines, seed) {
  const labels = ['sports', 'tech', 'food'];
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const out = [];
  for (let i = 0; i < lines; i++) {
    const label = labels[next() % 3];
    const words = [];
    for (let w = 0; w < 12; w++) words.push((next() % 4 === 0 ? label : 'w') + (next() % 30));
    out.push(`__label__${label} ${words.join(' ')}`);
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}

// Rows of a read-only query on a journal (a second process, as anyone may).
function sql(db, query) {
  const r = spawnSync('/usr/bin/sqlite3', ['-json', `file:${db}?mode=ro`, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function until(what, test, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// Starts a rungs process and resolves with the dashboard URL it prints.
function startWithUrl(args) {
  const child = spawn(rungs, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.exited = new Promise(resolve => child.on('exit', code => resolve(code)));
  return new Promise((resolve, reject) => {
    const look = chunk => {
      output += chunk;
      const m = output.match(/dashboard: (http:\/\/\S+)/);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', code => reject(new Error(`rungs ${args.join(' ')} exited ${code}: ${output}`)));
  });
}

const resultsIn = db => sql(db, 'SELECT count(*) AS n FROM results')[0].n;
// Learning rates of new trials, by seq.
const trialLrs = db => sql(db, "SELECT seq, json_extract(job, '$.config[0]') AS lr FROM jobs " +
  "WHERE json_extract(job, '$.rung') = 0 AND json_extract(job, '$.epochs_from') = 0 ORDER BY seq");

async function main() {
  writeCorpus(path.join(work, 'train.txt'), 1500, 1);
  fs.writeFileSync(path.join(work, 'space.toml'), `
[params.lr]
type = "float"
min = 0.05
max = 1.0
scale = "log"
[params.dim]
type = "int"
min = 4
max = 24
[params.loss]
type = "choice"
choices = ["softmax", "ova"]
`);
  // asha: no evolution until asked for; once on, every new trial is bred
  // and moves one parameter, so it keeps an earlier trial's other values.
  fs.writeFileSync(path.join(work, 'experiment.toml'), `
train = "${path.join(work, 'train.txt')}"
space = "${path.join(work, 'space.toml')}"
scheduler = "asha"
workers = 1
seed = 5
[scheduler-options]
max_epochs = 9
[scheduler-options.evolution]
probability = { start = 1.0, end = 1.0 }
params = { start = 1, end = 1 }
`);
  const experiment = path.join(work, 'experiment.toml');
  const finished = path.join(work, 'finished'), live = path.join(work, 'live');
  const done = spawnSync(rungs, ['tune', experiment, '--budget-epochs', '120', '--out', finished, '--quiet'],
                         { encoding: 'utf8' });
  assert.equal(done.status, 0, done.stderr);

  const run = await startWithUrl(['tune', experiment, '--budget-epochs', '100000000', '--out', live,
                                  '--quiet', '--dashboard']);
  assert.match(run.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
  const journal = path.join(live, 'journal.sqlite');

  const browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1800 });
    const started = Date.now();
    await page.goto(run.url);
    // The page loads and the report's chart shows the run's results.
    await until('the progress chart', () => page.evaluate(() =>
      document.querySelectorAll('#progress svg.chart circle').length > 0));
    console.log(`first chart after ${Date.now() - started} ms`);
    const shown = await page.evaluate(() => +document.getElementById('status').dataset.results);
    assert.ok(shown > 0);
    await page.screenshot({ path: path.join(shots, 'dashboard-live.png'), fullPage: true });

    // A new result is on the page within 2 s of being journaled: each round
    // waits for the journal to gain a result and bounds the delay from a
    // moment before that result was committed.
    for (let round = 0; round < 5; round++) {
      const before = Date.now();
      const had = resultsIn(journal);
      await until('a new result in the journal', () => resultsIn(journal) > had);
      await until('the result on the page', () => page.evaluate(n =>
        +document.getElementById('status').dataset.results > n, had), 10000);
      const delay = Date.now() - before;
      console.log(`result ${had + 1} on the page ${delay} ms after it was not yet journaled`);
      assert.ok(delay < 2000, `a result took ${delay} ms to show`);
    }

    // Evolve now: the run journals evolution_enabled for the request, and
    // the trials after it are bred from earlier ones.
    const lrsBefore = trialLrs(journal).map(r => r.lr);
    assert.equal(new Set(lrsBefore).size, lrsBefore.length, 'random trials share no learning rate');
    await page.click('#steer button[data-action="evolve"]');
    await until('the request to be sent', () => page.evaluate(() =>
      /request \d+ sent/.test(document.getElementById('steerMsg').textContent)));
    const event = await until('evolution_enabled in the journal', () =>
      sql(journal, "SELECT seq, detail FROM events WHERE kind = 'evolution_enabled'")[0]).catch(err => {
      throw new Error(`${err.message}; requests: ${JSON.stringify(sql(journal, 'SELECT * FROM requests'))}`);
    });
    assert.match(event.detail, /^request \d+$/);
    const request = sql(journal, 'SELECT taken_seq, outcome FROM requests')[0];
    assert.deepEqual(request, { taken_seq: event.seq, outcome: 'ok' });
    const bred = await until('12 trials after evolve', () => {
      const after = trialLrs(journal).filter(r => r.seq > event.seq);
      return after.length >= 12 && after;
    });
    const earlier = new Set(trialLrs(journal).filter(r => r.seq < event.seq).map(r => r.lr));
    const kept = bred.filter(r => earlier.has(r.lr)).length;
    console.log(`${kept} of ${bred.length} trials after evolve keep a parent's learning rate`);
    assert.ok(kept > 0, 'no trial after evolve was bred from an earlier one');
    await until('the event on the page', () => page.evaluate(() =>
      document.getElementById('events').textContent.includes('evolution_enabled')));

    // Extend: the form offers the run's one budget, epochs, and the run
    // journals the raised total.
    const kinds = await page.evaluate(() =>
      [...document.querySelectorAll('#extend input')].map(i => i.dataset.kind));
    assert.deepEqual(kinds, ['epochs']);
    await page.type('#extend input[data-kind="epochs"]', '1000');
    await page.click('#steer button[data-action="extend"]');
    await until('the request to be sent', () => page.evaluate(() =>
      /^extend: request \d+ sent/.test(document.getElementById('steerMsg').textContent)));
    const change = await until('budget_changed in the journal', () =>
      sql(journal, "SELECT detail FROM events WHERE kind = 'budget_changed'")[0]);
    assert.equal(JSON.parse(change.detail).budget_epochs, 100001000);
    // The page's experiment (its ETA, the compare table) follows the new budget.
    await until('the raised budget on the page', () => page.evaluate(() =>
      (exps[current].budget || {}).epochs === 100001000));

    // Stop: no new job starts, the running one finishes, the run ends.
    await page.click('#steer button[data-action="stop"]');
    const code = await Promise.race([run.child.exited, sleep(120000).then(() => 'still running')]);
    assert.equal(code, 0, 'rungs tune did not end after stop');
    const end = sql(journal, "SELECT detail FROM events WHERE kind = 'finished'")[0];
    assert.match(end.detail, /"stopped_because":"stop requested"/);
    assert.equal(sql(journal, "SELECT count(*) AS n FROM events WHERE kind = 'stop_requested'")[0].n, 1);
    await page.screenshot({ path: path.join(shots, 'dashboard-stopped.png'), fullPage: true });

    // Compare: both runs on one chart, read by `rungs dashboard`.
    const both = await startWithUrl(['dashboard', finished, live]);
    const readOnly = both.url.replace(/\?token=.*$/, '');
    await page.goto(readOnly);
    await until('the experiments', () => page.evaluate(() =>
      document.querySelectorAll('#tabs button').length === 3));
    assert.ok(await page.evaluate(() =>
      document.querySelector('#steer button[data-action="stop"]').disabled), 'no token: read-only');
    await page.click('#tabs button[data-cmp]');
    await until('the comparison', () => page.evaluate(() =>
      +document.documentElement.dataset.compared === 2 &&
      document.querySelectorAll('#cmpSeconds svg.chart .best').length === 2 &&
      document.querySelectorAll('#cmpEpochs svg.chart .best').length === 2));
    const heads = await page.evaluate(() =>
      [...document.querySelectorAll('#settings th')].map(th => th.textContent));
    assert.ok(heads.includes('finished') && heads.includes('live'), heads.join(','));
    await page.screenshot({ path: path.join(shots, 'dashboard-compare.png'), fullPage: true });

    // The trials table pages, sorts and filters through the server
    // (GET /api/trials), checked against the finished run's journal.
    const db = path.join(finished, 'journal.sqlite');
    const byTrialDesc = sql(db, 'SELECT DISTINCT trial FROM jobs ORDER BY trial DESC').map(r => r.trial);
    assert.ok(byTrialDesc.length > 20, `${byTrialDesc.length} trials: too few to page through`);
    const asked = [];
    page.on('request', r => {
      if (r.url().includes('/api/trials?')) asked.push(new URL(r.url()).searchParams);
    });
    const drawn = () => page.evaluate(() => +document.documentElement.dataset.tableDrawn || 0);
    const cells = (column = 0) => page.evaluate(c => [...document.querySelectorAll('#trials tbody tr')]
      .map(tr => tr.cells[c].textContent), column);
    async function redrawn(what, act) {
      const before = await drawn();
      await act();
      await until(what, async () => await drawn() > before);
    }
    await page.click('#tabs button[data-x="0"]');
    await until('the finished run\'s trials', async () => (await cells()).length > 0);
    await redrawn('20 rows a page', () => page.select('#fSize', '20'));
    await redrawn('trials by number, last first', () => page.click('#trials th[data-key="trial"]'));
    assert.deepEqual((await cells()).map(Number), byTrialDesc.slice(0, 20));
    const last = () => Object.fromEntries(asked[asked.length - 1]);
    assert.deepEqual(last(), { x: '0', sort: 'trial', dir: 'desc', page: '0', size: '20' });
    await redrawn('the next page', () => page.click('#next'));
    assert.deepEqual((await cells()).map(Number), byTrialDesc.slice(20, 40));
    assert.equal(last().page, '1');
    assert.equal(await page.evaluate(() => document.getElementById('pageNo').textContent),
                 `page 2 of ${Math.ceil(byTrialDesc.length / 20)}`);
    // By metric, worst first: each trial's metric is its ok result at the highest rung.
    const worst = sql(db, "SELECT r.trial FROM results r WHERE r.outcome = 'ok' AND r.rung = " +
      "(SELECT max(rung) FROM results WHERE trial = r.trial AND outcome = 'ok') " +
      'ORDER BY r.metric, r.trial LIMIT 20').map(r => r.trial);
    await redrawn('trials by metric', () => page.click('#trials th[data-key="metric"]'));
    assert.deepEqual((await cells()).map(Number), worst);
    assert.equal(last().sort, 'metric');
    // Filtered by rung: the trials whose highest rung is 1.
    const atRung1 = sql(db, 'SELECT count(*) AS n FROM (SELECT max(rung) AS r FROM jobs GROUP BY trial) ' +
      'WHERE r = 1')[0].n;
    await redrawn('the trials at rung 1', () => page.select('#fRung', '1'));
    assert.equal(await page.evaluate(() => document.getElementById('fCount').textContent),
                 `${atRung1} of ${byTrialDesc.length} trials`);
    assert.ok((await cells(2)).every(rung => rung === '1'));
    assert.equal(last().rung, '1');
    await page.screenshot({ path: path.join(shots, 'dashboard-table.png'), fullPage: true });
    console.log(`screenshots in ${shots}`);
  } finally {
    await browser.close();
  }
}

main().then(() => {
  console.log('ok');
}, err => {
  console.error(err);
  process.exitCode = 1;
}).finally(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGINT');
  fs.rmSync(work, { recursive: true, force: true });
});
