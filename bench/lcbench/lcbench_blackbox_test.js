// Tests of the LCBench blackbox: the input encoding worked out by hand from
// encoding.json and yahpo_gym's source, the surrogate's outputs against the
// per-task statistics YAHPO Gym publishes, the protocol as rungs speaks it,
// and a whole `rungs simulate --blackbox` run.
// Usage: node lcbench_blackbox_test.js <path to the rungs binary>
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const ort = require('onnxruntime-node');
const lc = require('./lcbench_blackbox.js');

const rungs = process.argv[2] && path.resolve(process.argv[2]);
const benchmark = lc.loadBenchmark(lc.DEFAULT_DATA);
const CONFIG = { batch_size: 64, learning_rate: 0.01, momentum: 0.9, weight_decay: 0.001,
                 num_layers: 3, max_units: 256, max_dropout: 0.2 };

test('task ids encode as encoding.json says', () => {
  // Read off encoding.json by hand: "167168": 10, "189873": 28, "189906": 30, "3945": 34.
  assert.equal(lc.taskCode(benchmark, '167168'), 10);
  assert.equal(lc.taskCode(benchmark, '189873'), 28);
  assert.equal(lc.taskCode(benchmark, '189906'), 30);
  assert.equal(lc.taskCode(benchmark, 3945), 34);
  // 167083 is in encoding.json but not a task of config_space.json (v1.0 dropped it).
  assert.throws(() => lc.taskCode(benchmark, '167083'), /not an LCBench task/);
});

test('a configuration encodes as yahpo_gym\'s _config_to_xs: raw values in cont_names order', () => {
  const shuffled = { max_dropout: 0.2, num_layers: 3, learning_rate: 0.01, batch_size: 64,
                     weight_decay: 0.001, max_units: 256, momentum: 0.9 };
  for (const config of [CONFIG, shuffled]) {
    const { xCat, xCont, rows } = lc.encodeRows(10, [{ config, epochs: [1, 52] }]);
    assert.equal(rows, 2);
    assert.deepEqual(Array.from(xCat), [10, 10]);
    // epoch, batch_size, learning_rate, momentum, weight_decay, num_layers, max_units, max_dropout
    assert.deepEqual(xCont, Float32Array.from([1, 64, 0.01, 0.9, 0.001, 3, 256, 0.2,
                                               52, 64, 0.01, 0.9, 0.001, 3, 256, 0.2]));
  }
});

test('bad configurations and epochs are refused by name', () => {
  const { learning_rate, ...withoutLearningRate } = CONFIG;
  const cases = [
    [{ config: CONFIG }, /'epochs' must be a non-empty array/],
    [{ config: withoutLearningRate, epochs: [1] }, /config lacks 'learning_rate'/],
    [{ config: { ...CONFIG, depth: 3 }, epochs: [1] }, /'depth', which is not an LCBench/],
    [{ config: { ...CONFIG, batch_size: 600 }, epochs: [1] }, /batch_size' must be in \[16, 512\]/],
    [{ config: { ...CONFIG, num_layers: 2.5 }, epochs: [1] }, /num_layers' must be an integer/],
    [{ config: CONFIG, epochs: [0] }, /epoch 0 is outside LCBench's 1..52/],
    [{ config: CONFIG, epochs: [53] }, /epoch 53/],
    [{ config: CONFIG, epochs: [9, 3] }, /ascending/],
  ];
  for (const [request, message] of cases) {
    assert.throws(() => lc.checkRequest(benchmark, request), message);
  }
});

// Minimum and maximum of each target over 0.5M random configurations per
// task, as YAHPO Gym publishes them (slds-lmu/yahpo_data
// global_statistics/instance_target_statistics.csv, v1.0.2).
const PUBLISHED = {
  167168: { time: [0.66530454, 1216.0524], val_accuracy: [14.945163, 87.94883],
            val_cross_entropy: [0.3400606, 1.5782667],
            val_balanced_accuracy: [0.18342708, 0.8780761],
            test_cross_entropy: [0.96312463, 1.5385661],
            test_balanced_accuracy: [0.18018351, 0.875945] },
  189873: { time: [7.322507, 33482.24], val_accuracy: [0.050852377, 94.51635],
            val_cross_entropy: [0.15236211, 6.3893447],
            val_balanced_accuracy: [0.0016358852, 0.9518654],
            test_cross_entropy: [2.9845862, 5.8746986],
            test_balanced_accuracy: [0.0015761588, 0.95407015] },
  189906: { time: [0.5147017, 2007.9596], val_accuracy: [6.412491, 93.0684],
            val_cross_entropy: [0.23566571, 2.372542],
            val_balanced_accuracy: [0.093279205, 0.9084461],
            test_cross_entropy: [1.2584199, 2.0339148],
            test_balanced_accuracy: [0.09171472, 0.9124314] },
};

// Configurations drawn as ConfigSpace draws them (log-uniform for log
// parameters, integers rounded), with a fixed seed.
function randomQueries(count) {
  let seed = 12345;
  const uniform = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const draw = (p) => {
    const [lo, hi] = p.type === 'uniform_int' ? [p.lower - 0.4999, p.upper + 0.4999] : [p.lower, p.upper];
    const x = p.log ? Math.exp(Math.log(lo) + uniform() * (Math.log(hi) - Math.log(lo)))
                    : lo + uniform() * (hi - lo);
    return p.type === 'uniform_int' ? Math.round(x) : x;
  };
  const queries = [];
  for (let i = 0; i < count; i++) {
    const config = {};
    for (const name of lc.CONFIG_NAMES) config[name] = draw(benchmark.params.get(name));
    queries.push({ config, epochs: [draw(benchmark.params.get('epoch'))] });
  }
  return queries;
}

// Per target, the sample's minimum and maximum for task code `code`.
async function ranges(session, code, queries) {
  const { xCat, xCont, rows } = lc.encodeRows(code, queries);
  const y = (await session.run({ x_cat: new ort.Tensor('int32', xCat, [rows, 1]),
                                 x_cont: new ort.Tensor('float32', xCont, [rows, 8]) })).output.data;
  return lc.Y_NAMES.map((_, k) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < rows; i++) {
      lo = Math.min(lo, y[i * lc.Y_NAMES.length + k]);
      hi = Math.max(hi, y[i * lc.Y_NAMES.length + k]);
    }
    return [lo, hi];
  });
}

// Whether a sample's ranges fit a task's published statistics: every target
// inside the published range of 500,000 draws (with slack of 1% of the range
// for float noise), and the best accuracy within 5 points of the published
// best.
function fits(sample, published) {
  const inside = lc.Y_NAMES.every((name, k) => {
    const [lo, hi] = published[name];
    const slack = 0.01 * (hi - lo);
    return sample[k][0] >= lo - slack && sample[k][1] <= hi + slack;
  });
  return inside && sample[lc.Y_NAMES.indexOf('val_accuracy')][1] >= published.val_accuracy[1] - 5;
}

test('outputs agree with the per-task statistics YAHPO Gym publishes', async () => {
  const session = await ort.InferenceSession.create(benchmark.model, { intraOpNumThreads: 1 });
  const queries = randomQueries(3000);
  const codes = [...new Set(Object.values(benchmark.encoding.OpenML_task_id))];
  const byCode = new Map();
  for (const code of codes) byCode.set(code, await ranges(session, code, queries));
  for (const [task, published] of Object.entries(PUBLISHED)) {
    // Of the 36 task codes the model knows, only encoding.json's fits.
    const fitting = codes.filter((code) => fits(byCode.get(code), published));
    assert.deepEqual(fitting, [lc.taskCode(benchmark, task)], `task ${task}`);
  }
});

// Sends `lines` in one write and returns the answer lines.
function exchange(lines) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'lcbench_blackbox.js'), '--task', '167168']);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, answers: out.split('\n').filter(Boolean).map((l) => JSON.parse(l)), err }));
    child.stdin.end(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  });
}

test('requests sent together are answered in order, one line each', async () => {
  const { code, answers } = await exchange([
    { v: 1, id: 1, config: CONFIG, epochs: [9, 27] },
    { v: 1, id: 2, config: { ...CONFIG, batch_size: 8 }, epochs: [1] },
    { v: 1, id: 3, config: CONFIG, epochs: [27] },
  ]);
  assert.equal(code, 0);
  assert.deepEqual(answers.map((a) => [a.v, a.id]), [[1, 1], [1, 2], [1, 3]]);
  assert.match(answers[1].error, /batch_size' must be in \[16, 512\], got 8/);
  assert.equal(answers[0].metrics.length, 2);
  assert.ok(answers[0].seconds[1] > answers[0].seconds[0], 'time is cumulative');
  // The same configuration at epoch 27 gives the same answer alone or with another epoch.
  assert.equal(answers[2].metrics[0], answers[0].metrics[1]);
  assert.equal(answers[2].seconds[0], answers[0].seconds[1]);
  const session = await ort.InferenceSession.create(benchmark.model, { intraOpNumThreads: 1 });
  const [direct] = await lc.evaluate(ort, session, 10, [{ config: CONFIG, epochs: [9, 27] }]);
  assert.deepEqual(answers[0].metrics, direct.metrics);
});

test('a line that is not a request ends the program with a message', async () => {
  const { code, err } = await exchange(['hello']);
  assert.equal(code, 2);
  assert.match(err, /not a version 1 request/);
});

test('rungs simulate runs on the blackbox', { skip: !rungs && 'no rungs binary given' }, () => {
  const run = spawnSync(rungs, [
    'simulate', '--blackbox', `${process.execPath} ${path.join(__dirname, 'lcbench_blackbox.js')} --task 189906`,
    '--space', path.join(__dirname, 'lcbench_space.toml'), '--workers', '8', '--jobs', '200',
    '--max-epochs', '52', '--seed', '3'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.objective.kind, 'blackbox');
  assert.equal(report.objective.requests, 200);
  assert.ok(report.best.metric > 50 && report.best.metric <= 100, `best ${report.best.metric}`);
  assert.deepEqual(Object.keys(report.best.config).sort(), [...lc.CONFIG_NAMES].sort());
});
