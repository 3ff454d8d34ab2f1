// Monte Carlo on the worker pool: the example model (models/acme-saas.yaml), 200 replications, on
// 1, 2 (and more where the machine has them) workers; speed-up and efficiency; what starting a
// pool costs; and peak memory against the number of replications (statistics stream, so it
// should not grow with them). Each measurement is a fresh process; medians of --runs.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./mc-child.mjs', import.meta.url));
const { POOL_WORTH_SECONDS, PROBE_SECONDS } = await import('../dist/runner/executor.js');
const CONSTANTS = { poolWorth: POOL_WORTH_SECONDS, probeSeconds: PROBE_SECONDS };

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
    const rows = counts.map((w) => {
      const xs = [];
      for (let r = 0; r < runs; r++) {
        const x = child(['run', w, reps, horizon]);
        log(`monte carlo: horizon ${horizon}, ${w} worker(s), ${reps} replications: ${x.seconds.toFixed(2)} s`);
        xs.push(x);
      }
      return { horizon, workers: w, replications: reps, seconds: median(xs.map((x) => x.seconds)), threadsUsed: xs[0].threadsUsed, peakRssMiB: median(xs.map((x) => x.peakRssMiB)) };
    });
    for (const w of rows) {
      w.speedup = rows[0].seconds / w.seconds;
      w.efficiency = w.speedup / w.workers;
    }
    workers.push(...rows);
  }
  const poolStart = counts.map((t) => {
    const xs = Array.from({ length: runs }, () => child(['pool', t]));
    return { threads: t, startSeconds: median(xs.map((x) => x.startSeconds)) };
  });
  const memory = (quick ? [50, 200] : [200, 1000]).map((n) => {
    const x = child(['run', Math.min(2, cores), n]);
    log(`memory: ${n} replications: peak RSS ${x.peakRssMiB.toFixed(0)} MiB`);
    return { replications: n, peakRssMiB: x.peakRssMiB, seconds: x.seconds };
  });
  return { reps, cores, workers, poolStart, memory, ...CONSTANTS };
}

export function monteCarloSection(ctx) {
  const mc = ctx.monteCarlo;
  if (!mc) return '';
  const rows = mc.workers.map((w) => `| ${w.horizon} | ${w.workers} | ${w.threadsUsed || 'in-process'} | ${w.seconds.toFixed(2)} | ${w.speedup.toFixed(2)}x | ${(w.efficiency * 100).toFixed(0)}% | ${w.peakRssMiB.toFixed(0)} |`);
  const pool = mc.poolStart.map((p) => `| ${p.threads} | ${(p.startSeconds * 1000).toFixed(0)} ms |`);
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

With N workers the main thread is one of them and N - 1 pool threads help. The helpers boot on their
own cores while the main thread runs replications for ${mc.probeSeconds} s; if the work left is under
${mc.poolWorth} s (POOL_WORTH_SECONDS) it finishes alone and the helpers are let go, so start-up never
dominates a small run. A fresh helper runs its first replications before V8 has optimized them, which is
what a sub-second run cannot amortize.

Peak memory against the number of replications (statistics stream; nothing is kept per item or per replication):

| replications | peak RSS MiB | seconds |
| ---: | ---: | ---: |
${mem.join('\n')}
`;
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  console.log(JSON.stringify(runMonteCarlo({ quick, runs: quick ? 1 : 3 }), null, 2));
}
