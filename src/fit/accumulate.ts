import type { LogItem } from "./log.js";
import type { StatusMap } from "./map.js";
import { Moments, Reservoir, TimeCounts, WeekClock } from "./sample.js";

/**
 * Each item of a log reduced, as soon as it is read, to what the estimators need: counts and sums
 * per stream and stage, bounded samples, counts by time. Nothing here grows with the number of
 * items, so a log is fitted in the memory of the items in flight. The order items come in changes
 * no count (and a sample only once it is full).
 */

const DAY_MS = 86_400_000;

/** Stage-by-stage tallies over a set of a stream's items (all of them, or the finished ones). */
export class RouteTally {
  items = 0;
  /** Items that visited each stage (map.stages order). */
  readonly visited: Int32Array;
  /** [a * S + b]: items that entered a before b (first entries). */
  readonly before: Int32Array;
  /** [a * S + b], a < b: items that visited both; of those, items in both at once. */
  readonly both: Int32Array;
  readonly atOnce: Int32Array;
  constructor(readonly stages: number) {
    this.visited = new Int32Array(stages);
    this.before = new Int32Array(stages * stages);
    this.both = new Int32Array(stages * stages);
    this.atOnce = new Int32Array(stages * stages);
  }
}

export interface StreamTally {
  id: string;
  items: number;
  finished: number;
  /** Arrivals by time (ms). */
  arrivals: TimeCounts;
  /** Lead times, days. */
  leadTimes: Reservoir;
  all: RouteTally;
  done: RouteTally;
}

/**
 * How a finished work pass at a stage ended: the stage entered next (null: the item was done),
 * per stream and pass number. Whether that was a return needs the routes, known only at the end.
 * `first` orders destinations as the items' arrival would: (arrival, key, segment index).
 */
export interface PassEnd {
  stream: string;
  pass: number;
  next: string | null;
  count: number;
  first: [number, string, number];
}

export interface StageTally {
  id: string;
  /** Finished work passes, days: exact moments, a bounded sample for the fit. */
  work: Moments;
  workSample: Reservoir;
  firstPass: Moments;
  repeatPass: Moments;
  waits: Moments;
  /** Departures from the wait (or into work with no wait before it). */
  departures: WeekClock;
  /** Net change in work in progress by time (ms); open work's end is added when the log's end is known. */
  wip: TimeCounts;
  openWork: number;
  passEnds: Map<string, PassEnd>;
}

export class FitTally {
  readonly streams = new Map<string, StreamTally>();
  readonly stages: StageTally[];
  private readonly stageIndex: Map<string, number>;
  items = 0;
  firstArrival = Infinity;

  constructor(readonly map: StatusMap) {
    this.stageIndex = new Map(map.stages.map((s, i) => [s, i]));
    this.stages = map.stages.map((id) => ({
      id,
      work: new Moments(),
      workSample: new Reservoir(`${id}/work`),
      firstPass: new Moments(),
      repeatPass: new Moments(),
      waits: new Moments(),
      departures: new WeekClock(),
      wip: new TimeCounts(),
      openWork: 0,
      passEnds: new Map(),
    }));
  }

  add(item: LogItem): void {
    this.items++;
    this.firstArrival = Math.min(this.firstArrival, item.arrival);
    let s = this.streams.get(item.stream);
    if (!s) {
      const n = this.map.stages.length;
      s = { id: item.stream, items: 0, finished: 0, arrivals: new TimeCounts(), leadTimes: new Reservoir(`${item.stream}/lead time`), all: new RouteTally(n), done: new RouteTally(n) };
      this.streams.set(item.stream, s);
    }
    s.items++;
    s.arrivals.add(item.arrival);
    this.route(s.all, item);
    if (item.done !== null) {
      s.finished++;
      s.leadTimes.add((item.done - item.arrival) / DAY_MS);
      this.route(s.done, item);
    }
    for (const st of this.stages) this.stage(st, item);
  }

  private route(t: RouteTally, item: LogItem): void {
    const S = t.stages;
    t.items++;
    const firstEntry = new Float64Array(S).fill(NaN);
    const byStage: LogItem["segments"][] = Array.from({ length: S }, () => []);
    for (const seg of item.segments) {
      const i = this.stageIndex.get(seg.role.stage)!;
      if (Number.isNaN(firstEntry[i])) firstEntry[i] = seg.entered;
      byStage[i].push(seg);
    }
    for (let a = 0; a < S; a++) {
      if (Number.isNaN(firstEntry[a])) continue;
      t.visited[a]++;
      for (let b = 0; b < S; b++) {
        if (b === a || Number.isNaN(firstEntry[b])) continue;
        if (firstEntry[a] < firstEntry[b]) t.before[a * S + b]++;
        if (b < a) continue;
        t.both[a * S + b]++;
        if (byStage[a].some((x) => byStage[b].some((y) => x.entered < (y.left ?? Infinity) && y.entered < (x.left ?? Infinity)))) t.atOnce[a * S + b]++;
      }
    }
  }

  private stage(st: StageTally, item: LogItem): void {
    const id = st.id;
    let pass = 0;
    item.segments.forEach((s, i) => {
      if (s.role.stage !== id) return;
      if (s.role.kind === "wait") {
        if (s.left !== null) {
          st.waits.add((s.left - s.entered) / DAY_MS);
          st.departures.add(s.left);
        }
        return;
      }
      const prev = item.segments[i - 1];
      if (!(prev && prev.role.kind === "wait" && prev.role.stage === id)) st.departures.add(s.entered);
      if (s.left === null) {
        st.wip.add(s.entered, 1);
        st.openWork++;
        return;
      }
      if (s.left > s.entered) {
        st.wip.add(s.entered, 1);
        st.wip.add(s.left, -1);
      }
      const d = (s.left - s.entered) / DAY_MS;
      st.work.add(d);
      st.workSample.add(d);
      pass++;
      (pass === 1 ? st.firstPass : st.repeatPass).add(d);
      // The status entered when this work ended: by time, not by list order (in parallel work a
      // branch's statuses interleave with the other branch's).
      let next: (typeof item.segments)[number] | undefined;
      for (let j = i + 1; j < item.segments.length && !next; j++) if (item.segments[j].entered >= s.left) next = item.segments[j];
      if (!next && item.done === null) return; // still open: the pass's outcome is not known
      const to = next ? next.role.stage : null;
      const key = `${item.stream}\u0000${pass}\u0000${to ?? ""}`;
      const order: [number, string, number] = [item.arrival, item.key, i];
      const e = st.passEnds.get(key);
      if (!e) st.passEnds.set(key, { stream: item.stream, pass, next: to, count: 1, first: order });
      else {
        e.count++;
        if (earlier(order, e.first)) e.first = order;
      }
    });
  }
}

export function earlier(a: [number, string, number], b: [number, string, number]): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
}
