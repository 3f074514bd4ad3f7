// A local Lambda Invoke endpoint whose function sleeps: it answers
// POST /2015-03-31/functions/{name}/invocations after --sleep-ms (1000) with
// a version 2 result for the job in the request (doc/job-protocol.md), and
// an X-Amz-Log-Result REPORT line as AWS sends. GET /bench/ends returns
// {"<job id>": <epoch microseconds the answer was sent>, ...} so the driver
// can measure the gap between a job's end and its next job's start.
// Requests are not signature-checked. Prints "listening on PORT" once ready.
// Usage: node sleep_endpoint.js [--port N] [--sleep-ms N] [--memory-mb N]
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`sleep_endpoint: ${name} needs a non-negative integer`);
    process.exit(2);
  }
  return value;
}

const port = option('--port', 0);
const sleepMs = option('--sleep-ms', 1000);
const memoryMb = option('--memory-mb', 1769);
const invokePath = /^\/2015-03-31\/functions\/[A-Za-z0-9_-]{1,64}\/invocations(\?Qualifier=[A-Za-z0-9$_-]+)?$/;
const ends = new Map();  // job id -> epoch microseconds the answer was sent

function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function answer(res, status, headers, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function invoke(req, res, text) {
  let job;
  try {
    job = JSON.parse(text);
    if (!Number.isSafeInteger(job.job) || !Number.isInteger(job.trial) || !Number.isInteger(job.rung)) {
      throw new Error('job, trial and rung must be integers');
    }
  } catch (err) {
    answer(res, 200, { 'X-Amz-Function-Error': 'Unhandled' },
           JSON.stringify({ errorMessage: `bad job: ${err.message}`, errorType: 'InvalidJob' }));
    return;
  }
  const started = performance.now();
  setTimeout(() => {
    const ms = performance.now() - started;
    const requestId = crypto.randomUUID();
    const report = `REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\t` +
                   `Billed Duration: ${Math.ceil(ms)} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: 40 MB\t\n`;
    const result = {
      v: 2, job: job.job, trial: job.trial, rung: job.rung, outcome: 'ok', metric: 0.5,
      epochs_trained: job.epochs_to || 1, seconds: ms / 1000, error: '', billed_ms: 0, memory_mb: 0,
    };
    ends.set(job.job, nowMicros());
    answer(res, 200, {
      'X-Amz-Executed-Version': '$LATEST',
      'X-Amzn-RequestId': requestId,
      'X-Amz-Log-Result': Buffer.from(report).toString('base64'),
    }, JSON.stringify(result));
  }, sleepMs);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/bench/ends') {
    answer(res, 200, {}, JSON.stringify(Object.fromEntries(ends)));
    return;
  }
  if (req.method !== 'POST' || !invokePath.test(req.url)) {
    answer(res, 404, { 'X-Amzn-ErrorType': 'ResourceNotFoundException' },
           JSON.stringify({ Type: 'User', message: `no such resource: ${req.method} ${req.url}` }));
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => invoke(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 130000;
server.requestTimeout = 0;
server.maxConnections = 20000;
// A backlog for a thousand connections arriving at once (Node's default is 511).
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
  console.log(`listening on ${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
