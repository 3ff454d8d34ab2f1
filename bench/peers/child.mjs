// Runs one implementation on one model in this fresh process, and prints one JSON line:
// {impl, model, completions, seed, events, loopSeconds, eventsPerSecond, warmLoopSeconds,
//  warmEventsPerSecond, wallSeconds, peakRssMiB, ...}
// Usage: node bench/peers/child.mjs <impl> <model> <completions> [seed] [reps]
//   impl: a key of IMPLS below; model: mm2 | jackson; reps (default 3): runs in this process.
// loopSeconds times the first run (cold: V8 optimizes while it runs), warmLoopSeconds the last of
// `reps` identical runs (steady state, as every replication after the first few of a Monte Carlo
// run). Set-up outside the loop (loading and compiling a model file) is not timed. wallSeconds is
// from process start (process.uptime()) to the end of the first run; peakRssMiB is the peak
// resident set by then.
import { pathToFileURL } from 'node:url';

/**
 * Implementation registry. Each entry loads its module lazily (so a child pays only for its own
 * imports) and returns { mm2, jackson }, each `({ completions, seed }) => run`, where the untimed
 * set-up has been done and `run()` returns { completions, events, simTime, meanLeadTime }.
 */
export const IMPLS = {
  simjs: async () => {
    const m = await import('./simjs-models.mjs');
    return { mm2: (o) => () => m.runSimjsMM2(o), jackson: (o) => () => m.runSimjsJackson(o) };
  },
  minimal: async () => {
    const m = await import('./minimal-loop.mjs');
    return { mm2: (o) => () => m.runMinimalMM2(o), jackson: (o) => () => m.runMinimalJackson(o) };
  },
  // The minimal loops that also compute every figure vsm-sim reports (minimal-figures.mjs).
  figures: async () => {
    const m = await import('./minimal-figures.mjs');
    return { mm2: (o) => () => m.runMinimalFiguresMM2(o), jackson: (o) => () => m.runMinimalFiguresJackson(o) };
  },
  // vsm-sim's own engine, as a user of the library runs it: the model file, compiled (untimed),
  // one replication; horizon set so that about `completions` items leave (warm-up 0).
  vsm: async () => {
    const m = await import('../../dist/index.js');
    const run = (file, rate) => ({ completions, seed }) => {
      const model = m.loadModel(new URL(`../models/${file}`, import.meta.url).pathname, { set: [`horizon=${completions / rate}`] });
      const compiled = m.compile(model);
      return () => {
        const r = m.runReplication(compiled, seed, 0);
        const f = (name) => r.streams[m.STREAM_FIGURES.indexOf(name)];
        return { completions: f('completed'), events: r.events, simTime: model.horizon, meanLeadTime: f('leadTimeMean') };
      };
    };
    return { mm2: run('mm2.yaml', 9), jackson: run('jackson.yaml', 4) };
  },
};

export const MODELS = ['mm2', 'jackson'];

function fail(message) {
  process.stderr.write(`bench/peers/child.mjs: ${message}\n`);
  process.exit(2);
}

async function main() {
  const [impl, model, completionsArg, seedArg = '1', repsArg = '3'] = process.argv.slice(2);
  if (!Object.hasOwn(IMPLS, impl)) fail(`impl must be one of ${Object.keys(IMPLS).join(', ')} (got ${impl})`);
  if (!MODELS.includes(model)) fail(`model must be one of ${MODELS.join(', ')} (got ${model})`);
  const completions = Number(completionsArg);
  if (!Number.isInteger(completions) || completions <= 0) {
    fail(`completions must be a positive integer (got ${completionsArg})`);
  }
  const seed = Number(seedArg);
  if (!Number.isInteger(seed)) fail(`seed must be an integer (got ${seedArg})`);
  const reps = Number(repsArg);
  if (!Number.isInteger(reps) || reps < 1) fail(`reps must be a positive integer (got ${repsArg})`);

  const run = (await IMPLS[impl]())[model]({ completions, seed });
  const timed = () => {
    const t0 = process.hrtime.bigint();
    const result = run();
    return { result, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  };
  const first = timed();
  const wallSeconds = process.uptime();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  let last = first;
  for (let r = 1; r < reps; r++) last = timed();
  const result = first.result;
  if (last.result.events !== result.events) fail(`run ${reps} processed ${last.result.events} events, the first ${result.events}: runs must repeat exactly`);
  const line = {
    impl,
    model,
    completions: result.completions,
    seed,
    events: result.events,
    loopSeconds: first.seconds,
    eventsPerSecond: result.events / first.seconds,
    warmLoopSeconds: last.seconds,
    warmEventsPerSecond: result.events / last.seconds,
    reps,
    wallSeconds,
    peakRssMiB,
    simTime: result.simTime,
    meanLeadTime: result.meanLeadTime,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

// Only when run as a script, so run.mjs can import IMPLS and MODELS without running a benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
