#!/usr/bin/env node
// Observation driver for Node.js's built-in fetch (undici) and axios; see PROTOCOL.md.
// Reads {"client": "fetch"|"axios", "jobs": [...]} on stdin, prints JSON lines on stdout:
// first the client's version, then one line per job, in order.
import { createRequire } from 'node:module';

const JOB_TIMEOUT_MS = 10_000;

function loadAxios() {
  // Resolve axios from tests/node (its package.json), i.e. ../node/node_modules/axios.
  const require = createRequire(new URL('../node/package.json', import.meta.url));
  const mod = require('axios');
  return mod.default ?? mod;
}

// Content as a string, the way most code sends it (JSON.stringify…). (With a Buffer, Node
// 20's fetch fails to repeat a POST after a 307 or 308: "Cannot perform
// ArrayBuffer.prototype.slice on a detached ArrayBuffer".)
function body(size) {
  return size > 0 ? 'x'.repeat(size) : undefined;
}

function failure(error, extra = {}) {
  return { status: null, ok: null, error, length: null, ...extra };
}

// A short, stable name for anything thrown: never a message with a URL or port in it.
function safeName(value, fallback = 'Error') {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,80}$/.test(value) ? value : fallback;
}

function isTimeout(err, signal) {
  return signal.aborted || err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError';
}

function fetchError(err, signal) {
  if (isTimeout(err, signal)) return 'timeout';
  const cause = err?.cause;
  if (cause) {
    if (cause.code) return safeName(String(cause.code));
    // undici's own network errors carry only a message ('redirect count exceeded'), which
    // names no host or port, or none at all (a 407): then what the caller sees, 'fetch failed'
    if (cause.name === 'Error' && /^[a-z ]+$/.test(cause.message || '')) return cause.message;
    if (cause.name === 'Error' && !cause.message) return `${err.name}: ${err.message}`;
    if (cause.name) return safeName(cause.name);
  }
  return safeName(err?.name, 'Error');
}

async function fetchStep(step, signal) {
  let response;
  try {
    response = await fetch(step.url, {
      method: step.method || 'GET',
      headers: step.headers || {},
      body: body(step.body_size || 0),
      signal,
    });
  } catch (err) {
    return failure(fetchError(err, signal));
  }
  // The client reported a status; reading the content may still fail (kept as error).
  try {
    const content = await response.arrayBuffer();
    return { status: response.status, ok: response.ok, error: null, length: content.byteLength };
  } catch (err) {
    return { status: response.status, ok: response.ok, error: fetchError(err, signal), length: null };
  }
}

async function runFetchJob(job) {
  const steps = job.steps || [];
  if (job.auth) {
    // fetch has no credentials option and refuses URLs that carry credentials.
    return steps.map(() => failure('unsupported'));
  }
  const signal = AbortSignal.timeout(JOB_TIMEOUT_MS);
  const results = [];
  for (const step of steps) {
    // One turn of the event loop first: undici hands the kept-alive connection back to its
    // pool only after the body promise resolves, and without this yield the next step opens
    // a second connection instead of reusing the first.
    if (results.length) await new Promise(setImmediate);
    results.push(await fetchStep(step, signal));
  }
  return results;
}

function dataLength(data) {
  if (data == null) return null;
  if (typeof data.byteLength === 'number') return data.byteLength;
  if (typeof data === 'string') return Buffer.byteLength(data);
  return null;
}

async function runAxiosJob(axios, job) {
  const signal = AbortSignal.timeout(JOB_TIMEOUT_MS);
  const config = { responseType: 'arraybuffer', timeout: JOB_TIMEOUT_MS, signal };
  if (job.auth) {
    const text = String(job.auth);
    const at = text.indexOf(':');
    config.auth = at < 0 ? { username: text, password: '' }
      : { username: text.slice(0, at), password: text.slice(at + 1) };
  }
  const client = axios.create(config);
  const results = [];
  for (const step of job.steps || []) {
    try {
      const response = await client.request({
        method: step.method || 'GET',
        url: step.url,
        headers: { ...(step.headers || {}) },
        data: body(step.body_size || 0),
      });
      results.push({ status: response.status, ok: true, error: null, length: dataLength(response.data) });
    } catch (err) {
      const timedOut = isTimeout(err, signal) || err?.code === 'ECONNABORTED' || err?.code === 'ETIMEDOUT';
      const name = timedOut ? 'timeout' : safeName(err?.code || err?.name, 'Error');
      if (err?.response) {
        results.push({ status: err.response.status, ok: false, error: name,
                       length: dataLength(err.response.data) });
      } else {
        results.push(failure(name, { ok: false }));
      }
    }
  }
  return results;
}

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function emit(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

async function main() {
  const input = JSON.parse(await readStdin());
  const clientName = input.client;
  let runJob;
  if (clientName === 'fetch') {
    const version = { version: process.version.replace(/^v/, '') };
    if (process.versions.undici) version.undici = process.versions.undici;
    emit(version);
    runJob = runFetchJob;
  } else if (clientName === 'axios') {
    const axios = loadAxios();
    emit({ version: axios.VERSION });
    runJob = (job) => runAxiosJob(axios, job);
  } else {
    process.stderr.write(`node_clients.mjs: unknown client ${JSON.stringify(clientName)}\n`);
    process.exitCode = 2;
    return;
  }
  for (const job of input.jobs || []) {
    let results;
    try {
      results = await runJob(job);
    } catch (err) {  // a bug or an odd job: report it, go on
      results = (job?.steps || [null]).map(() => failure(safeName(err?.code || err?.name, 'Error')));
    }
    emit({ id: job?.id ?? null, results });
  }
}

main()
  .catch((err) => {
    process.stderr.write(`node_clients.mjs: ${err?.stack || err}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    // Flush stdout, then exit: kept-alive or hung sockets must not keep the process running.
    process.stdout.write('', () => process.exit(process.exitCode ?? 0));
  });
