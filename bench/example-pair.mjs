// The example model's replications under two builds in one process, alternating batches, so both
// see the same machine at nearly the same moment (on a shared, loaded machine fresh processes vary
// by +-20% from run to run; bench/example-ab.mjs). Both builds are warmed first; each round times
// a batch of replications with one build, then the other (the order alternates), and the result is
// the median over rounds of events per second, and the median of the per-round ratios.
// Usage: [VSM_BENCH_CPU=1] node bench/example-pair.mjs <old dist/index.js> <new dist/index.js> [rounds=15] [batch=20] [model]
// Run it with the same build on both sides first: how far that lands from 1.00x is the noise.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [oldLib, newLib, roundsArg = '15', batchArg = '20', model = 'models/acme-saas.yaml'] = process.argv.slice(2);
if (!oldLib || !newLib) {
  process.stderr.write('usage: node bench/example-pair.mjs <old dist/index.js> <new dist/index.js> [rounds] [batch] [model]\n');
  process.exit(2);
}
const rounds = Number(roundsArg);
const batch = Number(batchArg);

async function side(lib) {
  const m = await import(pathToFileURL(resolve(lib)).href);
  const loaded = m.loadModel(resolve(model));
  const compiled = m.compile(loaded);
  let next = 0;
  // Each batch runs new replications (new seeds' streams), as a Monte Carlo run does.
  return () => {
    let events = 0;
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) events += m.runReplication(compiled, loaded.seed, next++).events;
    // VSM_BENCH_CPU=1: per CPU second of this process rather than per wall second (on a machine
    // shared with other work, time spent descheduled is not counted; caches still are shared).
    if (process.env.VSM_BENCH_CPU === '1') {
      const c = process.cpuUsage(c0);
      return events / ((c.user + c.system) / 1e6);
    }
    return events / (Number(process.hrtime.bigint() - t0) / 1e9);
  };
}

const sides = [await side(oldLib), await side(newLib)];
for (let i = 0; i < 3; i++) for (const s of sides) s(); // warm: V8 optimizes both before timing
const olds = [];
const news = [];
const ratios = [];
for (let r = 0; r < rounds; r++) {
  let o;
  let n;
  if (r % 2 === 0) {
    o = sides[0]();
    n = sides[1]();
  } else {
    n = sides[1]();
    o = sides[0]();
  }
  olds.push(o);
  news.push(n);
  ratios.push(n / o);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (xs) => (median(xs) / 1e6).toFixed(3);
console.log(`${model}, ${rounds} rounds of ${batch} replications per build, in one process; M events/s`);
console.log(`old: median ${m(olds)}; new: median ${m(news)}; ratio of medians ${(median(news) / median(olds)).toFixed(3)}x`);
const sorted = [...ratios].sort((a, b) => a - b);
console.log(`per-round new / old: median ${median(ratios).toFixed(3)}x, range ${sorted[0].toFixed(3)}-${sorted[sorted.length - 1].toFixed(3)}`);
