// bench/dashboard: the dashboard on a journal of ~100,000 simulated trials
// (`rungs simulate --journal`): how long the server takes to start (read the
// journal), how long headless Chromium takes from opening the page to
// showing the counters of every result, the first charts and the first page
// of the trials table, how long sorting and paging the table take, and how
// much memory the server holds (RSS and peak RSS from /proc). Prints one
// JSON line.
// Usage: node first_render.js <rungs binary> [jobs]
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const rungs = path.resolve(process.argv[2] || 'build/rungs');
const jobs = process.argv[3] || '150000';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rungs-dashboard-bench-'));
const journal = path.join(work, 'journal.db');

function kib(pid, field) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? +m[1] : NaN;
}

async function main() {
  const sim = spawnSync(rungs, ['simulate', '--journal', journal, '--jobs', jobs, '--workers', '100'],
                        { encoding: 'utf8' });
  if (sim.status !== 0) throw new Error(sim.stderr);
  const count = q => +spawnSync('/usr/bin/sqlite3', [journal, q], { encoding: 'utf8' }).stdout.trim();
  const trials = count('SELECT count(*) FROM jobs WHERE rung = 0');
  const results = count('SELECT count(*) FROM results');

  const t0 = Date.now();
  const server = spawn(rungs, ['dashboard', journal], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', d => { out += d; const m = out.match(/dashboard: (\S+)/); if (m) resolve(m[1]); });
    server.on('exit', code => reject(new Error(`rungs dashboard exited ${code}`)));
  });
  const serverReadyMs = Date.now() - t0;

  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true,
                                           args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1400 });
    const start = Date.now();
    await page.goto(url);
    await page.waitForFunction(n => +document.getElementById('status').dataset.results === n &&
      document.querySelectorAll('#progress svg.chart').length > 0 &&
      document.querySelectorAll('#trials tbody tr').length > 0, { timeout: 120000, polling: 50 }, results);
    const renderMs = Date.now() - start;
    // Sorting and paging 100,000 trials: from the click until the table
    // is drawn again (the server sorts and sends the page).
    const drawn = () => page.evaluate(() => +document.documentElement.dataset.tableDrawn || 0);
    const timed = async act => {
      const before = await drawn();
      const t = Date.now();
      await act();
      await page.waitForFunction(n => +document.documentElement.dataset.tableDrawn > n,
                                 { timeout: 120000, polling: 10 }, before);
      return Date.now() - t;
    };
    const sortMs = await timed(() => page.click('#trials th[data-key="metric"]'));
    const pageMs = await timed(() => page.click('#next'));
    console.log(JSON.stringify({
      jobs: +jobs, trials, results, server_ready_ms: serverReadyMs, first_render_ms: renderMs,
      sort_click_ms: sortMs, next_page_click_ms: pageMs,
      server_rss_mb: +(kib(server.pid, 'VmRSS') / 1024).toFixed(1),
      server_peak_rss_mb: +(kib(server.pid, 'VmHWM') / 1024).toFixed(1),
    }));
  } finally {
    await browser.close();
    server.kill('SIGINT');
  }
}

main().catch(err => { console.error(err); process.exitCode = 1; })
  .finally(() => fs.rmSync(work, { recursive: true, force: true }));
