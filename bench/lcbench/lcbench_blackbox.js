// LCBench as a rungs blackbox (doc/blackbox-protocol.md): YAHPO Gym's
// surrogate of LCBench (../shared/benchmarks/yahpo-lcbench: model.onnx,
// config_space.json, encoding.json; Apache 2.0) evaluated with npm's
// onnxruntime-node, answering val_accuracy (0-100) and the cumulative
// training seconds (the target `time`) per configuration and epoch.
//
//   node bench/lcbench/lcbench_blackbox.js --task 167168 [--data DIR]
//
// The input encoding is the one yahpo_gym's BenchmarkSet._config_to_xs
// builds (yahpo_gym/benchmark_set.py, lcbench.py): x_cat is the task id's
// integer from encoding.json (int32, shape [n, 1]); x_cont holds the raw
// values, no log or scaling (the model does its own transforms), in
// lcbench.py's cont_names order: epoch, batch_size, learning_rate, momentum,
// weight_decay, num_layers, max_units, max_dropout (float32, shape [n, 8]).
// The output's columns are lcbench.py's y_names: time, val_accuracy,
// val_cross_entropy, val_balanced_accuracy, test_cross_entropy,
// test_balanced_accuracy. README.md beside this file says what was checked.
//
// Requests that arrive together are evaluated in one model run. A request
// with a bad configuration or epoch is refused with an "error" answer; a
// line that is not a JSON request is reported on stderr and ends the program.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const PROTOCOL_VERSION = 1;
const CONT_NAMES = ['epoch', 'batch_size', 'learning_rate', 'momentum', 'weight_decay',
                    'num_layers', 'max_units', 'max_dropout'];
// What a configuration gives: every numeric input but the fidelity (epoch),
// which comes from the request's epochs.
const CONFIG_NAMES = CONT_NAMES.filter((name) => name !== 'epoch');
const Y_NAMES = ['time', 'val_accuracy', 'val_cross_entropy', 'val_balanced_accuracy',
                 'test_cross_entropy', 'test_balanced_accuracy'];
const TIME = Y_NAMES.indexOf('time');
const VAL_ACCURACY = Y_NAMES.indexOf('val_accuracy');
const DEFAULT_DATA = path.join(__dirname, '..', '..', '..', 'shared', 'benchmarks', 'yahpo-lcbench');

// The benchmark's files: the hyperparameters (by name, with ConfigSpace's
// type, bounds and log flag) and the task encoding.
function loadBenchmark(dataDir) {
  const space = JSON.parse(fs.readFileSync(path.join(dataDir, 'config_space.json'), 'utf8'));
  const encoding = JSON.parse(fs.readFileSync(path.join(dataDir, 'encoding.json'), 'utf8'));
  const params = new Map(space.hyperparameters.map((h) => [h.name, h]));
  return { params, encoding, model: path.join(dataDir, 'model.onnx') };
}


// The integer yahpo_gym's _integer_encode gives the task id (a string).
function taskCode(benchmark, task) {
  const param = benchmark.params.get('OpenML_task_id');
  if (!param.choices.includes(String(task))) {
    throw new Error(`--task ${task} is not an LCBench task; the tasks are ${param.choices.join(', ')}`);
  }
  return benchmark.encoding.OpenML_task_id[String(task)];
}

// Why `value` is not a legal value of hyperparameter `param`, or null.
function illegal(param, value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (param.type === 'uniform_int' && !Number.isInteger(value)) return 'must be an integer';
  if (value < param.lower || value > param.upper) {
    return `must be in [${param.lower}, ${param.upper}]`;
  }
  return null;
}

// Checks a request and returns its config and epochs, or throws an Error
// saying what is wrong with it.
function checkRequest(benchmark, request) {
  const { config, epochs } = request;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new Error("field 'config' must be an object");
  }
  const names = CONFIG_NAMES;
  for (const name of Object.keys(config)) {
    if (!names.includes(name)) {
      throw new Error(`config has '${name}', which is not an LCBench hyperparameter ` +
                      `(${names.join(', ')})`);
    }
  }
  for (const name of names) {
    if (!(name in config)) throw new Error(`config lacks '${name}'`);
    const why = illegal(benchmark.params.get(name), config[name]);
    if (why) throw new Error(`config '${name}' ${why}, got ${JSON.stringify(config[name])}`);
  }
  const epoch = benchmark.params.get('epoch');
  if (!Array.isArray(epochs) || epochs.length === 0) {
    throw new Error("field 'epochs' must be a non-empty array");
  }
  epochs.forEach((e, i) => {
    if (!Number.isInteger(e) || e < epoch.lower || e > epoch.upper) {
      throw new Error(`epoch ${JSON.stringify(e)} is outside LCBench's ${epoch.lower}..${epoch.upper}`);
    }
    if (i > 0 && e <= epochs[i - 1]) throw new Error("field 'epochs' must be ascending and distinct");
  });
  return { config, epochs };
}

// The model's inputs for `queries` (each {config, epochs}): one row per
// query and epoch, in order. Pure; what the tests check.
function encodeRows(code, queries) {
  const rows = queries.reduce((n, q) => n + q.epochs.length, 0);
  const xCat = new Int32Array(rows).fill(code);
  const xCont = new Float32Array(rows * CONT_NAMES.length);
  let row = 0;
  for (const { config, epochs } of queries) {
    for (const epoch of epochs) {
      CONT_NAMES.forEach((name, j) => {
        xCont[row * CONT_NAMES.length + j] = name === 'epoch' ? epoch : config[name];
      });
      row++;
    }
  }
  return { xCat, xCont, rows };
}

// Evaluates `queries` in one model run; per query, val_accuracy and the
// cumulative time at each of its epochs.
async function evaluate(ort, session, code, queries) {
  const { xCat, xCont, rows } = encodeRows(code, queries);
  if (rows === 0) return [];
  const output = await session.run({
    x_cat: new ort.Tensor('int32', xCat, [rows, 1]),
    x_cont: new ort.Tensor('float32', xCont, [rows, CONT_NAMES.length]),
  });
  const y = output.output.data;
  let row = 0;
  return queries.map((q) => {
    const metrics = [];
    const seconds = [];
    for (let i = 0; i < q.epochs.length; i++, row++) {
      metrics.push(y[row * Y_NAMES.length + VAL_ACCURACY]);
      seconds.push(Math.max(0, y[row * Y_NAMES.length + TIME]));
    }
    return { metrics, seconds };
  });
}

function parseArgs(argv) {
  const args = { task: null, data: DEFAULT_DATA };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--task' && i + 1 < argv.length) args.task = argv[++i];
    else if (argv[i] === '--data' && i + 1 < argv.length) args.data = argv[++i];
    else throw new Error(`unknown argument '${argv[i]}' (usage: --task ID [--data DIR])`);
  }
  if (args.task === null) throw new Error('--task ID is required (e.g. --task 167168)');
  return args;
}

// Reads request lines on stdin and answers each, in order, on stdout.
async function serve(args) {
  const ort = require('onnxruntime-node');
  const benchmark = loadBenchmark(args.data);
  const code = taskCode(benchmark, args.task);
  const session = await ort.InferenceSession.create(benchmark.model,
                                                    { intraOpNumThreads: 1, interOpNumThreads: 1 });
  let pending = [];
  let done = Promise.resolve();
  // Lines that arrive in one chunk are answered by one model run.
  const answer = async (lines) => {
    const requests = lines.map((line, i) => {
      let request;
      try {
        request = JSON.parse(line);
      } catch (e) {
        throw new Error(`stdin line is not JSON: ${line.slice(0, 120)}`);
      }
      if (request === null || typeof request !== 'object' || request.v !== PROTOCOL_VERSION ||
          !Number.isInteger(request.id)) {
        throw new Error(`stdin line is not a version ${PROTOCOL_VERSION} request: ${line.slice(0, 120)}`);
      }
      try {
        return { id: request.id, query: checkRequest(benchmark, request) };
      } catch (e) {
        return { id: request.id, error: e.message };
      }
    });
    const good = requests.filter((r) => r.query);
    const results = await evaluate(ort, session, code, good.map((r) => r.query));
    let next = 0;
    const out = requests.map((r) => JSON.stringify(r.error
      ? { v: PROTOCOL_VERSION, id: r.id, error: r.error }
      : { v: PROTOCOL_VERSION, id: r.id, ...results[next++] }));
    process.stdout.write(out.join('\n') + '\n');
  };
  const fail = (e) => {
    process.stderr.write(`lcbench_blackbox: ${e.message}\n`);
    process.exit(2);
  };
  const flush = () => {
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    done = done.then(() => answer(lines)).catch(fail);
  };
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(line);
  });
  input.on('close', () => {
    flush();
    done.then(() => process.exit(0));
  });
}

if (require.main === module) {
  try {
    serve(parseArgs(process.argv.slice(2))).catch((e) => {
      process.stderr.write(`lcbench_blackbox: ${e.message}\n`);
      process.exit(2);
    });
  } catch (e) {
    process.stderr.write(`lcbench_blackbox: ${e.message}\n`);
    process.exit(2);
  }
}

module.exports = { CONT_NAMES, CONFIG_NAMES, Y_NAMES, DEFAULT_DATA, loadBenchmark, taskCode,
                   checkRequest, encodeRows, evaluate };
