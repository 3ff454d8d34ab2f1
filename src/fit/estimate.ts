import { ModelError } from "../model/errors.js";
import { FitTally, type StageTally, type StreamTally, earlier } from "./accumulate.js";
import { type DispersionTest, type Gate, type Parallel, type Servers, dispersionTest, gateIn, levels, parallelGroups } from "./detect.js";
import { type ProcessTimeFit, fitProcessTime, quantile } from "./distributions.js";
import { type LogSummary, type LogWarning, type TrackerLog, scanTrackerLog } from "./log.js";
import type { StatusMap } from "./map.js";
import { Moments, Reservoir } from "./sample.js";

/**
 * Fits a current-state model from a cleaned tracker log: every number with the evidence behind it
 * (sample size, goodness of fit). Time is in days from `start`, the Monday 00:00 (in the log's own
 * UTC offset) on or before the first timestamp, so a gate's offset names a weekday and an hour.
 */

export const DAY_MS = 86_400_000;
/** A step visited by fewer of a stream's finished items than this is optional. */
export const ALWAYS = 0.98;
/** A stage visited by fewer than this share of a stream's items is left out of its route. */
const RARELY = 0.01;
/** Fewer returns than this (or than this share of passes) are strays, not rework. */
const REWORK_MIN_RETURNS = 3;
const REWORK_MIN_SHARE = 0.01;
/** A process time whose coefficient of variation is below this is fixed. */
const FIXED_CV = 0.01;

export interface StepFit {
  stage: string;
  /** Share of the stream's finished items that visited the stage. */
  share: number;
  visited: number;
  of: number;
}

export interface StreamFit {
  id: string;
  name: string;
  arrivals: number;
  completed: number;
  rate: number;
  dispersion: DispersionTest;
  interarrival: ProcessTimeFit | null;
  route: StepFit[];
  /** Items of the stream whose work at two consecutive route stages overlapped in time. */
  overlaps: { a: string; b: string; items: number; of: number }[];
  /** Runs of consecutive route stages worked at once, split into branches of sequential stages. */
  parallel: Parallel[];
  /** sampled: the reservoir of lead times the percentiles come from, when smaller than n. */
  leadTime: { n: number; sampled?: number; p50: number; p85: number; p95: number };
}

export interface ReworkFit {
  passes: number;
  returns: number;
  probability: number;
  to: string | null;
  /** Where the returns went: stage -> count. */
  destinations: Record<string, number>;
  /** Per pass number (1 = first): passes and returns. */
  byPass: { pass: number; passes: number; returns: number }[];
}

export interface StageFit {
  id: string;
    processTime: ProcessTimeFit | { n: number; chosen: { dist: "fixed"; value: number } } | null;
  /** Mean work time of first and of repeat passes. */
  /**
   * Mean work time of first and of repeat passes, and Welch's z for their difference: a repeat
   * pass's effort differs from a first's when |z| > 1.96 (5%, two-sided; large-sample normal).
   */
  passes: { first: { n: number; mean: number }; repeat: { n: number; mean: number }; z: number; differs: boolean };
  servers: Servers;
  rework: ReworkFit | null;
  /** Returns too few to call rework (a mis-click, a repaired row): counted, not modelled. */
  strayReturns: number;
  gate: Gate | null;
  wait: { n: number; mean: number };
}

export interface FitResult {
  source: string;
  map: string;
  name: string;
  start: string;
  startMs: number;
  warmup: number;
  horizon: number;
  rows: number;
  items: number;
  streams: StreamFit[];
  stages: StageFit[];
  warnings: LogWarning[];
}

/** Monday 00:00 in the given offset, on or before `ms`, and its ISO text with that offset. */
export function weekStart(ms: number, offsetMinutes: number): { ms: number; iso: string } {
  const localDay = Math.floor((ms + offsetMinutes * 60_000) / DAY_MS);
  const monday = localDay - ((localDay + 3) % 7); // 1970-01-01 was a Thursday
  const startMs = monday * DAY_MS - offsetMinutes * 60_000;
  const date = new Date(monday * DAY_MS).toISOString().slice(0, 10);
  const a = Math.abs(offsetMinutes);
  const off = `${offsetMinutes < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
  return { ms: startMs, iso: `${date}T00:00:00${off}` };
}

/** The log read whole (tests, backtest): the same figures as fitTrackerLog, items in arrival order. */
export function fitLog(log: TrackerLog, map: StatusMap): FitResult {
  const tally = new FitTally(map);
  for (const item of log.items) tally.add(item);
  return fitTally(tally, { ...log, items: log.items.length });
}

/** Reads a log in one pass into a tally for fitTally, holding only the items in flight (a grouped export). */
export async function tallyTrackerLog(file: string, map: StatusMap): Promise<{ tally: FitTally; log: LogSummary }> {
  let tally = new FitTally(map);
  const log = await scanTrackerLog(file, map, {
    item: (item) => tally.add(item),
    restart: () => (tally = new FitTally(map)),
  });
  return { tally, log };
}

export function fitTally(tally: FitTally, log: LogSummary): FitResult {
  const start = weekStart(log.first, log.offsetMinutes);
  const day = (ms: number) => (ms - start.ms) / DAY_MS;
  const end = day(log.last);
  const streamIds = [...new Set(map(tally).streams.values())];
  const firstArrival = day(tally.firstArrival);

  const streams: StreamFit[] = [];
  for (const id of streamIds) {
    const t = tally.streams.get(id);
    if (!t || t.items === 0) continue;
    const fitted = fitStream(t, firstArrival, end, day, map(tally));
    if (fitted.route.length) streams.push(fitted);
  }
  if (streams.length === 0) {
    const seen = log.warnings.find((w) => w.kind === "unknownStatus");
    throw new ModelError([
      {
        file: map(tally).file,
        path: "stages",
        message: `names none of the work or wait statuses of ${log.file}${seen ? `; statuses found there that it does not name: ${seen.message.replace(/^.*\((.*)\)$/, "$1")}` : ""}`,
      },
    ]);
  }
  const routeOf = new Map(streams.map((s) => [s.id, s.route.map((r) => r.stage)]));
  // Stages in other branches of a fork than a stage's own, per stream: work entering one of them
  // as this one ends is the other branch going on (or its own rework), not a return from here.
  const otherBranches = new Map<string, Map<string, Set<string>>>();
  for (const s of streams) {
    const byStage = new Map<string, Set<string>>();
    for (const p of s.parallel) {
      for (const branch of p.branches) for (const st of branch) byStage.set(st, new Set(p.branches.filter((b) => b !== branch).flat()));
    }
    otherBranches.set(s.id, byStage);
  }
  const stages = tally.stages.map((t) => fitStage(t, routeOf, otherBranches, day, log));

  const leadP95 = Math.max(0, ...streams.map((s) => (Number.isFinite(s.leadTime.p95) ? s.leadTime.p95 : 0)));
  // Never more than half the window: a short log still leaves something to measure.
  const warmup = Math.min(Math.ceil(firstArrival + leadP95), Math.floor(end / 2));
  return {
    source: log.file,
    map: map(tally).file,
    name: map(tally).name ?? `Fitted from ${log.file.replace(/^.*[\\/]/, "")}`,
    start: start.iso,
    startMs: start.ms,
    warmup,
    horizon: Math.max(1, round(end - warmup, 2)),
    rows: log.rows,
    items: log.items,
    streams,
    stages,
    warnings: log.warnings,
  };
}

const map = (t: FitTally) => t.map;

/** A sample's fit, saying how many were observed when the sample is a reservoir of them. */
function fitSample(sample: Reservoir | number[], observed?: number): ProcessTimeFit {
  const values = Array.isArray(sample) ? sample : sample.values;
  // Sorted: the fit of a reservoir must not depend on the order items came in.
  const fit = fitProcessTime([...values].sort((a, b) => a - b));
  const seen = Array.isArray(sample) ? (observed ?? values.length) : sample.seen;
  return seen > fit.n ? { ...fit, observed: seen } : fit;
}

function fitStream(t: StreamTally, from: number, end: number, day: (ms: number) => number, map: StatusMap): StreamFit {
  const id = t.id;
  const counted = t.arrivals.sorted();
  const arrivals = counted.times.map(day);
  const window = Math.max(end - from, 1e-9);
  const rate = t.items / window;
  const dispersion = dispersionTest(arrivals, from, end, rate, counted.values);
  let interarrival: ProcessTimeFit | null = null;
  if (!dispersion.poisson && t.items >= 3) {
    // Arrivals that share a bin of a coarsened TimeCounts are spread evenly across it.
    const gaps = new Reservoir(`${id}/interarrival`);
    const width = t.arrivals.width / DAY_MS;
    let prev = NaN;
    for (let i = 0; i < arrivals.length; i++) {
      const c = counted.values[i];
      for (let j = 0; j < c; j++) {
        const at = t.arrivals.width === 1 ? arrivals[i] : arrivals[i] + ((j + 0.5) / c) * width;
        if (!Number.isNaN(prev)) gaps.add(at - prev);
        prev = at;
      }
    }
    interarrival = fitSample(gaps);
  }

  const basis = t.finished ? t.done : t.all;
  const S = map.stages.length;
  const index = new Map(map.stages.map((s, i) => [s, i]));
  // Order stages by pairwise precedence of first entry (Copeland): robust to optional steps.
  const stages = map.stages.filter((st, i) => basis.visited[i] / basis.items >= RARELY);
  const wins = new Map(stages.map((s) => [s, 0]));
  for (const a of stages) {
    for (const b of stages) {
      if (a === b) continue;
      const before = basis.before[index.get(a)! * S + index.get(b)!];
      const after = basis.before[index.get(b)! * S + index.get(a)!];
      if (before > after) wins.set(a, wins.get(a)! + 1);
    }
  }
  const order = [...stages].sort((a, b) => wins.get(b)! - wins.get(a)! || map.stages.indexOf(a) - map.stages.indexOf(b));
  const route = order.map((stage) => {
    const visited = basis.visited[index.get(stage)!];
    return { stage, visited, of: basis.items, share: visited / basis.items };
  });
  // Two stages run in parallel when an item is in statuses of both at once.
  const overlap = (a: string, b: string) => {
    const [i, j] = [index.get(a)!, index.get(b)!].sort((x, y) => x - y);
    return { a, b, items: basis.atOnce[i * S + j], of: basis.both[i * S + j] };
  };
  const overlaps = [];
  for (let i = 0; i + 1 < order.length; i++) {
    const o = overlap(order[i], order[i + 1]);
    if (o.items > 0) overlaps.push(o);
  }
  const parallel = parallelGroups(order, overlap);
  const leads = [...t.leadTimes.values].sort((a, b) => a - b);
  return {
    id,
    name: [...map.streams].find(([, v]) => v === id)?.[0] ?? id,
    arrivals: t.items,
    completed: t.finished,
    rate,
    dispersion,
    interarrival,
    route,
    overlaps,
    parallel,
    leadTime: { n: t.finished, ...(t.leadTimes.seen > leads.length ? { sampled: leads.length } : {}), p50: quantile(leads, 0.5), p85: quantile(leads, 0.85), p95: quantile(leads, 0.95) },
  };
}

function fitStage(
  t: StageTally,
  routeOf: Map<string, string[]>,
  otherBranches: Map<string, Map<string, Set<string>>>,
  day: (ms: number) => number,
  log: LogSummary,
): StageFit {
  const id = t.id;
  const byPass = new Map<number, { passes: number; returns: number }>();
  const destinations = new Map<string, { count: number; first: [number, string, number] }>();
  let passes = 0;
  let returns = 0;
  for (const e of [...t.passEnds.values()].sort((a, b) => a.pass - b.pass)) {
    const route = routeOf.get(e.stream) ?? [];
    const parallelTo = otherBranches.get(e.stream)?.get(id);
    passes += e.count;
    const bp = byPass.get(e.pass) ?? { passes: 0, returns: 0 };
    byPass.set(e.pass, bp);
    bp.passes += e.count;
    if (e.next === null) continue;
    // A return: the status entered when the work ended belongs to this stage again or to one
    // earlier in the route.
    const here = route.indexOf(id);
    const there = route.indexOf(e.next);
    if (parallelTo?.has(e.next)) continue;
    if (e.next === id || (there >= 0 && here >= 0 && there < here)) {
      returns += e.count;
      bp.returns += e.count;
      const d = destinations.get(e.next);
      if (!d) destinations.set(e.next, { count: e.count, first: e.first });
      else {
        d.count += e.count;
        if (earlier(e.first, d.first)) d.first = e.first;
      }
    }
  }
  let processTime: StageFit["processTime"] = null;
  const work = t.work;
  if (work.n) {
    const m = work.average();
    const sd = Math.sqrt(work.variance(0));
    // Timestamps to the second make a fixed time look a little variable.
    processTime = sd <= FIXED_CV * m || work.n < 2 ? { n: work.n, chosen: { dist: "fixed", value: m } } : fitSample(t.workSample);
  }
  let rework: ReworkFit | null = null;
  if (returns >= REWORK_MIN_RETURNS && returns >= REWORK_MIN_SHARE * passes) {
    // In the order the items first returned there, as they arrived: ties for the most go to the first.
    const dest = Object.fromEntries([...destinations].sort((a, b) => (earlier(a[1].first, b[1].first) ? -1 : 1)).map(([k, v]) => [k, v.count]));
    const to = Object.entries(dest).sort((a, b) => b[1] - a[1])[0][0];
    rework = {
      passes,
      returns,
      probability: returns / passes,
      to,
      destinations: dest,
      byPass: [...byPass].sort((a, b) => a[0] - b[0]).map(([pass, v]) => ({ pass, ...v })),
    };
  }
  // Open work lasts to the log's end.
  const wip = t.wip;
  if (t.openWork) wip.add(log.last, -t.openWork);
  const counted = wip.sorted();
  return {
    id,
    processTime,
    passes: effortOf(t.firstPass, t.repeatPass),
    servers: levels(counted.times.map(day), counted.values),
    rework,
    strayReturns: rework ? 0 : returns,
    gate: gateIn(t.departures.n, (every) => t.departures.hours(every, log.offsetMinutes)),
    wait: { n: t.waits.n, mean: t.waits.average() },
  };
}

/** Welch's z for the difference of the mean effort of repeat and first passes. */
export function effortOf(a: Moments, b: Moments): StageFit["passes"] {
  const z = (b.average() - a.average()) / Math.sqrt(a.variance(1) / a.n + b.variance(1) / b.n);
  return { first: { n: a.n, mean: a.average() }, repeat: { n: b.n, mean: b.average() }, z, differs: Math.abs(z) > 1.96 };
}

export function effortOfPasses(first: number[], repeat: number[]): StageFit["passes"] {
  const a = new Moments();
  const b = new Moments();
  for (const x of first) a.add(x);
  for (const x of repeat) b.add(x);
  return effortOf(a, b);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
