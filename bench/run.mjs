// Benchmark runner: every (impl, model) pair N times, each run in its own child process
// (bench/peers/child.mjs), one at a time; medians, ratios, a table on stdout and a Markdown report.
// Usage: node bench/run.mjs [--runs N] [--quick] [--impl a,b] [--model mm2,jackson] [--seed S] [--out FILE]
//                          [--only throughput,montecarlo,scale]
//   --quick   1/10 of the completions; the report goes to bench/out/ (so a quick
//             run never overwrites bench/RESULTS.md).
// Runs are interleaved (round r runs every pair once before round r+1) so drift in machine load
// hits all pairs alike. Never run this inside a test (STYLE.md: bench/ is run by a script).
//
// The report is a list of sections, each a function (ctx) => Markdown. More sections (Monte Carlo
// workers, scale, memory) are added by pushing to SECTIONS, or by passing a list to writeReport().
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IMPLS, MODELS } from './peers/child.mjs';
import { monteCarloSection, runMonteCarlo } from './montecarlo.mjs';
import { formatScale, runScale } from './scale.mjs';

/** Report section: cost per event against the number of items in flight. */
export function scaleSection(ctx) {
  if (!ctx.scale) return '';
  return `## Scale: cost per event against items in flight

Median of ${ctx.opts.quick ? 1 : 3} timed runs each, in one process after a warm-up (bench/scale.mjs). A binary-heap
calendar should grow like log n: the last column is that yardstick.

\`\`\`
${formatScale(ctx.scale)}
\`\`\`
`;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'peers', 'child.mjs');

/** Completions per run at full size; the benchmark models of the performance issue. */
export const FULL_COMPLETIONS = { mm2: 2_000_000, jackson: 1_000_000 };
export const MODEL_TITLES = {
  mm2: 'A: M/M/2, lambda 9, mu 5 (rho 0.9)',
  jackson: 'B: Jackson network S1 -> S2 -> S3, 20% back to S2 (rho 0.8 each)',
};

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function parseArgs(argv) {
  const opts = { runs: null, quick: false, impls: Object.keys(IMPLS), models: MODELS, seed: 1, out: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`bench/run.mjs: ${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') opts.quick = true;
    else if (a === '--runs') opts.runs = Number(value());
    else if (a === '--impl') opts.impls = value().split(',');
    else if (a === '--model') opts.models = value().split(',');
    else if (a === '--seed') opts.seed = Number(value());
    else if (a === '--out') opts.out = value();
    else if (a === '--only') opts.only = value().split(',');
    else throw new Error(`bench/run.mjs: unknown option ${a}`);
  }
  opts.runs ??= 5;
  opts.out ??= opts.quick ? join(HERE, 'out', 'RESULTS-quick.md') : join(HERE, 'RESULTS.md');
  const problems = [];
  if (!Number.isInteger(opts.runs) || opts.runs < 1) problems.push(`--runs must be a positive integer (got ${opts.runs})`);
  if (!Number.isInteger(opts.seed)) problems.push(`--seed must be an integer (got ${opts.seed})`);
  for (const impl of opts.impls) {
    if (!Object.hasOwn(IMPLS, impl)) problems.push(`--impl ${impl} is not one of ${Object.keys(IMPLS).join(', ')}`);
  }
  for (const m of opts.models) if (!MODELS.includes(m)) problems.push(`--model ${m} is not one of ${MODELS.join(', ')}`);
  if (problems.length) throw new Error(`bench/run.mjs:\n  ${problems.join('\n  ')}`);
  return opts;
}

/** One fresh process, one run; returns child.mjs's JSON line. */
export function runChild(impl, model, completions, seed) {
  const args = [CHILD, impl, model, String(completions), String(seed)];
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (res.status !== 0) {
    throw new Error(`child ${impl} ${model} ${completions} exited ${res.status}: ${res.stderr.trim()}`);
  }
  const lines = res.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: os.totalmem() / 2 ** 30,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
  };
}

/** Runs all pairs, returns one summary per (impl, model) with medians and ratios. */
export function runThroughput(opts, log = console.error) {
  const scale = opts.quick ? 0.1 : 1;
  const pairs = [];
  for (const model of opts.models) for (const impl of opts.impls) pairs.push({ impl, model, runs: [] });
  for (let r = 0; r < opts.runs; r++) {
    for (const p of pairs) {
      const completions = Math.round(FULL_COMPLETIONS[p.model] * scale);
      const line = runChild(p.impl, p.model, completions, opts.seed);
      p.runs.push(line);
      log(`run ${r + 1}/${opts.runs} ${p.impl.padEnd(8)} ${p.model.padEnd(8)} ` +
        `${(line.eventsPerSecond / 1e6).toFixed(2)}M events/s (warm ${(line.warmEventsPerSecond / 1e6).toFixed(2)}M)  ${line.loopSeconds.toFixed(3)} s`);
    }
  }
  const rows = pairs.map(({ impl, model, runs }) => {
    const eps = runs.map((x) => x.eventsPerSecond);
    return {
      impl,
      model,
      runs: runs.length,
      completions: runs[0].completions,
      events: median(runs.map((x) => x.events)),
      loopSeconds: median(runs.map((x) => x.loopSeconds)),
      eventsPerSecond: median(eps),
      epsMin: Math.min(...eps),
      epsMax: Math.max(...eps),
      warmEventsPerSecond: median(runs.map((x) => x.warmEventsPerSecond)),
      wallSeconds: median(runs.map((x) => x.wallSeconds)),
      peakRssMiB: median(runs.map((x) => x.peakRssMiB)),
      meanLeadTime: median(runs.map((x) => x.meanLeadTime)),
    };
  });
  for (const row of rows) {
    const ref = (impl) => rows.find((x) => x.impl === impl && x.model === row.model);
    const ratio = (impl, key) => (ref(impl) ? row[key] / ref(impl)[key] : null);
    row.vsSimjs = ratio('simjs', 'eventsPerSecond');
    row.vsMinimal = ratio('minimal', 'eventsPerSecond');
    row.vsFigures = ratio('figures', 'eventsPerSecond');
    row.warmVsSimjs = ratio('simjs', 'warmEventsPerSecond');
    row.warmVsMinimal = ratio('minimal', 'warmEventsPerSecond');
    row.warmVsFigures = ratio('figures', 'warmEventsPerSecond');
  }
  return rows;
}

const fmt = {
  m: (x) => (x / 1e6).toFixed(2),
  s: (x) => x.toFixed(3),
  r: (x) => (x === null ? 'n/a' : `${x.toFixed(2)}x`),
  int: (x) => Math.round(x).toLocaleString('en-US'),
};

const COLUMNS = [
  ['impl', (r) => r.impl],
  ['model', (r) => r.model],
  ['completions', (r) => fmt.int(r.completions)],
  ['events', (r) => fmt.int(r.events)],
  ['loop s', (r) => fmt.s(r.loopSeconds)],
  ['M events/s', (r) => fmt.m(r.eventsPerSecond)],
  ['range (M/s)', (r) => `${fmt.m(r.epsMin)}-${fmt.m(r.epsMax)}`],
  ['warm M events/s', (r) => fmt.m(r.warmEventsPerSecond)],
  ['wall s', (r) => fmt.s(r.wallSeconds)],
  ['peak RSS MiB', (r) => r.peakRssMiB.toFixed(1)],
  ['vs simjs', (r) => fmt.r(r.vsSimjs)],
  ['vs minimal', (r) => fmt.r(r.vsMinimal)],
  ['vs figures', (r) => fmt.r(r.vsFigures)],
  ['warm vs simjs', (r) => fmt.r(r.warmVsSimjs)],
  ['warm vs minimal', (r) => fmt.r(r.warmVsMinimal)],
  ['warm vs figures', (r) => fmt.r(r.warmVsFigures)],
  ['mean lead time', (r) => r.meanLeadTime.toFixed(4)],
];

/** Plain-text table for the terminal. */
export function textTable(rows) {
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((v, c) => (c < 2 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ')).join('\n');
}

export function markdownTable(rows) {
  const head = `| ${COLUMNS.map(([h]) => h).join(' | ')} |`;
  const rule = `|${COLUMNS.map((_, c) => (c < 2 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`)].join('\n');
}

/** Report section: event throughput of every implementation on models A and B. */
export function throughputSection(ctx) {
  const { opts, throughput } = ctx;
  if (!throughput.length) return '';
  const models = opts.models.map((m) => `- model ${MODEL_TITLES[m]}`).join('\n');
  return `## Event throughput

${models}

Each row: median of ${opts.runs} run(s), each a fresh \`node\` process running one implementation three
times on the same seed (${opts.seed}). *events* = scheduler events processed (1 arrival + 1 service
completion per station visit). *loop s* and *M events/s* time the first run, cold: V8 compiles and
optimizes while it runs, as in a single replication. *warm M events/s* times the third, in steady state,
as every replication after the first few of a Monte Carlo run. Set-up outside the loop (vsm-sim loading
and compiling its model file) is not timed. *wall s* is process start to the end of the first run,
including module loading; *peak RSS* by then. *vs simjs* / *vs minimal* / *vs figures* = this row's
events/s over that implementation's on the same model, cold and warm.

Two hand-written yardsticks, one typed-array event loop per model, with the same draws and so the same
trajectory: *minimal* computes only the mean lead time, so *vs minimal* is the cost of the engine's
generality and of its figures together; *figures* computes every figure vsm-sim reports (throughput, WIP,
flow efficiency, lead-time mean and quantiles; utilization, wait, queue length and visits per stage)
with the cheapest bookkeeping we know, so *vs figures* is the cost of the engine's generality alone.

${markdownTable(throughput)}

Where the engine's time goes against the minimal loop, and which changes were measured: [COSTS.md](COSTS.md).
`;
}

/** Sections of the report, in order. Other benchmark modules may push their own. */
export const SECTIONS = [throughputSection, monteCarloSection, scaleSection];

export function writeReport(ctx, sections = SECTIONS) {
  const m = ctx.machine;
  const command = `node ${relative(process.cwd(), fileURLToPath(import.meta.url))} ${ctx.argv.join(' ')}`.trim();
  const text = `# vsm-sim benchmark results${ctx.opts.quick ? ' (quick: 1/10 of the completions)' : ''}

- date: ${m.date}
- machine: ${m.cpu}, ${m.cores} logical cores, ${m.memGiB.toFixed(1)} GiB RAM, ${m.os}
- node: ${m.node} (V8 ${m.v8})
- command: \`${command}\`

${sections.map((section) => section(ctx)).join('\n')}`;
  mkdirSync(dirname(ctx.opts.out), { recursive: true });
  writeFileSync(ctx.opts.out, text);
  return ctx.opts.out;
}

async function main() {
  const argv = process.argv.slice(2);
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const machine = machineInfo();
  console.error(`${machine.cpu} x${machine.cores}, node ${machine.node}; ${opts.runs} run(s) per pair${opts.quick ? ', quick' : ''}`);
  const want = (part) => !opts.only || opts.only.includes(part);
  const throughput = want('throughput') ? runThroughput(opts) : [];
  if (throughput.length) console.log(textTable(throughput));
  const monteCarlo = want('montecarlo') ? runMonteCarlo({ runs: opts.runs, quick: opts.quick }) : null;
  const scale = want('scale') ? await runScale({ quick: opts.quick }) : null;
  if (scale) console.log(formatScale(scale));
  const out = writeReport({ opts, argv, machine, throughput, monteCarlo, scale });
  console.error(`wrote ${relative(process.cwd(), out)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
