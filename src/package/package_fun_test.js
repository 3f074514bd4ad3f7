// The zip `rungs lambda package` writes, run as AWS Lambda would run it,
// under a third-party emulator: @vercel/fun unpacks Code.ZipFile keeping
// file modes and starts its `bootstrap` as a `provided` runtime, which runs
// `rungs worker` through the shipped loader and libraries. One real job
// trains on a data file shipped with --include, named by its relative path.
// Usage: node package_fun_test.js <path to the rungs binary>
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rungs = process.argv[2];
if (!rungs || !fs.existsSync(rungs)) {
  console.error('usage: node package_fun_test.js <rungs binary>');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rungs-package-fun-'));
// fun keeps its runtimes under XDG_CACHE_HOME: keep them out of $HOME.
process.env.XDG_CACHE_HOME = path.join(work, 'cache');
const fun = require(path.join(__dirname, '../../node_modules/@vercel/fun'));

// Two labels told apart by their words: any working classifier learns it.
function writeCorpus(file) {
  const lines = [];
  for (let i = 0; i < 300; i++) {
    const label = i % 2 ? 'ham' : 'spam';
    const words = label === 'spam' ? ['buy', 'now', 'cheap', 'offer'] : ['meeting', 'lunch', 'notes', 'team'];
    lines.push(`__label__${label} ${words[i % 4]} ${words[(i + 1) % 4]} w${i % 7}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

async function main() {
  const corpus = path.join(work, 'mail.txt');
  writeCorpus(corpus);
  const zip = path.join(work, 'rungs-lambda.zip');
  const printed = execFileSync(rungs, ['lambda', 'package', '--out', zip, '--include', corpus],
                               { encoding: 'utf8' });
  assert.match(printed, /bootstrap/);
  assert.match(printed, /data\/mail\.txt/);
  assert.match(printed, /wrote .*rungs-lambda\.zip: \d+ files, .* unzipped, .* zipped/);

  const fn = await fun.createFunction({
    FunctionName: 'rungs-package-test',
    Code: { ZipFile: zip },
    Handler: 'bootstrap',
    Runtime: 'provided',
    MemorySize: 512,
    Timeout: 60,
  });
  try {
    const request = {
      v: 2, experiment: 'exp-package', job: 7, trial: 3, bracket: 0, rung: 1,
      epochs_from: 0, epochs_to: 3, lr_scale: 0.8,
      config: { lr: 0.5, dim: 8 },
      data: { train: 'data/mail.txt', valid: null, valid_fraction: 0.2, split_seed: 1, read: {} },
      task: { metric: 'accuracy', threads: 1 },
      checkpoint: null, seed: 11,
    };
    const reply = await fn.invoke({ Payload: JSON.stringify(request) });
    assert.equal(reply.FunctionError, undefined, String(reply.Payload));
    const result = JSON.parse(String(reply.Payload));
    assert.equal(result.v, 2);
    assert.equal(result.job, 7);
    assert.equal(result.trial, 3);
    assert.equal(result.rung, 1);
    assert.equal(result.outcome, 'ok', result.error);
    assert.equal(result.epochs_trained, 3);
    assert.ok(result.metric > 0.9, `metric ${result.metric}`);
  } finally {
    await fn.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log('package_fun_test: ok');
}

main().catch((err) => {
  console.error(err);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
