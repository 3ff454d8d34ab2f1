// Runs one implementation on one model once, in this fresh process, and prints one JSON line:
// {impl, model, completions, seed, events, loopSeconds, eventsPerSecond, wallSeconds, peakRssMiB, ...}
// Usage: node bench/peers/child.mjs <impl> <model> <completions> [seed]
//   impl: a key of IMPLS below; model: mm2 | jackson.
// loopSeconds covers the run call only (module loading is outside it); wallSeconds is from process
// start (process.uptime()) to just before printing; peakRssMiB is the process's peak resident set.
import { pathToFileURL } from 'node:url';

/**
 * Implementation registry. Each entry loads its module lazily (so a child pays only for its own
 * imports) and returns { mm2, jackson }, each `({ completions, seed }) => { completions, events,
 * simTime, meanLeadTime }`.
 */
export const IMPLS = {
  simjs: async () => {
    const m = await import('./simjs-models.mjs');
    return { mm2: m.runSimjsMM2, jackson: m.runSimjsJackson };
  },
  minimal: async () => {
    const m = await import('./minimal-loop.mjs');
    return { mm2: m.runMinimalMM2, jackson: m.runMinimalJackson };
  },
  // vsm-sim's own engine, as a user of the library runs it: the model file, compiled, one
  // replication; horizon set so that about `completions` items leave (warm-up 0).
  vsm: async () => {
    const m = await import('../../dist/index.js');
    const run = (file, rate) => ({ completions, seed }) => {
      const model = m.loadModel(new URL(`../models/${file}`, import.meta.url).pathname, { set: [`horizon=${completions / rate}`] });
      const compiled = m.compile(model);
      const r = m.runReplication(compiled, seed, 0);
      const f = (name) => r.streams[m.STREAM_FIGURES.indexOf(name)];
      return { completions: f('completed'), events: r.events, simTime: model.horizon, meanLeadTime: f('leadTimeMean') };
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
  const [impl, model, completionsArg, seedArg = '1'] = process.argv.slice(2);
  if (!Object.hasOwn(IMPLS, impl)) fail(`impl must be one of ${Object.keys(IMPLS).join(', ')} (got ${impl})`);
  if (!MODELS.includes(model)) fail(`model must be one of ${MODELS.join(', ')} (got ${model})`);
  const completions = Number(completionsArg);
  if (!Number.isInteger(completions) || completions <= 0) {
    fail(`completions must be a positive integer (got ${completionsArg})`);
  }
  const seed = Number(seedArg);
  if (!Number.isInteger(seed)) fail(`seed must be an integer (got ${seedArg})`);

  const run = (await IMPLS[impl]())[model];
  const t0 = process.hrtime.bigint();
  const result = run({ completions, seed });
  const t1 = process.hrtime.bigint();
  const loopSeconds = Number(t1 - t0) / 1e9;
  const wallSeconds = process.uptime();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  const line = {
    impl,
    model,
    completions: result.completions,
    seed,
    events: result.events,
    loopSeconds,
    eventsPerSecond: result.events / loopSeconds,
    wallSeconds,
    peakRssMiB,
    simTime: result.simTime,
    meanLeadTime: result.meanLeadTime,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

// Only when run as a script, so run.mjs can import IMPLS and MODELS without running a benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
