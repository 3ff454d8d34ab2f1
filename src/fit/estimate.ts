import { ModelError } from "../model/errors.js";
import { type DispersionTest, type Gate, type Parallel, type Servers, concurrency, dispersionTest, findGate, parallelGroups } from "./detect.js";
import { type ProcessTimeFit, fitProcessTime, quantile } from "./distributions.js";
import type { LogItem, LogWarning, TrackerLog } from "./log.js";
import type { StatusMap } from "./map.js";

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
  leadTime: { n: number; p50: number; p85: number; p95: number };
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

export function fitLog(log: TrackerLog, map: StatusMap): FitResult {
  const start = weekStart(log.first, log.offsetMinutes);
  const day = (ms: number) => (ms - start.ms) / DAY_MS;
  const end = day(log.last);
  const streamIds = [...new Set(map.streams.values())];
  const byStream = new Map<string, LogItem[]>(streamIds.map((s) => [s, []]));
  for (const item of log.items) byStream.get(item.stream)!.push(item);
  const firstArrival = day(log.items[0].arrival);

  const streams: StreamFit[] = [];
  for (const id of streamIds) {
    const items = byStream.get(id)!;
    if (items.length === 0) continue;
    const fitted = fitStream(id, items, firstArrival, end, day, map);
    if (fitted.route.length) streams.push(fitted);
  }
  if (streams.length === 0) {
    const seen = log.warnings.find((w) => w.kind === "unknownStatus");
    throw new ModelError([
      {
        file: map.file,
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
  const stages = map.stages.map((id) => fitStage(id, log, routeOf, otherBranches, day, end));

  const leadP95 = Math.max(0, ...streams.map((s) => (Number.isFinite(s.leadTime.p95) ? s.leadTime.p95 : 0)));
  // Never more than half the window: a short log still leaves something to measure.
  const warmup = Math.min(Math.ceil(firstArrival + leadP95), Math.floor(end / 2));
  return {
    source: log.file,
    map: map.file,
    name: map.name ?? `Fitted from ${log.file.replace(/^.*[\\/]/, "")}`,
    start: start.iso,
    startMs: start.ms,
    warmup,
    horizon: Math.max(1, round(end - warmup, 2)),
    rows: log.rows,
    items: log.items.length,
    streams,
    stages,
    warnings: log.warnings,
  };
}

function fitStream(id: string, items: LogItem[], from: number, end: number, day: (ms: number) => number, map: StatusMap): StreamFit {
  const arrivals = items.map((i) => day(i.arrival)).sort((a, b) => a - b);
  const window = Math.max(end - from, 1e-9);
  const rate = arrivals.length / window;
  const dispersion = dispersionTest(arrivals, from, end, rate);
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
  const interarrival = !dispersion.poisson && gaps.length >= 2 ? fitProcessTime(gaps) : null;

  const finished = items.filter((i) => i.done !== null);
  const basis = finished.length ? finished : items;
  // Order stages by pairwise precedence of first entry (Copeland): robust to optional steps.
  const firstEntry = basis.map((item) => {
    const m = new Map<string, number>();
    for (const s of item.segments) if (!m.has(s.role.stage)) m.set(s.role.stage, s.entered);
    return m;
  });
  const stages = map.stages.filter((st) => firstEntry.filter((m) => m.has(st)).length / basis.length >= RARELY);
  const wins = new Map(stages.map((s) => [s, 0]));
  for (const a of stages) {
    for (const b of stages) {
      if (a === b) continue;
      let before = 0;
      let after = 0;
      for (const m of firstEntry) {
        const ta = m.get(a);
        const tb = m.get(b);
        if (ta === undefined || tb === undefined) continue;
        if (ta < tb) before++;
        else if (ta > tb) after++;
      }
      if (before > after) wins.set(a, wins.get(a)! + 1);
    }
  }
  const order = [...stages].sort((a, b) => wins.get(b)! - wins.get(a)! || map.stages.indexOf(a) - map.stages.indexOf(b));
  const route = order.map((stage) => {
    const visited = firstEntry.filter((m) => m.has(stage)).length;
    return { stage, visited, of: basis.length, share: visited / basis.length };
  });
  // Two stages run in parallel when an item is in statuses of both at once.
  const overlap = (a: string, b: string) => {
    let of = 0;
    let n = 0;
    for (const item of basis) {
      const sa = item.segments.filter((s) => s.role.stage === a);
      const sb = item.segments.filter((s) => s.role.stage === b);
      if (!sa.length || !sb.length) continue;
      of++;
      if (sa.some((x) => sb.some((y) => x.entered < (y.left ?? Infinity) && y.entered < (x.left ?? Infinity)))) n++;
    }
    return { a, b, items: n, of };
  };
  const overlaps = [];
  for (let i = 0; i + 1 < order.length; i++) {
    const o = overlap(order[i], order[i + 1]);
    if (o.items > 0) overlaps.push(o);
  }
  const parallel = parallelGroups(order, overlap);
  const leads = finished.map((i) => (i.done! - i.arrival) / DAY_MS).sort((a, b) => a - b);
  return {
    id,
    name: [...map.streams].find(([, v]) => v === id)?.[0] ?? id,
    arrivals: items.length,
    completed: finished.length,
    rate,
    dispersion,
    interarrival,
    route,
    overlaps,
    parallel,
    leadTime: { n: leads.length, p50: quantile(leads, 0.5), p85: quantile(leads, 0.85), p95: quantile(leads, 0.95) },
  };
}

function fitStage(
  id: string,
  log: TrackerLog,
  routeOf: Map<string, string[]>,
  otherBranches: Map<string, Map<string, Set<string>>>,
  day: (ms: number) => number,
  end: number,
): StageFit {
  const work: number[] = [];
  const first: number[] = [];
  const repeat: number[] = [];
  const waits: number[] = [];
  const departures: number[] = [];
  const spans: [number, number][] = [];
  const byPass = new Map<number, { passes: number; returns: number }>();
  const destinations: Record<string, number> = {};
  let passes = 0;
  let returns = 0;
  for (const item of log.items) {
    const route = routeOf.get(item.stream) ?? [];
    const parallelTo = otherBranches.get(item.stream)?.get(id);
    let pass = 0;
    item.segments.forEach((s, i) => {
      if (s.role.stage !== id) return;
      if (s.role.kind === "wait") {
        if (s.left !== null) {
          waits.push((s.left - s.entered) / DAY_MS);
          departures.push(day(s.left));
        }
        return;
      }
      const prev = item.segments[i - 1];
      if (!(prev && prev.role.kind === "wait" && prev.role.stage === id)) departures.push(day(s.entered));
      spans.push([day(s.entered), s.left === null ? end : day(s.left)]);
      if (s.left === null) return;
      const d = (s.left - s.entered) / DAY_MS;
      work.push(d);
      pass++;
      (pass === 1 ? first : repeat).push(d);
      // A return: the status entered when this work ended belongs to this stage again or to one
      // earlier in the route. By time, not by list order: in parallel work a branch's statuses
      // interleave with the other branch's.
      let next: (typeof item.segments)[number] | undefined;
      for (let j = i + 1; j < item.segments.length && !next; j++) if (item.segments[j].entered >= s.left) next = item.segments[j];
      if (!next && item.done === null) return; // still open: the pass's outcome is not known
      passes++;
      const bp = byPass.get(pass) ?? { passes: 0, returns: 0 };
      byPass.set(pass, bp);
      bp.passes++;
      if (!next) return;
      const here = route.indexOf(id);
      const there = route.indexOf(next.role.stage);
      if (parallelTo?.has(next.role.stage)) return;
      if (next.role.stage === id || (there >= 0 && here >= 0 && there < here)) {
        returns++;
        bp.returns++;
        destinations[next.role.stage] = (destinations[next.role.stage] ?? 0) + 1;
      }
    });
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  let processTime: StageFit["processTime"] = null;
  if (work.length) {
    const m = mean(work);
    const sd = Math.sqrt(work.reduce((a, x) => a + (x - m) ** 2, 0) / work.length);
    // Timestamps to the second make a fixed time look a little variable.
    processTime = sd <= FIXED_CV * m || work.length < 2 ? { n: work.length, chosen: { dist: "fixed", value: m } } : fitProcessTime(work);
  }
  let rework: ReworkFit | null = null;
  if (returns >= REWORK_MIN_RETURNS && returns >= REWORK_MIN_SHARE * passes) {
    const to = Object.entries(destinations).sort((a, b) => b[1] - a[1])[0][0];
    rework = {
      passes,
      returns,
      probability: returns / passes,
      to,
      destinations,
      byPass: [...byPass].sort((a, b) => a[0] - b[0]).map(([pass, v]) => ({ pass, ...v })),
    };
  }
  return {
    id,
    processTime,
    passes: effortOfPasses(first, repeat),
    servers: concurrency(spans),
    rework,
    strayReturns: rework ? 0 : returns,
    gate: findGate(departures),
    wait: { n: waits.length, mean: mean(waits) },
  };
}

export function effortOfPasses(first: number[], repeat: number[]): StageFit["passes"] {
  const stats = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.length > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) : NaN;
    return { n: xs.length, mean: xs.length ? m : NaN, v };
  };
  const a = stats(first);
  const b = stats(repeat);
  const z = (b.mean - a.mean) / Math.sqrt(a.v / a.n + b.v / b.n);
  return { first: { n: a.n, mean: a.mean }, repeat: { n: b.n, mean: b.mean }, z, differs: Math.abs(z) > 1.96 };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
