// Monte Carlo on the worker pool: the example model (models/acme-saas.yaml), 200 replications, on
// 1, 2 (and more where the machine has them) workers; speed-up and efficiency; what starting a
// pool costs; and peak memory against the number of replications (statistics stream, so it
// should not grow with them). Each measurement is a fresh process; medians of --runs.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./mc-child.mjs', import.meta.url));
const { POOL_WORTH_SECONDS } = await import('../dist/runner/executor.js');
const CONSTANTS = { poolWorth: POOL_WORTH_SECONDS };

function child(args) {
  const res = spawnSync(process.execPath, [CHILD, ...args.map(String)], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`mc-child ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function runMonteCarlo({ runs = 3, quick = false, log = console.error } = {}) {
  const reps = quick ? 40 : 200;
  const cores = availableParallelism();
  const counts = [1, 2, ...(cores > 2 ? [cores] : [])];
  // The example as shipped (horizon 360: a whole run is under half a second), and the same
  // model measured ten times as long, where the work outweighs starting and warming threads.
  const workers = [];
  for (const horizon of [360, 3600]) {
    // Runs alternate between worker counts, so a noisy spell on the shared machine hits all alike.
    const xs = counts.map(() => []);
    for (let r = 0; r < runs; r++) {
      counts.forEach((w, i) => {
        const x = child(['run', w, reps, horizon]);
        log(`monte carlo: horizon ${horizon}, ${w} worker(s), ${reps} replications: ${x.seconds.toFixed(2)} s`);
        xs[i].push(x);
      });
    }
    const rows = counts.map((w, i) => ({ horizon, workers: w, replications: reps, seconds: median(xs[i].map((x) => x.seconds)), threadsUsed: median(xs[i].map((x) => x.threadsUsed)), peakRssMiB: median(xs[i].map((x) => x.peakRssMiB)) }));
    for (const w of rows) {
      w.speedup = rows[0].seconds / w.seconds;
      w.efficiency = w.speedup / w.workers;
    }
    workers.push(...rows);
  }
  // What a fresh thread pays before V8 has optimized the simulator: its first replications
  // against a warm one, in a fresh process.
  const warmup = [360, 3600].map((horizon) => {
    const xs = Array.from({ length: runs }, () => child(['warm', horizon]));
    return { horizon, firstSeconds: median(xs.map((x) => x.firstSeconds)), warmSeconds: median(xs.map((x) => x.warmSeconds)), excessSeconds: median(xs.map((x) => x.excessSeconds)) };
  });
  const poolStart = counts.map((t) => {
    const xs = Array.from({ length: runs }, () => child(['pool', t]));
    return { threads: t, startSeconds: median(xs.map((x) => x.startSeconds)) };
  });
  const memory = (quick ? [50, 200] : [200, 1000]).map((n) => {
    const x = child(['run', Math.min(2, cores), n]);
    log(`memory: ${n} replications: peak RSS ${x.peakRssMiB.toFixed(0)} MiB`);
    return { replications: n, peakRssMiB: x.peakRssMiB, seconds: x.seconds };
  });
  return { reps, cores, workers, poolStart, warmup, memory, ...CONSTANTS };
}

export function monteCarloSection(ctx) {
  const mc = ctx.monteCarlo;
  if (!mc) return '';
  const rows = mc.workers.map((w) => `| ${w.horizon} | ${w.workers} | ${w.threadsUsed || 'in-process'} | ${w.seconds.toFixed(2)} | ${w.speedup.toFixed(2)}x | ${(w.efficiency * 100).toFixed(0)}% | ${w.peakRssMiB.toFixed(0)} |`);
  const pool = mc.poolStart.map((p) => `| ${p.threads} | ${(p.startSeconds * 1000).toFixed(0)} ms |`);
  const warm = mc.warmup.map((w) => `| ${w.horizon} | ${(w.firstSeconds * 1000).toFixed(0)} ms | ${(w.warmSeconds * 1000).toFixed(1)} ms | ${(w.excessSeconds * 1000).toFixed(0)} ms |`);
  const mem = mc.memory.map((m) => `| ${m.replications} | ${m.peakRssMiB.toFixed(0)} | ${m.seconds.toFixed(1)} |`);
  return `## Monte Carlo on worker threads

models/acme-saas.yaml, ${mc.reps} replications, ${mc.cores} cores; median of ${ctx.opts.runs} fresh processes each.

| horizon (days) | workers asked | threads used | seconds | speed-up | efficiency | peak RSS MiB |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Starting a pool (threads spawned, each loading the simulator, one empty task each):

| threads | start-up |
| ---: | ---: |
${pool.join('\n')}

Warming a thread: replications one at a time in a fresh process; *excess* is what the first 30 cost
over 30 warm ones, before V8 has optimized the simulator (every new thread pays it again):

| horizon (days) | first replication | warm replication | warm-up excess |
| ---: | ---: | ---: | ---: |
${warm.join('\n')}

With N workers the main thread is one of them and N - 1 pool threads help. The helpers start on
real work as soon as they are up, with chunks that hold at most 20 ms of work and shrink as the run
drains; when no work is left to hand out, the main thread runs the first replication not yet
finished itself (a backup copy: a replication's figures depend only on its seed, so whichever copy
finishes first is merged). A slow, cold or dead helper therefore never holds a run up. Runs estimated under ${mc.poolWorth} s of work (POOL_WORTH_SECONDS) stay in-process: on 2
cores a helper's start and warm-up also slow the main thread's own warm-up, and below about 150
replications of the example (0.3 s on one thread) a pool costs more than it saves. The speed-up on
a sub-second run is bounded by those fixed costs, paid once per thread; on the ten-year horizon
they are small against the work.

Peak memory against the number of replications (statistics stream; nothing is kept per item, and a
replication's figures are kept only until the ones before it have been merged):

| replications | peak RSS MiB | seconds |
| ---: | ---: | ---: |
${mem.join('\n')}
`;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  console.log(JSON.stringify(runMonteCarlo({ quick, runs: quick ? 1 : 3 }), null, 2));
}
