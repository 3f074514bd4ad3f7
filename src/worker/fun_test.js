// The worker, unmodified, under a third-party Lambda runtime emulator:
// @vercel/fun runs a `provided` function's bootstrap natively and serves it
// the Runtime API. Usage: node fun_test.js <path to the rungs binary>
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rungs = process.argv[2] && path.resolve(process.argv[2]);
if (!rungs || !fs.existsSync(rungs)) {
  console.error('usage: node fun_test.js <rungs binary>');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rungs-fun-'));
// fun keeps its runtimes under XDG_CACHE_HOME: keep them out of $HOME.
process.env.XDG_CACHE_HOME = path.join(work, 'cache');
const fun = require('@vercel/fun');

// A separable three-label corpus inside the package, as data shipped with
// the function.
function writeCorpus(file) {
  const labels = ['sports', 'tech', 'food'];
  let seed = 1;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const lines = [];
  for (let i = 0; i < 400; i++) {
    const label = labels[next() % 3];
    const words = [];
    for (let w = 0; w < 8; w++) words.push((next() % 3 === 0 ? 'w' : label) + (next() % 20));
    lines.push(`__label__${label} ${words.join(' ')}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

function jobRequest(id, overrides = {}) {
  return {
    v: 2, experiment: 'exp-fun', job: id, trial: id, bracket: 0, rung: 0,
    epochs_from: 0, epochs_to: 3, lr_scale: 1,
    config: { lr: 0.5, dim: 12 },
    data: { train: 'data/train.txt', valid: null, valid_fraction: 0.25, split_seed: 3, read: {} },
    task: { metric: 'accuracy', threads: 1 },
    checkpoint: null, seed: 5,
    ...overrides,
  };
}

// Outside Lambda, `rungs worker` is a usage error, not a hang.
function checkOutsideLambda() {
  const env = { ...process.env };
  delete env.AWS_LAMBDA_RUNTIME_API;
  const run = spawnSync(rungs, ['worker'], { env, encoding: 'utf8', timeout: 10000 });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /AWS_LAMBDA_RUNTIME_API is not set/);
}

async function main() {
  checkOutsideLambda();
  const pkg = path.join(work, 'package');
  fs.mkdirSync(path.join(pkg, 'data'), { recursive: true });
  writeCorpus(path.join(pkg, 'data', 'train.txt'));
  // The bootstrap notes each start, so warm reuse can be told from cold starts.
  fs.writeFileSync(path.join(pkg, 'bootstrap'),
                   `#!/bin/sh\necho $$ >> "$LAMBDA_TASK_ROOT/starts"\nexec '${rungs}' worker\n`,
                   { mode: 0o755 });

  const fn = await fun.createFunction({
    FunctionName: 'rungs-worker-test',
    Code: { Directory: pkg },
    Handler: 'unused',
    Runtime: 'provided',
    MemorySize: 512,
  });
  try {
    const results = [];
    for (let id = 1; id <= 3; id++) {
      const reply = await fn.invoke({ Payload: JSON.stringify(jobRequest(id)) });
      assert.equal(reply.FunctionError, undefined, `job ${id}: ${reply.Payload}`);
      results.push(JSON.parse(reply.Payload));
    }
    results.forEach((r, i) => {
      assert.equal(r.v, 2);
      assert.equal(r.job, i + 1);
      assert.equal(r.trial, i + 1);
      assert.equal(r.outcome, 'ok', r.error);
      assert.equal(r.epochs_trained, 3);
      assert.ok(r.metric > 0.6, `metric ${r.metric}`);
      assert.equal(r.memory_mb, 512);
      assert.ok(r.billed_ms >= 1, `billed_ms ${r.billed_ms}`);
    });
    // Same data, same seed, same configuration: the same model.
    assert.equal(results[1].metric, results[0].metric);

    const bad = await fn.invoke({ Payload: JSON.stringify(jobRequest(4, { config: { dim: 0 } })) });
    assert.equal(bad.FunctionError, 'Handled');
    const error = JSON.parse(bad.Payload);
    assert.equal(error.errorType, 'InvalidJob');
    assert.match(error.errorMessage, /dim/);

    // The container survives a refused job and still trains.
    const after = await fn.invoke({ Payload: JSON.stringify(jobRequest(5, { epochs_to: 1 })) });
    assert.equal(after.FunctionError, undefined, after.Payload);
    assert.equal(JSON.parse(after.Payload).epochs_trained, 1);

    const starts = fs.readFileSync(path.join(pkg, 'starts'), 'utf8').trim().split('\n');
    assert.equal(starts.length, 1, 'every invocation ran in the one warm container');
  } finally {
    await fn.destroy();
  }
}

const watchdog = setTimeout(() => {
  console.error('fun_test: no answer within 60 s');
  process.exit(1);
}, 60000);

main()
  .then(() => console.log('fun_test: ok'))
  .catch((err) => {
    console.error('fun_test:', err);
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(watchdog);
    fs.rmSync(work, { recursive: true, force: true });
  });
