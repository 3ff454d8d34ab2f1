// Scale benchmark: the cost of one event with 10, 1,000 and 100,000 items in flight. A binary-heap
// calendar and ring-buffer queues should make it grow like log n, not like n.
// Usage: node bench/scale.mjs [--quick]      (after `npm run build`)
//
// Three workloads, each at every N, each timed in this process after a warm-up run:
//  - hold:  the engine's Calendar alone, the classic hold model (Vaucher & Duval 1975): N events
//           pending; pop the next, schedule it again an exponential time later.
//  - delay: a whole model, one unlimited stage with process time N/10 days at 10 arrivals a day:
//           N items in service on average, so N completions pending in the calendar.
//  - gate:  a whole model, a weekly gate (`batch: { every: 7 }`) with 2N/7 arrivals a day in
//           front of an unlimited stage (process time 1 day): N items wait at the gate on average
//           (in the gate's queue, not in the calendar), 2N/7 more in service.
// Output: ns per event for each workload and N, and the ratio to N = 10; log2(N)/log2(10) is
// printed alongside as the yardstick of logarithmic growth. Never run inside a test (STYLE.md).
import { pathToFileURL } from 'node:url';

const SIZES = [10, 1_000, 100_000];

/** Median of a list of numbers. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** ns per event of the hold model with n pending events, over `steps` pops. */
function holdNs(lib, n, steps) {
  const { Calendar, RandomStream } = lib;
  const cal = new Calendar(1024);
  const rng = RandomStream.derive(1, 0, 'scale:hold');
  for (let i = 0; i < n; i++) cal.schedule(-Math.log(1 - rng.next()), 0, 0, i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) {
    cal.pop();
    cal.schedule(cal.time - Math.log(1 - rng.next()), 0, 0, cal.a);
  }
  return Number(process.hrtime.bigint() - t0) / steps;
}

/** A model with about n items in flight and about `events` events, as validated plain data. */
function flightModel(lib, kind, n, events) {
  if (kind === 'delay') {
    // 10 arrivals a day, each in service n/10 days: n in flight; 2 events per item.
    const horizon = events / 2 / 10;
    return lib.validateModel(
      {
        warmup: n / 10, // fill the stage before measuring
        horizon,
        stages: { work: { servers: 'unlimited', processTime: { dist: 'exponential', mean: n / 10 } } },
        streams: { a: { arrivals: { rate: 10 }, route: ['work'] } },
      },
      'bench/scale.mjs (delay)',
    );
  }
  // gate: rate r = 2n/7 a day; the gate holds r * 7 / 2 = n on average; 2 events per item plus
  // one gate opening a week.
  const rate = (2 * n) / 7;
  return lib.validateModel(
    {
      warmup: 7,
      horizon: Math.max(7, events / 2 / rate),
      stages: {
        weekly: { servers: 'unlimited', processTime: { dist: 'exponential', mean: 1 }, batch: { every: 7 } },
      },
      streams: { a: { arrivals: { rate }, route: ['weekly'] } },
    },
    'bench/scale.mjs (gate)',
  );
}

/** ns per event of one replication of a whole model (loading and compiling not timed). */
function modelNs(lib, model) {
  const compiled = lib.compile(model);
  const t0 = process.hrtime.bigint();
  const r = lib.runReplication(compiled, 1, 0, { maxWip: Infinity });
  const ns = Number(process.hrtime.bigint() - t0);
  if (r.unstable) throw new Error(`bench/scale.mjs: the ${model.source} model went unstable`);
  return ns / r.events;
}

/**
 * Runs every workload at every size; returns rows
 * { workload, n, nsPerEvent, ratio, logRatio } (ratio and logRatio relative to n = 10).
 * @param {{ quick?: boolean, sizes?: number[] }} [options] quick: 1/10 of the events, one timing.
 */
export async function runScale({ quick = false, sizes = SIZES } = {}) {
  const root = new URL('../dist/', import.meta.url);
  const lib = {
    ...(await import(new URL('index.js', root).href)),
    ...(await import(new URL('engine/calendar.js', root).href)),
    ...(await import(new URL('engine/random.js', root).href)),
  };
  const events = quick ? 200_000 : 2_000_000;
  const repeats = quick ? 1 : 3;
  const workloads = {
    hold: (n) => holdNs(lib, n, events),
    delay: (n) => modelNs(lib, flightModel(lib, 'delay', n, events)),
    gate: (n) => modelNs(lib, flightModel(lib, 'gate', n, events)),
  };
  const rows = [];
  for (const [workload, measure] of Object.entries(workloads)) {
    measure(sizes[0]); // warm-up: let V8 optimize before anything is timed
    let base = null;
    for (const n of sizes) {
      const ns = median(Array.from({ length: repeats }, () => measure(n)));
      base ??= { n, ns };
      rows.push({ workload, n, nsPerEvent: ns, ratio: ns / base.ns, logRatio: Math.log2(n) / Math.log2(base.n) });
    }
  }
  return rows;
}

/** The rows as a fixed-width table. */
export function formatScale(rows) {
  const lines = ['workload  items in flight  ns/event  vs N=10  log2 N / log2 10'];
  for (const r of rows) {
    lines.push(
      `${r.workload.padEnd(8)}  ${r.n.toLocaleString('en-US').padStart(15)}  ${r.nsPerEvent.toFixed(1).padStart(8)}  ${r.ratio.toFixed(2).padStart(6)}x  ${r.logRatio.toFixed(2).padStart(16)}x`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  console.log(formatScale(await runScale({ quick })));
}
