import { Calendar } from "../engine/calendar.js";
import { DIST, sample } from "../engine/distributions.js";
import { RandomStream } from "../engine/random.js";
import { QuantileSketch } from "../stats/sketch.js";
import {
  type CompiledModel,
  GATE_SCHEDULE,
  GATE_SIZE,
  REWORK_PREVIOUS,
  STEP_OPTIONAL,
  STEP_PARALLEL,
} from "../model/compile.js";
import { ItemTable } from "./items.js";
import { Ring } from "./ring.js";
import { type ReplicationResult, STAGE_FIGURES, STREAM_FIGURES, type TraceRow } from "./results.js";

// Event kinds, and their order at equal times (the calendar's rank), declared once:
//  0 completion: a server freed at t is taken by work already waiting before new work arrives
//    at t, and work finished at t reaches a gate opening at t;
//  1 arrival of new work from outside;
//  2 gate opening or timeout: everything that reaches a gate at t makes the batch opening at t;
//  3 control (warm-up end, end of run): closes the books after everything else at that time.
const COMPLETE = 0;
const ARRIVE = 1;
const GATE_OPEN = 2;
const GATE_TIMEOUT = 3;
const WARMUP = 4;
const END = 5;
const R_COMPLETE = 0;
const R_ARRIVE = 1;
const R_GATE = 2;
const R_CONTROL = 3;

export interface SimulationOptions {
  /** Stop the replication when this many items are in the system (an unstable organization). */
  maxWip?: number;
  /** Record every step of every item (small models and tests only). */
  trace?: boolean;
}

export const DEFAULT_MAX_WIP = 200_000;

/**
 * One replication of a compiled model: stages with their servers, queues and gates; streams
 * with their arrivals and routes; rework and fork/join. All state lives in typed arrays; the
 * event loop allocates nothing per event.
 */
export class Simulation {
  private readonly m: CompiledModel;
  private readonly cal = new Calendar(1024);
  private readonly items = new ItemTable(1024);
  private now = 0;
  private readonly maxWip: number;
  private readonly traceRows: TraceRow[] | null;

  // Random substreams, one per source, keyed by id (see RandomStream).
  private readonly arrivalRng: RandomStream[];
  private readonly routeRng: RandomStream[];
  private readonly serviceRng: RandomStream[];
  private readonly reworkRng: RandomStream[];

  // Stage state
  private readonly busy: Float64Array;
  private readonly waiting: Float64Array; // at the gate and in the queue
  private readonly queues: Ring[]; // stage * ranks + rank
  private readonly gates: Ring[];
  private readonly gateOpenings: Float64Array;
  private readonly gateTimeoutAt: Float64Array; // NaN: no timeout pending

  // Statistics: areas under busy, waiting and WIP since `last*`, reset at warm-up end.
  private readonly busyArea: Float64Array;
  private readonly waitingArea: Float64Array;
  private readonly stageLast: Float64Array;
  private readonly waitSum: Float64Array;
  private readonly visits: Float64Array;
  private readonly wip: Float64Array;
  private readonly wipArea: Float64Array;
  private readonly wipLast: Float64Array;
  private readonly completed: Float64Array;
  private readonly leadSum: Float64Array;
  private readonly touchSum: Float64Array;
  private readonly leadTimes: QuantileSketch[];
  private readonly leadStream = new Int32Array(512);
  private readonly leadValue = new Float64Array(512);
  private leadN = 0;
  private measuring = false;
  private inSystem = 0;
  private unstable: ReplicationResult["unstable"] = null;

  constructor(m: CompiledModel, seed: number, replication: number, options: SimulationOptions = {}) {
    this.m = m;
    this.maxWip = options.maxWip ?? DEFAULT_MAX_WIP;
    this.traceRows = options.trace ? [] : null;
    const nStages = m.stageIds.length;
    const nStreams = m.streamIds.length;
    const rng = (source: string) => RandomStream.derive(seed, replication, source);
    this.arrivalRng = m.streamIds.map((id) => rng(`arrivals:${id}`));
    this.routeRng = m.streamIds.map((id) => rng(`route:${id}`));
    this.serviceRng = m.stageIds.map((id) => rng(`service:${id}`));
    this.reworkRng = m.stageIds.map((id) => rng(`rework:${id}`));

    this.busy = new Float64Array(nStages);
    this.waiting = new Float64Array(nStages);
    this.queues = [];
    for (let s = 0; s < nStages; s++) for (let r = 0; r < m.ranks; r++) this.queues.push(new Ring(16));
    this.gates = m.stageIds.map(() => new Ring(16));
    this.gateOpenings = new Float64Array(nStages);
    this.gateTimeoutAt = new Float64Array(nStages).fill(NaN);
    this.busyArea = new Float64Array(nStages);
    this.waitingArea = new Float64Array(nStages);
    this.stageLast = new Float64Array(nStages);
    this.waitSum = new Float64Array(nStages);
    this.visits = new Float64Array(nStages);
    this.wip = new Float64Array(nStreams);
    this.wipArea = new Float64Array(nStreams);
    this.wipLast = new Float64Array(nStreams);
    this.completed = new Float64Array(nStreams);
    this.leadSum = new Float64Array(nStreams);
    this.touchSum = new Float64Array(nStreams);
    this.leadTimes = m.streamIds.map(() => new QuantileSketch());
  }

  run(): ReplicationResult {
    const m = this.m;
    const cal = this.cal;
    for (let i = 0; i < m.streamIds.length; i++) {
      cal.schedule(sample(m.interarrival[i], this.arrivalRng[i]), R_ARRIVE, ARRIVE, i);
    }
    for (let s = 0; s < m.stageIds.length; s++) {
      if (m.gateKind[s] === GATE_SCHEDULE) cal.schedule(m.gateOffset[s], R_GATE, GATE_OPEN, s);
    }
    if (m.warmup > 0) cal.schedule(m.warmup, R_CONTROL, WARMUP, 0);
    else this.measuring = true;
    cal.schedule(m.end, R_CONTROL, END, 0);

    let events = 0;
    while (cal.pop()) {
      events++;
      this.now = cal.time;
      const a = cal.a;
      switch (cal.kind) {
        case COMPLETE:
          this.complete(a);
          break;
        case ARRIVE:
          this.arrive(a);
          break;
        case GATE_OPEN:
          this.openGate(a, m.gateMax[a]);
          this.gateOpenings[a]++;
          cal.schedule(m.gateOffset[a] + this.gateOpenings[a] * m.gateEvery[a], R_GATE, GATE_OPEN, a);
          break;
        case GATE_TIMEOUT:
          if (cal.time === this.gateTimeoutAt[a]) this.openGate(a, Infinity);
          break;
        case WARMUP:
          this.startMeasuring();
          break;
        case END:
          return this.result(events);
      }
      if (this.unstable !== null) return this.result(events);
    }
    throw new Error("simulation: the event calendar ran dry before the end of the run");
  }

  private arrive(stream: number): void {
    const m = this.m;
    const t = this.now;
    const ia = m.interarrival[stream];
    // PERF: exponential drawn inline; a call returning a double would box it (bench/: mm2 +15%).
    const gap = ia.kind === DIST.exponential ? -ia.p1 * Math.log(1 - this.arrivalRng[stream].next()) : sample(ia, this.arrivalRng[stream]);
    this.cal.schedule(t + gap, R_ARRIVE, ARRIVE, stream);
    const it = this.items;
    const id = it.alloc();
    it.stream[id] = stream;
    it.route[id] = m.mainRoute[stream];
    it.pos[id] = 0;
    it.parent[id] = -1;
    it.arrived[id] = t;
    it.touch[id] = 0;
    // Which optional steps this item needs, drawn now so a rework loop never redraws them.
    let needs = 0;
    const n = m.optionalCount[stream];
    if (n > 0) {
      const rng = this.routeRng[stream];
      const base = m.optionalStart[stream];
      for (let b = 0; b < n; b++) if (rng.next() < m.optionalProbability[base + b]) needs |= 1 << b;
    }
    it.needs[id] = needs;
    this.changeWip(stream, 1);
    if (++this.inSystem > this.maxWip) this.declareUnstable();
    if (this.traceRows) this.trace(id, -1, "arrive");
    this.advance(id);
  }

  /** Move an item to its route's step at its current position (or out, at the route's end). */
  private advance(id: number): void {
    const m = this.m;
    const it = this.items;
    for (;;) {
      const route = it.route[id];
      const pos = it.pos[id];
      if (pos >= m.routeLength[route]) {
        this.finish(id);
        return;
      }
      const step = m.routeStart[route] + pos;
      const kind = m.stepKind[step];
      if (kind === STEP_PARALLEL) {
        this.fork(id, step);
        return;
      }
      if (kind === STEP_OPTIONAL && (it.needs[id] & (1 << m.stepBit[step])) === 0) {
        it.pos[id] = pos + 1;
        continue;
      }
      this.enterStage(id, m.stepStage[step]);
      return;
    }
  }

  private enterStage(id: number, s: number): void {
    const m = this.m;
    const it = this.items;
    it.stage[id] = s;
    it.entered[id] = this.now;
    if (this.traceRows) this.trace(id, s, "enter");
    const gate = m.gateKind[s];
    if (gate !== 0) {
      const g = this.gates[s];
      this.changeWaiting(s, 1);
      g.push(id);
      if (gate === GATE_SIZE) {
        if (g.length >= m.gateSize[s]) this.openGate(s, m.gateSize[s]);
        else if (g.length === 1 && m.gateTimeout[s] !== Infinity) {
          this.gateTimeoutAt[s] = this.now + m.gateTimeout[s];
          this.cal.schedule(this.gateTimeoutAt[s], R_GATE, GATE_TIMEOUT, s);
        }
      }
      return;
    }
    if (this.busy[s] < m.servers[s]) this.startService(id, s);
    else {
      this.changeWaiting(s, 1);
      this.queues[s * m.ranks + (m.priorityPolicy[s] ? m.priorityRank[it.stream[id]] : 0)].push(id);
    }
  }

  /** Release up to `max` items from a gate into the stage: to a free server, else its queue. */
  private openGate(s: number, max: number): void {
    const m = this.m;
    const g = this.gates[s];
    this.gateTimeoutAt[s] = NaN; // a pending timeout was for the batch that leaves now
    let n = Math.min(max, g.length);
    while (n-- > 0) {
      const id = g.shift();
      if (this.busy[s] < m.servers[s]) {
        this.changeWaiting(s, -1);
        this.startService(id, s);
      } else {
        this.queues[s * m.ranks + (m.priorityPolicy[s] ? m.priorityRank[this.items.stream[id]] : 0)].push(id);
      }
    }
  }

  private startService(id: number, s: number): void {
    const m = this.m;
    const it = this.items;
    const t = this.now;
    this.changeBusy(s, 1);
    if (this.measuring) {
      this.waitSum[s] += t - it.entered[id];
      this.visits[s]++;
    }
    const svc = m.service[s];
    const d = svc.kind === DIST.exponential ? -svc.p1 * Math.log(1 - this.serviceRng[s].next()) : sample(svc, this.serviceRng[s]); // PERF: as in arrive()
    it.touch[id] += d;
    if (this.traceRows) this.trace(id, s, "start");
    this.cal.schedule(t + d, R_COMPLETE, COMPLETE, id);
  }

  private complete(id: number): void {
    const m = this.m;
    const it = this.items;
    const s = it.stage[id];
    this.changeBusy(s, -1);
    if (this.traceRows) this.trace(id, s, "finish");
    // The freed server takes the next waiting item first, so reworked work queues behind it.
    const ranks = m.ranks;
    for (let r = 0; r < ranks; r++) {
      const q = this.queues[s * ranks + r];
      if (q.length > 0) {
        this.changeWaiting(s, -1);
        this.startService(q.shift(), s);
        break;
      }
    }
    const p = m.reworkProbability[s];
    if (p > 0 && this.reworkRng[s].next() < p) {
      it.pos[id] = this.reworkTarget(id);
      if (this.traceRows) this.trace(id, s, "rework");
    } else {
      it.pos[id]++;
    }
    this.advance(id);
  }

  /** Where rework returns to: the step named by `rework.to`, else the previous step this item took. */
  private reworkTarget(id: number): number {
    const m = this.m;
    const it = this.items;
    const route = it.route[id];
    const pos = it.pos[id];
    const target = m.stepRework[m.routeStart[route] + pos];
    if (target !== REWORK_PREVIOUS) return target;
    for (let p = pos - 1; p >= 0; p--) {
      const step = m.routeStart[route] + p;
      if (m.stepKind[step] !== STEP_OPTIONAL || (it.needs[id] & (1 << m.stepBit[step])) !== 0) return p;
    }
    return pos;
  }

  private fork(id: number, step: number): void {
    const m = this.m;
    const it = this.items;
    const n = m.stepBranchCount[step];
    const first = m.stepBranchStart[step];
    it.pending[id] = n;
    it.branchTouch[id] = 0;
    // Allocate every branch before starting any: a branch may finish at once and join.
    const t = this.now;
    for (let b = 0; b < n; b++) {
      const c = it.alloc();
      it.stream[c] = it.stream[id];
      it.route[c] = first + b;
      it.pos[c] = 0;
      it.parent[c] = id;
      it.needs[c] = it.needs[id];
      it.arrived[c] = t;
      it.touch[c] = 0;
      this.advance(c);
    }
  }

  private finish(id: number): void {
    const it = this.items;
    const parent = it.parent[id];
    if (parent >= 0) {
      // A branch ends: the item goes on when its last branch is done (the join).
      if (it.touch[id] > it.branchTouch[parent]) it.branchTouch[parent] = it.touch[id];
      it.release(id);
      if (--it.pending[parent] === 0) {
        it.touch[parent] += it.branchTouch[parent];
        it.pos[parent]++;
        this.advance(parent);
      }
      return;
    }
    const stream = it.stream[id];
    if (this.traceRows) this.trace(id, -1, "done");
    if (this.measuring) {
      const lead = this.now - it.arrived[id];
      this.completed[stream]++;
      this.leadSum[stream] += lead;
      this.touchSum[stream] += it.touch[id];
      // PERF: lead times reach the sketches in batches, so no double crosses a call per item.
      this.leadStream[this.leadN] = stream;
      this.leadValue[this.leadN] = lead;
      if (++this.leadN === this.leadValue.length) this.flushLeadTimes();
    }
    this.changeWip(stream, -1);
    this.inSystem--;
    it.release(id);
  }

  private changeBusy(s: number, delta: number): void {
    const t = this.now;
    this.busyArea[s] += this.busy[s] * (t - this.stageLast[s]);
    this.waitingArea[s] += this.waiting[s] * (t - this.stageLast[s]);
    this.stageLast[s] = t;
    this.busy[s] += delta;
  }

  private changeWaiting(s: number, delta: number): void {
    const t = this.now;
    this.busyArea[s] += this.busy[s] * (t - this.stageLast[s]);
    this.waitingArea[s] += this.waiting[s] * (t - this.stageLast[s]);
    this.stageLast[s] = t;
    this.waiting[s] += delta;
  }

  private changeWip(stream: number, delta: number): void {
    const t = this.now;
    this.wipArea[stream] += this.wip[stream] * (t - this.wipLast[stream]);
    this.wipLast[stream] = t;
    this.wip[stream] += delta;
  }

  private startMeasuring(): void {
    this.closeAreas();
    this.busyArea.fill(0);
    this.waitingArea.fill(0);
    this.wipArea.fill(0);
    this.measuring = true;
  }

  private flushLeadTimes(): void {
    for (let i = 0; i < this.leadN; i++) this.leadTimes[this.leadStream[i]].add(this.leadValue[i]);
    this.leadN = 0;
  }

  /** Bring every area up to now. */
  private closeAreas(): void {
    for (let s = 0; s < this.busy.length; s++) this.changeBusy(s, 0);
    for (let i = 0; i < this.wip.length; i++) this.changeWip(i, 0);
  }

  private declareUnstable(): void {
    let worst = 0;
    for (let s = 1; s < this.waiting.length; s++) if (this.waiting[s] > this.waiting[worst]) worst = s;
    this.unstable = { stage: this.m.stageIds[worst], time: this.now, wip: this.inSystem, waiting: this.waiting[worst] };
  }

  private trace(item: number, s: number, what: TraceRow["what"]): void {
    const it = this.items;
    this.traceRows!.push({
      time: this.now,
      item,
      stream: this.m.streamIds[it.stream[item]],
      stage: s >= 0 ? this.m.stageIds[s] : null,
      what,
    });
  }

  private result(events: number): ReplicationResult {
    this.closeAreas();
    this.flushLeadTimes();
    const m = this.m;
    const span = this.now > m.warmup ? this.now - m.warmup : NaN;
    const nStreams = m.streamIds.length;
    const nStages = m.stageIds.length;
    const streams = new Float64Array(nStreams * STREAM_FIGURES.length);
    for (let i = 0; i < nStreams; i++) {
      const o = i * STREAM_FIGURES.length;
      const q = this.leadTimes[i];
      const n = this.completed[i];
      streams[o] = n / span;
      streams[o + 1] = n;
      streams[o + 2] = this.wipArea[i] / span;
      streams[o + 3] = n > 0 ? this.touchSum[i] / this.leadSum[i] : NaN;
      streams[o + 4] = n > 0 ? this.leadSum[i] / n : NaN;
      streams[o + 5] = q.quantile(0.5);
      streams[o + 6] = q.quantile(0.85);
      streams[o + 7] = q.quantile(0.95);
    }
    const stages = new Float64Array(nStages * STAGE_FIGURES.length);
    for (let s = 0; s < nStages; s++) {
      const o = s * STAGE_FIGURES.length;
      stages[o] = m.servers[s] === Infinity ? NaN : this.busyArea[s] / (m.servers[s] * span);
      stages[o + 1] = this.visits[s] > 0 ? this.waitSum[s] / this.visits[s] : NaN;
      stages[o + 2] = this.waitingArea[s] / span;
      stages[o + 3] = this.visits[s];
      stages[o + 4] = this.waitSum[s];
    }
    return { events, streams, stages, unstable: this.unstable, trace: this.traceRows };
  }
}

/** One replication: the unit of work a worker thread runs. */
export function runReplication(m: CompiledModel, seed: number, replication: number, options?: SimulationOptions): ReplicationResult {
  return new Simulation(m, seed, replication, options).run();
}
