// One Monte Carlo measurement in a fresh process, printed as one JSON line.
// Usage: node bench/mc-child.mjs run <workers> <replications> [horizon]  (the example model, timed)
//        node bench/mc-child.mjs pool <threads>                 (cost of starting a pool)
//        node bench/mc-child.mjs warm <horizon>                 (a fresh thread's warm-up)
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const [what, a, b, horizon] = process.argv.slice(2);
const lib = await import('../dist/index.js');
const h = what === 'warm' ? a : horizon;
const model = lib.loadModel(fileURLToPath(new URL('../models/acme-saas.yaml', import.meta.url)), { set: h ? [`horizon=${h}`] : [] });

if (what === 'run') {
  const workers = Number(a);
  const replications = Number(b);
  const t0 = performance.now();
  const out = await lib.simulateModels([model], { workers, replications });
  const seconds = (performance.now() - t0) / 1000;
  const events = out.summaries[0].events;
  console.log(JSON.stringify({ what, workers, horizon: model.horizon, threadsUsed: out.workers, replications, seconds, events,
    peakRssMiB: process.resourceUsage().maxRSS / 1024, cores: availableParallelism() }));
} else if (what === 'pool') {
  // Start a pool, run one empty task on every thread (each loads the simulator), close it.
  const { pool } = await import('../dist/runner/executor.js');
  const threads = Number(a);
  const t0 = performance.now();
  const p = pool(threads);
  await Promise.all(Array.from({ length: threads }, () => p.run({ models: [model], seed: 1, first: 0, count: 0, maxWip: 1, loops: ["general"] })));
  const started = (performance.now() - t0) / 1000;
  await p.close();
  console.log(JSON.stringify({ what, threads, startSeconds: started, totalSeconds: (performance.now() - t0) / 1000 }));
} else if (what === 'warm') {
  // Replications one at a time, as the main thread runs them: the first ones run before V8 has
  // optimized the simulator. Excess: what the first 30 cost over 30 warm ones (the median of the
  // next 30).
  const compiled = lib.compile(model);
  const times = [];
  for (let r = 0; r < 60; r++) {
    const t0 = performance.now();
    lib.runReplication(compiled, 1, r);
    times.push((performance.now() - t0) / 1000);
  }
  const later = times.slice(30).sort((x, y) => x - y);
  const warm = (later[14] + later[15]) / 2;
  const excess = times.slice(0, 30).reduce((sum, t) => sum + t, 0) - 30 * warm;
  console.log(JSON.stringify({ what, horizon: model.horizon, firstSeconds: times[0], warmSeconds: warm, excessSeconds: excess }));
}
