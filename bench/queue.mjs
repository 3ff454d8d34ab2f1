// The job queue (src/queue): what a chunk costs, how a run scales with worker processes on this
// machine, and a paper estimate for a cluster. Starts its own redis-server on a free loopback port
// and `vsm worker` processes (one thread each), all stopped at the end. Needs `npm run build`.
// Usage: node bench/queue.mjs [--out FILE]   (default bench/QUEUE.md; never run inside a test)
//
// 1. Chunk overhead: the same 240 short replications (test/fixtures/small.yaml, ~1 ms each) on one
//    worker, in chunks of 1 and in chunks of 240; the difference over the extra chunks is what one
//    chunk costs end to end (enqueue, take, lock, return, event, merge).
// 2. Scaling: models/acme-saas.yaml, horizon 3600 days, 64 replications, default chunks, on 1, 2 and
//    4 worker processes, against the same run in-process.
// 3. The council's sweep (4 shared services x 3 allocations x 5 capacities = 60 points and the base,
//    1,000 replications) on 20 machines, from the measured replication time and chunk overhead.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli/main.js');
const lib = await import(join(ROOT, 'dist/index.js'));
const { loadModel, simulateModels, openQueue, parseQueueAddress } = lib;
const args = process.argv.slice(2);
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : join(ROOT, 'bench/QUEUE.md');

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(os.tmpdir(), 'vsm-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.on('data', (d) => String(d).includes('Ready to accept') && resolve()));
  return { url: `redis://127.0.0.1:${port}`, stop: () => (child.kill(), rmSync(dir, { recursive: true, force: true })) };
}

async function startWorkers(url, n) {
  const ws = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [CLI, 'worker', '--queue', url, '-w', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    ws.push({ child, ready: new Promise((resolve) => child.stderr.on('data', () => log.includes('listening') && resolve())) });
  }
  await Promise.all(ws.map((w) => w.ready));
  return { stop: () => Promise.all(ws.map((w) => new Promise((r) => (w.child.once('exit', r), w.child.kill('SIGINT'))))) };
}

const seconds = async (f) => {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const redis = await startRedis();
const address = parseQueueAddress(redis.url, {});
const lines = [];
try {
  // 1. Chunk overhead.
  const small = loadModel(join(ROOT, 'test/fixtures/small.yaml'));
  const workers = await startWorkers(redis.url, 1);
  const q1 = await openQueue(address, { chunk: 1 });
  const qBig = await openQueue(address, { chunk: 240 });
  const R = 240;
  await simulateModels([small], { replications: 40, remote: q1 }); // warm the worker
  const perChunk = [];
  const times = { one: [], big: [] };
  for (let i = 0; i < 3; i++) {
    const one = await seconds(() => simulateModels([small], { replications: R, remote: q1 }));
    const big = await seconds(() => simulateModels([small], { replications: R, remote: qBig }));
    times.one.push(one);
    times.big.push(big);
    perChunk.push((one - big) / (R - 1));
  }
  await q1.close();
  await qBig.close();
  await workers.stop();
  const overhead = median(perChunk);
  lines.push(`## Chunk overhead`, '', `${R} replications of test/fixtures/small.yaml on one worker process (one thread); median of 3.`, '');
  lines.push(`| chunks | seconds |`, `| ---: | ---: |`, `| ${R} (1 replication each) | ${median(times.one).toFixed(3)} |`, `| 1 (${R} replications) | ${median(times.big).toFixed(3)} |`, '');
  lines.push(`One chunk costs **${(overhead * 1000).toFixed(2)} ms** end to end (median of ${perChunk.map((x) => (x * 1000).toFixed(2)).join(', ')} ms).`, '');

  // 2. Scaling with worker processes.
  const acme = loadModel(join(ROOT, 'models/acme-saas.yaml'), { set: ['horizon=3600'] });
  const N = 64;
  const local = await seconds(() => simulateModels([acme], { replications: N, workers: 1 }));
  const perReplication = local / N;
  lines.push(`## Scaling with worker processes`, '', `models/acme-saas.yaml at horizon 3600 days, ${N} replications, default chunks; one thread per worker process; ${os.availableParallelism()} cores shared with whatever else runs (load average ${os.loadavg()[0].toFixed(1)} at the start).`, '');
  lines.push(`| where | seconds | speed-up over in-process |`, `| --- | ---: | ---: |`, `| in-process, 1 thread | ${local.toFixed(2)} | 1.00x |`);
  for (const n of [1, 2, 4]) {
    const ws = await startWorkers(redis.url, n);
    const q = await openQueue(address);
    await simulateModels([acme], { replications: 8, remote: q }); // warm every worker a little
    const t = await seconds(() => simulateModels([acme], { replications: N, remote: q }));
    await q.close();
    await ws.stop();
    lines.push(`| queue, ${n} worker process${n > 1 ? 'es' : ''} | ${t.toFixed(2)} | ${(local / t).toFixed(2)}x |`);
  }
  lines.push('');

  // 3. Paper estimate.
  const acme360 = loadModel(join(ROOT, 'models/acme-saas.yaml'));
  const warm = (await seconds(() => simulateModels([acme360], { replications: 100, workers: 1 }))) / 100;
  // What the submitter pays per model and replication: decoding a chunk's figures and merging them.
  const { encode, decode } = await import(join(ROOT, 'dist/queue/codec.js'));
  const { compile } = lib;
  const one = lib.runReplication(compile(acme360), 1, 0, { maxWip: 100_000 });
  one.trace = null;
  const text = encode([[one]]);
  const tDecode = await seconds(async () => {
    for (let i = 0; i < 2000; i++) decode(text);
  });
  const decodeEach = tDecode / 2000;
  const points = 4 * 3 * 5 + 1;
  const reps = 1000;
  const work = points * reps * warm; // CPU seconds
  const machines = 20;
  const cores = 8;
  const perRep = points * warm; // one replication of every point: what the runner puts in a chunk unit
  const chunkSize = Math.max(1, Math.min(Math.round(0.25 / perRep), Math.ceil(reps / 64)));
  const chunks = Math.ceil(reps / chunkSize);
  const cluster = work / (machines * cores) + (chunks * overhead) / (machines * cores) + chunkSize * perRep;
  lines.push(`## Paper estimate: the council's sweep on ${machines} machines`, '');
  lines.push(`- measured here: a replication of models/acme-saas.yaml (horizon 360 days) takes ${(warm * 1000).toFixed(1)} ms in-process (mean of 100); a chunk costs ${(overhead * 1000).toFixed(2)} ms.`);
  lines.push(`- the sweep: ${points} models (60 points and the base) x ${reps} replications = ${(work / 3600).toFixed(2)} CPU hours on one core like this one; ${(work / 60).toFixed(1)} minutes on one such core, ${(work / 60 / os.availableParallelism()).toFixed(1)} on this ${os.availableParallelism()}-core machine at best.`);
  lines.push(`- the runner cuts it into ${chunks} chunks of ${chunkSize} replication(s) of all ${points} models (${(chunkSize * perRep).toFixed(2)} s of work each).`);
  lines.push(`- on ${machines} machines of ${cores} such cores: ${(work / (machines * cores)).toFixed(1)} s of simulation per core, ${((chunks * overhead) / (machines * cores)).toFixed(3)} s of chunk overhead per core, and up to one chunk (${(chunkSize * perRep).toFixed(2)} s) of tail: about **${cluster.toFixed(0)} s**, if the replications run as fast there as here and the submitter keeps up: it decodes ${reps} x ${points} replication results of ${(text.length / 1024).toFixed(1)} KiB each (${(decodeEach * 1000).toFixed(3)} ms each here, ${(reps * points * decodeEach).toFixed(1)} s in all) and merges them, on one thread, while the cluster runs.`);
  lines.push(`- ${chunks} chunks over ${machines * cores} threads is ${(chunks / (machines * cores)).toFixed(1)} chunks a thread: the last round leaves threads idle for up to one chunk, the tail above.`);
} finally {
  redis.stop();
}

const report = `# Job queue benchmark (bench/queue.mjs)\n\n- date: ${new Date().toISOString()}\n- machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.availableParallelism()} logical cores, node ${process.version}\n\n${lines.join('\n')}\n`;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, report);
process.stdout.write(report);
