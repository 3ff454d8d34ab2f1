import { Calendar } from "../engine/calendar.js";
import { DIST, type Distribution, sample } from "../engine/distributions.js";
import { standardExponential } from "../engine/exponential.js";
import { GOLDEN, itemKey, keyedDraw, keyStream, replicationKey, sourceKey } from "../engine/keyed.js";
import { RandomStream } from "../engine/random.js";
import { sampleRemaining } from "../engine/remaining.js";
import { QuantileSketch } from "../stats/sketch.js";
import {
  type CompiledModel,
  GATE_SCHEDULE,
  GATE_SIZE,
  REWORK_PREVIOUS,
  STEP_OPTIONAL,
  STEP_PARALLEL,
  STEP_STAGE,
} from "../model/compile.js";
import { type DrawKeys, drawKeys } from "./draws.js";
import { ItemTable } from "./items.js";
import { Parts } from "./parts.js";
import { Ring } from "./ring.js";
import {
  BF,
  B_TOUCH_SUM,
  B_VISITS,
  B_WAITING_CORRECTION,
  B_WAIT_SUM,
  BUSY,
  BUSY_AREA,
  COMPLETED,
  LEAD_SUM,
  LEAD_WORK_SUM,
  RF,
  SERVERS,
  SF,
  TOUCH_SUM,
  VISITS,
  WAITING_CORRECTION,
  WAIT_SUM,
  WIP_CORRECTION,
  figures,
} from "./measure.js";
import type { ReplicationResult, TraceObserver, TraceRow } from "./results.js";

// The order of events at equal times (the calendar's rank, R_*), declared once:
//  0 completion: a server freed at t is taken by work already waiting before new work arrives
//    at t, and work finished at t reaches a gate opening at t;
//  1 arrival of new work from outside;
//  2 gate opening or timeout: everything that reaches a gate at t makes the batch opening at t;
//  3 control (warm-up end, a change of shift, end of run): after everything else at that time, so
//    servers a shift adds at t take work that arrived or was let through a gate at t.
// The end of the run is last of all at its time, so it needs no calendar entry: it happens when
// the next event is later (PERF: one event fewer in the heap, M/M/2 keeps 3 not 4: +2%). It still
// counts as an event.
// Event kinds (what the calendar entry means) are apart from ranks: a gate opening and a gate
// timeout share rank 2, the warm-up end has rank 3.
export const COMPLETE = 0;
export const ARRIVE = 1;
const GATE_OPEN = 2;
const GATE_TIMEOUT = 3;
const WARMUP = 4;
const SHIFT = 5;
export const R_COMPLETE = 0;
export const R_ARRIVE = 1;
const R_GATE = 2;
const R_CONTROL = 3;

/** 2^-32: `(rng.nextInt32() >>> 0) * TWO_TO_MINUS_32` is exactly `rng.next()`. */
export const TWO_TO_MINUS_32 = 2.3283064365386963e-10;

/** Lead times wait here, per stream, before they reach the stream's sketch. */
export const LEAD_BATCH = 512;

export interface SimulationOptions {
  /** Stop the replication when this many items are in the system (an unstable organization). */
  maxWip?: number;
  /** Record every step of every item (small models and tests only). */
  trace?: boolean;
  /** Hand every step of every item to this observer as it happens (nothing is kept here). */
  observer?: TraceObserver;
  /**
   * Which event loop runs the replication; the figures are the same. "specialized": the loop
   * written out for the model (flow/specialize.ts), faster per event but a new function for V8
   * to optimize; "general": this class's. Default: specialized for a replication long enough to
   * repay that (see flow/replication.ts). Tracing always runs the general loop.
   */
  loop?: "general" | "specialized";
}

export const DEFAULT_MAX_WIP = 200_000;

/**
 * One replication of a compiled model: stages with their servers, queues and gates; streams
 * with their arrivals and routes; rework and fork/join. All state lives in typed arrays; the
 * event loop allocates nothing per event.
 *
 * PERF: in the event handlers no double crosses a call. A call V8 does not inline boxes a double
 * argument or result in a new HeapNumber, and V8's inlining budget runs out in code this size;
 * so times reach the calendar through `cal.at`, uniforms come from `nextInt32()`, and lead times
 * reach the sketches in batches (bench/peers child.mjs: M/M/2 +10%, Jackson +7%; minor GCs
 * during a replication 16 -> 0 once V8 has optimized the handlers).
 *
 * This is the general loop. Long runs use a subclass written out for the model (specialize.ts):
 * the protected fields and methods are the ones its generated code uses, by name.
 */
export class Simulation {
  protected readonly m: CompiledModel;
  protected readonly cal = new Calendar(1024);
  protected readonly items = new ItemTable(1024);
  protected now = -0; // a double from the start: see Calendar.time
  protected readonly maxWip: number;
  private readonly traceRows: TraceRow[] | null;
  private readonly observer: TraceObserver | null;
  private readonly tracing: boolean;
  // When tracing: each item's number in order of arrival, by slot (slots are reused, numbers not).
  private readonly serial: number[] = [];
  private arrivals = 0;

  // Arrivals: a random stream per stream, keyed by id (see RandomStream). Everything an item
  // draws (process times, rework decisions, route choices) is a keyed draw (engine/keyed.ts,
  // draws.ts): the same item gets the same numbers in a scenario whatever order it is served in.
  protected readonly arrivalRng: RandomStream[];
  protected readonly keys: DrawKeys;
  protected readonly serviceKey: Int32Array; // keys.service: one load fewer a service
  // By stream, the key of its next item: itemKey(keys.item, n) for the n-th, counted up by GOLDEN.
  protected readonly nextItemKey: Int32Array;
  // Whether an item joining a stage's queue keeps its service draw (ItemTable.draw) for when a
  // server takes it: the loop written out per model reads it there (specialize.ts).
  protected readonly drawWhenQueued: boolean = false;
  // A distribution that takes more than one number draws them from here, set up by keyStream.
  protected readonly drawRng = new RandomStream(0, 0, 0, 0);
  // Today's work: its optional steps and rest of process times, apart from every other source.
  private readonly wipRng: RandomStream | null;
  private readonly wipKey: number;
  // Mean of an exponential interarrival or process time, drawn inline; NaN: call sample().
  private readonly arrivalMean: Float64Array;
  private readonly serviceMean: Float64Array;
  private readonly stepServiceMean: Float64Array; // by step, as serviceMean (stages whose steps override it)
  // Stages whose servers are split by `dedicated` (parts.ts).
  private readonly parts: Parts;
  // The stage a stream's route starts at, when every item visits it first; else -1.
  private readonly firstStage: Int32Array;

  protected readonly st: Float64Array; // SF fields per stage: BUSY, SERVERS, ...
  protected readonly queues: Ring[]; // stage * ranks + rank
  // A gate holds its items by rank too (stage * ranks + rank; rank 0 only under fifo), so it
  // releases by the stage's policy.
  private readonly gates: Ring[];
  private readonly gateCount: Int32Array; // items at each stage's gate
  protected readonly ss: Float64Array; // BF fields per stream and stage: B_VISITS, ...
  protected readonly nStages: number;
  // Servers' time on repeat passes, by (the stage whose rework started the pass) x (the stage
  // where the time is spent): money's reworkPayroll. Kept only where the model has rework.
  protected readonly rb: Float64Array;
  private readonly tracksRework: boolean;
  private readonly gateOpenings: Float64Array;
  private readonly gateTimeoutAt: Float64Array; // NaN: no timeout pending
  private readonly shiftAt: Int32Array; // by stage: the next change in m.shiftChanges

  protected readonly sr: Float64Array; // RF fields per stream: COMPLETED, LEAD_SUM, ...
  private readonly leadTimes: QuantileSketch[];
  protected readonly leadBatch: Float64Array; // LEAD_BATCH per stream
  protected readonly leadN: Int32Array; // lead times waiting in each stream's batch
  protected measuring = false;
  protected inSystem = 0;
  protected unstable: ReplicationResult["unstable"] = null;

  constructor(m: CompiledModel, seed: number, replication: number, options: SimulationOptions = {}) {
    this.m = m;
    this.maxWip = options.maxWip ?? DEFAULT_MAX_WIP;
    this.traceRows = options.trace ? [] : null;
    this.observer = options.observer ?? null;
    this.tracing = this.traceRows !== null || this.observer !== null;
    const nStages = m.stageIds.length;
    const nStreams = m.streamIds.length;
    const rng = (source: string) => RandomStream.derive(seed, replication, source);
    this.arrivalRng = m.streamIds.map((id) => rng(`arrivals:${id}`));
    this.keys = drawKeys(m, seed, replication);
    this.serviceKey = this.keys.service;
    this.nextItemKey = Int32Array.from(this.keys.item);
    this.wipRng = m.wip.stream.length > 0 ? rng("wip") : null;
    this.wipKey = sourceKey(replicationKey(seed, replication), "wip");
    const expMean = (d: Distribution) => (d.kind === DIST.exponential ? d.p1 : NaN);
    this.arrivalMean = Float64Array.from(m.interarrival, expMean);
    this.serviceMean = Float64Array.from(m.service, expMean);
    this.stepServiceMean = Float64Array.from(m.stepService, expMean);
    this.firstStage = Int32Array.from(m.mainRoute, (route) => {
      const step = m.routeStart[route];
      return m.routeLength[route] > 0 && m.stepKind[step] === STEP_STAGE ? m.stepStage[step] : -1;
    });

    this.st = new Float64Array(nStages * SF);
    for (let s = 0; s < nStages; s++) this.st[s * SF + SERVERS] = m.servers[s];
    this.queues = [];
    for (let q = 0; q < m.partQueue.length; q++) for (let r = 0; r < m.ranks; r++) this.queues.push(new Ring(16));
    this.parts = new Parts(m, this.queues, this.items);
    this.gates = [];
    for (let s = 0; s < nStages; s++) for (let r = 0; r < m.ranks; r++) this.gates.push(new Ring(r === 0 || m.priorityPolicy[s] ? 16 : 1));
    this.gateCount = new Int32Array(nStages);
    this.ss = new Float64Array(nStreams * nStages * BF);
    this.nStages = nStages;
    this.rb = new Float64Array(nStages * nStages);
    this.tracksRework = m.anyRework;
    this.gateOpenings = new Float64Array(nStages);
    this.gateTimeoutAt = new Float64Array(nStages).fill(NaN);
    this.shiftAt = new Int32Array(nStages);
    this.sr = new Float64Array(nStreams * RF);
    this.leadTimes = m.streamIds.map(() => new QuantileSketch());
    this.leadBatch = new Float64Array(nStreams * LEAD_BATCH);
    this.leadN = new Int32Array(nStreams);
  }

  /** The first events: each stream's first arrival, the gates' first openings, the warm-up end. */
  protected begin(): void {
    const m = this.m;
    const cal = this.cal;
    for (let i = 0; i < m.streamIds.length; i++) {
      cal.schedule(sample(m.interarrival[i], this.arrivalRng[i]), R_ARRIVE, ARRIVE, i);
    }
    for (let s = 0; s < m.stageIds.length; s++) {
      const times = m.gateTimes[s];
      if (m.gateKind[s] === GATE_SCHEDULE && times === null) cal.schedule(m.gateOffset[s], R_GATE, GATE_OPEN, s);
      else if (m.gateKind[s] === GATE_SCHEDULE && times!.length > 0) cal.schedule(times![0], R_GATE, GATE_OPEN, s);
    }
    for (let s = 0; s < m.stageIds.length; s++) {
      const changes = m.shiftChanges[s];
      if (changes !== null) cal.schedule(changes[0], R_CONTROL, SHIFT, s);
    }
    if (this.wipRng !== null) this.placeWip(this.wipRng);
    if (m.warmup > 0) cal.schedule(m.warmup, R_CONTROL, WARMUP, 0);
    else if (this.wipRng !== null) this.startMeasuring(); // the window starts with today's work in it
    else this.measuring = true;
  }

  /**
   * Today's work (model.wip, in compile.ts's order): each item at its stage at time 0, having
   * arrived `age` ago and been at the stage `elapsed`; in service with the rest of its process time
   * given that elapsed (engine/remaining.ts), or waiting (gate or queue) since then. Runs before
   * the measured window opens, so the window's corrections (correctAreas) count it like the
   * items present at a warm-up's end.
   */
  private placeWip(rng: RandomStream): void {
    const m = this.m;
    const w = m.wip;
    const it = this.items;
    const st = this.st;
    for (let i = 0; i < w.stream.length; i++) {
      const stream = w.stream[i];
      const s = w.stage[i];
      const id = it.alloc();
      it.stream[id] = stream;
      it.route[id] = m.mainRoute[stream];
      it.pos[id] = w.pos[i];
      it.parent[id] = -1;
      it.arrived[id] = -w.age[i];
      it.touch[id] = 0;
      it.cause[id] = -1;
      it.outerCause[id] = -1;
      // Keys of their own (not the stream's next arrivals'), so arrivals draw as they would
      // without today's work, and twin runs placing the same work pair item for item.
      it.key[id] = itemKey(this.wipKey, i);
      it.pass[id] = 0;
      let needs = 0;
      const base = m.optionalStart[stream];
      for (let b = 0; b < m.optionalCount[stream]; b++) if (rng.next() < m.optionalProbability[base + b]) needs |= 1 << b;
      const step = m.routeStart[it.route[id]] + w.pos[i];
      if (m.stepKind[step] === STEP_OPTIONAL) needs |= 1 << m.stepBit[step]; // it is at that step
      it.needs[id] = needs;
      it.stage[id] = s;
      it.entered[id] = -w.elapsed[i];
      if (++this.inSystem > this.maxWip) this.declareUnstable();
      if (this.tracing) {
        this.serial[id] = this.arrivals++;
        this.trace(id, s, "enter");
      }
      if (w.work[i]) {
        const free = m.partCount[s] > 1 ? this.parts.enter(id, s) >= 0 : st[s * SF + BUSY] < st[s * SF + SERVERS];
        if (free) {
          st[s * SF + BUSY]++;
          const d = sampleRemaining(m.serviceByStep[s] ? m.stepService[step] : m.service[s], w.elapsed[i], rng);
          it.touch[id] = w.elapsed[i] + d;
          if (this.tracing) this.trace(id, s, "start");
          // At a working-time stage the rest is work, done in its working hours from now on (its
          // elapsed time is taken as given: calendar time at the stage).
          const work = m.workingTime[s];
          this.cal.schedule(work === null ? d : work.finish(0, d), R_COMPLETE, COMPLETE, id);
        }
        // else parts.enter queued it: more in work than its part's servers, it waits its turn
      } else if (m.gateKind[s] !== 0) this.enterGate(id, s);
      else if (m.partCount[s] > 1) this.enterParts(id, s);
      else if (st[s * SF + BUSY] < st[s * SF + SERVERS]) {
        st[s * SF + BUSY]++;
        this.beginService(id, s);
      } else {
        if (this.drawWhenQueued) this.keepDraw(id);
        this.queues[s * m.ranks + (m.priorityPolicy[s] ? m.priorityRank[stream] : 0)].push(id);
      }
    }
  }

  run(): ReplicationResult {
    this.begin();
    const cal = this.cal;
    const end = this.m.end;
    let events = 0;
    for (;;) {
      events++;
      if (!cal.pop()) {
        this.now = end;
        return this.result(events);
      }
      if (cal.time > end) {
        cal.unpop(); // still pending at the end: a service running past it is counted to the end only
        this.now = end;
        return this.result(events);
      }
      this.now = cal.time;
      const kind = cal.kind;
      if (kind === COMPLETE) this.complete(cal.a);
      else if (kind === ARRIVE) this.arrive(cal.a);
      else this.control(kind, cal.a);
      if (this.unstable !== null) return this.result(events);
    }
  }

  /** The rare events: gate openings and timeouts, warm-up end. */
  protected control(kind: number, a: number): void {
    const m = this.m;
    if (kind === GATE_OPEN) {
      this.openGate(a, m.gateMax[a]);
      const n = ++this.gateOpenings[a];
      const times = m.gateTimes[a];
      if (times === null) this.cal.schedule(m.gateOffset[a] + n * m.gateEvery[a], R_GATE, GATE_OPEN, a);
      else if (n < times.length) this.cal.schedule(times[n], R_GATE, GATE_OPEN, a);
    } else if (kind === SHIFT) {
      this.changeShift(a);
    } else if (kind === GATE_TIMEOUT) {
      if (this.now === this.gateTimeoutAt[a]) this.openGate(a, Infinity);
    } else if (kind === WARMUP) this.startMeasuring();
  }

  /**
   * A stage's servers change (docs/calendars.md): added servers take waiting work at once; a
   * server taken away finishes the item it holds first (complete() does not give it another).
   */
  private changeShift(s: number): void {
    const m = this.m;
    const changes = m.shiftChanges[s]!;
    const k = this.shiftAt[s];
    const st = this.st;
    const o = s * SF;
    st[o + SERVERS] = changes[k + 1];
    this.shiftAt[s] = k + 2;
    if (k + 2 < changes.length) this.cal.schedule(changes[k + 2], R_CONTROL, SHIFT, s);
    while (st[o + BUSY] < st[o + SERVERS]) {
      let r = 0;
      while (r < m.ranks && this.queues[s * m.ranks + r].length === 0) r++;
      if (r === m.ranks) break;
      st[o + BUSY]++;
      this.beginService(this.queues[s * m.ranks + r].shift(), s);
    }
  }

  private arrive(stream: number): void {
    const m = this.m;
    const t = this.now;
    const cal = this.cal;
    const rng = this.arrivalRng[stream];
    const mean = this.arrivalMean[stream];
    // PERF: the exponential is drawn inline (bench/: mm2 +15%); see the class comment for `at`.
    cal.at = t + (mean === mean ? mean * standardExponential(rng.nextInt32()) : sample(m.interarrival[stream], rng));
    cal.add(R_ARRIVE, ARRIVE, stream);
    const it = this.items;
    const id = it.alloc();
    it.stream[id] = stream;
    it.route[id] = m.mainRoute[stream];
    it.pos[id] = 0;
    it.parent[id] = -1;
    it.arrived[id] = t;
    it.touch[id] = 0;
    it.cause[id] = -1;
    it.outerCause[id] = -1;
    const key = this.nextItemKey[stream];
    this.nextItemKey[stream] = (key + GOLDEN) | 0;
    it.key[id] = key;
    it.pass[id] = 0;
    // Which optional steps this item needs, drawn now so a rework loop never redraws them.
    let needs = 0;
    const n = m.optionalCount[stream];
    if (n > 0) {
      const base = m.optionalStart[stream];
      for (let b = 0; b < n; b++) if ((keyedDraw(this.keys.route[base + b], key, 0) >>> 0) * TWO_TO_MINUS_32 < m.optionalProbability[base + b]) needs |= 1 << b;
    }
    it.needs[id] = needs;
    if (++this.inSystem > this.maxWip) this.declareUnstable();
    if (this.tracing) {
      this.serial[id] = this.arrivals++;
      this.trace(id, -1, "arrive");
    }
    // Most routes start at a stage every item visits: straight there.
    const s = this.firstStage[stream];
    if (s >= 0) this.enterStage(id, s);
    else this.advance(id);
  }

  /** Move an item to its route's step at its current position (or out, at the route's end). */
  protected advance(id: number): void {
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
    const t = this.now;
    it.stage[id] = s;
    it.entered[id] = t;
    if (this.tracing) this.trace(id, s, "enter");
    if (m.gateKind[s] !== 0) {
      this.enterGate(id, s);
      return;
    }
    if (m.partCount[s] > 1) {
      this.enterParts(id, s);
      return;
    }
    const st = this.st;
    const o = s * SF;
    if (st[o + BUSY] < st[o + SERVERS]) {
      st[o + BUSY]++;
      this.beginService(id, s);
    } else {
      if (this.drawWhenQueued) this.keepDraw(id);
      this.queues[s * m.ranks + (m.priorityPolicy[s] ? m.priorityRank[it.stream[id]] : 0)].push(id);
    }
  }

  /** The keyed draw of the service the item will get at its step: the one beginService makes. */
  protected keepDraw(id: number): void {
    const it = this.items;
    it.draw[id] = keyedDraw(this.serviceKey[this.m.routeStart[it.route[id]] + it.pos[id]], it.key[id], it.pass[id]);
  }

  /** An item reaches the servers of a stage split into parts (dedicated servers; see parts.ts). */
  protected enterParts(id: number, s: number): void {
    if (this.parts.enter(id, s) >= 0) {
      this.st[s * SF + BUSY]++;
      this.beginService(id, s);
    }
  }

  /** A server of part p of stage s is free: the next item its part's rules give it, else idle. */
  protected freeInPart(s: number, p: number): void {
    const id = this.parts.next(s, p);
    if (id >= 0) this.beginService(id, s);
    else this.st[s * SF + BUSY]--;
  }

  protected enterGate(id: number, s: number): void {
    const m = this.m;
    this.gates[s * m.ranks + (m.priorityPolicy[s] ? m.priorityRank[this.items.stream[id]] : 0)].push(id);
    const n = ++this.gateCount[s];
    if (m.gateKind[s] === GATE_SIZE) {
      if (n >= m.gateSize[s]) this.openGate(s, m.gateSize[s]);
      else if (n === 1 && m.gateTimeout[s] !== Infinity) {
        this.gateTimeoutAt[s] = this.now + m.gateTimeout[s];
        this.cal.schedule(this.gateTimeoutAt[s], R_GATE, GATE_TIMEOUT, s);
      }
    }
  }

  /**
   * Release up to `max` items from a gate into the stage, highest rank first (the stage's
   * policy; fifo has one rank), oldest first within a rank: to a free server, else its queue.
   */
  private openGate(s: number, max: number): void {
    const m = this.m;
    const st = this.st;
    const o = s * SF;
    this.gateTimeoutAt[s] = NaN; // a pending timeout was for the batch that leaves now
    let n = Math.min(max, this.gateCount[s]);
    this.gateCount[s] -= n;
    let r = 0;
    while (n-- > 0) {
      let g = this.gates[s * m.ranks + r];
      while (g.length === 0) g = this.gates[s * m.ranks + ++r];
      const id = g.shift();
      if (m.partCount[s] > 1) this.enterParts(id, s);
      else if (st[o + BUSY] < st[o + SERVERS]) {
        st[o + BUSY]++;
        this.beginService(id, s);
      } else {
        if (this.drawWhenQueued) this.keepDraw(id);
        this.queues[s * m.ranks + (m.priorityPolicy[s] ? m.priorityRank[this.items.stream[id]] : 0)].push(id);
      }
    }
  }

  /**
   * Start serving an item a server has just been counted busy for: its wait, its process time,
   * its completion event.
   */
  protected beginService(id: number, s: number): void {
    const it = this.items;
    const t = this.now;
    const step = this.m.routeStart[it.route[id]] + it.pos[id];
    const u = keyedDraw(this.serviceKey[step], it.key[id], it.pass[id]);
    let d: number;
    if (this.m.serviceByStep[s]) {
      const mean = this.stepServiceMean[step];
      d = mean === mean ? (this.drawRng.drawExponentialOf(u), mean * this.drawRng.exponential) : this.sampleKeyed(this.m.stepService[step], u);
    } else {
      const mean = this.serviceMean[s];
      // PERF: no double crosses a call (see the class comment), here where V8 may not inline.
      d = mean === mean ? (this.drawRng.drawExponentialOf(u), mean * this.drawRng.exponential) : this.sampleKeyed(this.m.service[s], u);
    }
    if (this.tracksRework && it.cause[id] >= 0) d = this.repeatPass(id, s, d);
    // Working time (docs/calendars.md): d is work, done only in the stage's working hours; the
    // server is held, and busy, from start to finish. Touch time is the work.
    const work = this.m.workingTime[s];
    let done = t + d;
    let held = d;
    if (work !== null) {
      work.start = t;
      work.work = d;
      work.done();
      done = work.end;
      held = done - t;
      if (this.measuring && this.tracksRework && it.cause[id] >= 0) this.rb[it.cause[id] * this.nStages + s] += held - d;
    }
    if (this.measuring) {
      const o = s * SF;
      const st = this.st;
      const wait = t - it.entered[id];
      st[o + WAIT_SUM] += wait;
      st[o + VISITS]++;
      st[o + BUSY_AREA] += held;
      // Each stream's use of the stage (byStream): one index, three additions (the loop written
      // out per model folds the index where one stream visits the stage; M/M/2 unchanged).
      const b = (it.stream[id] * this.nStages + s) * BF;
      const ss = this.ss;
      ss[b + B_VISITS]++;
      ss[b + B_WAIT_SUM] += wait;
      ss[b + B_TOUCH_SUM] += d;
    }
    it.touch[id] += d;
    if (this.tracing) this.trace(id, s, "start");
    const cal = this.cal;
    cal.at = done;
    cal.add(R_COMPLETE, COMPLETE, id);
  }

  private complete(id: number): void {
    const m = this.m;
    const it = this.items;
    const s = it.stage[id];
    if (this.tracing) this.trace(id, s, "finish");
    // The freed server takes the next waiting item first, so reworked work queues behind it.
    if (m.partCount[s] > 1) this.freeInPart(s, it.part[id]);
    else if (this.st[s * SF + BUSY] > this.st[s * SF + SERVERS]) this.st[s * SF + BUSY]--; // a shift took this server away
    else {
      const ranks = m.ranks;
      let r = 0;
      for (; r < ranks; r++) {
        const q = this.queues[s * ranks + r];
        if (q.length > 0) {
          this.beginService(q.shift(), s);
          break;
        }
      }
      if (r === ranks) this.st[s * SF + BUSY]--;
    }
    const step = m.routeStart[it.route[id]] + it.pos[id];
    const p = m.stepReworkProbability[step];
    if (p > 0 && (keyedDraw(this.keys.rework[step], it.key[id], it.pass[id]) >>> 0) * TWO_TO_MINUS_32 < p) {
      if (this.tracing) this.trace(id, s, "rework");
      this.rework(id);
    } else {
      if (this.tracksRework && it.cause[id] >= 0) this.endRepeat(id);
      it.pos[id]++;
      this.advance(id);
    }
  }

  /** A draw from `d` whose first number is the keyed draw u (see keyStream). */
  protected sampleKeyed(d: Distribution, u: number): number {
    keyStream(this.drawRng, u);
    return sample(d, this.drawRng);
  }

  /**
   * A service on a repeat pass: `effort` x the drawn time, counted to the rework decision that
   * started the pass (money's reworkPayroll). The draw is the same as on a first pass, so a
   * scenario that changes only the effort keeps its random numbers in step.
   */
  protected repeatPass(id: number, s: number, d: number): number {
    const it = this.items;
    const x = d * it.effort[id];
    if (this.measuring) this.rb[it.cause[id] * this.nStages + s] += x;
    return x;
  }

  /** A rework decision at `step` (stage s) starts a repeat pass, which ends when the item next
   * completes that step. A pass started inside another one (a later step sending work back
   * again) is charged to the later decision, then the outer pass resumes. */
  private startRepeat(id: number, step: number, s: number): void {
    const it = this.items;
    if (it.cause[id] >= 0 && it.causeStep[id] !== step) {
      it.outerCause[id] = it.cause[id];
      it.outerStep[id] = it.causeStep[id];
      it.outerEffort[id] = it.effort[id];
    }
    it.cause[id] = s;
    it.causeStep[id] = step;
    it.effort[id] = this.m.stepReworkEffort[step];
  }

  /** The item completed a step without rework: if it is the step that sent it back, the repeat pass is over. */
  protected endRepeat(id: number): void {
    const it = this.items;
    if (it.causeStep[id] !== this.m.routeStart[it.route[id]] + it.pos[id]) return;
    it.cause[id] = it.outerCause[id];
    it.causeStep[id] = it.outerStep[id];
    it.effort[id] = it.outerEffort[id];
    it.outerCause[id] = -1;
  }

  /** A branch starts on the repeat pass its item is on. */
  private inheritRepeat(c: number, from: number): void {
    const it = this.items;
    it.cause[c] = it.cause[from];
    it.causeStep[c] = it.causeStep[from];
    it.effort[c] = it.effort[from];
    it.outerCause[c] = it.outerCause[from];
    it.outerStep[c] = it.outerStep[from];
    it.outerEffort[c] = it.outerEffort[from];
  }

  /**
   * Send an item back from the step it has just finished: to the step named by `rework.to`,
   * which it visits even if it is an optional step it skipped, and which may lie in a completed
   * parallel branch (only that branch runs again, from there to its end; the item then re-joins
   * and goes on after the fork); else to the previous step this item took (a parallel step runs
   * its whole fork again), or this stage again when there is none.
   */
  protected rework(id: number): void {
    const m = this.m;
    const it = this.items;
    const route = it.route[id];
    const pos = it.pos[id];
    const step = m.routeStart[route] + pos;
    it.pass[id]++; // the steps it goes back through draw anew
    this.startRepeat(id, step, m.stepStage[step]);
    const target = m.stepRework[step];
    if (target === REWORK_PREVIOUS) {
      for (let p = pos - 1; p >= 0; p--) {
        const prev = m.routeStart[route] + p;
        if (m.stepKind[prev] !== STEP_OPTIONAL || (it.needs[id] & (1 << m.stepBit[prev])) !== 0) {
          it.pos[id] = p;
          this.advance(id);
          return;
        }
      }
      this.enterStage(id, m.stepStage[step]);
      return;
    }
    it.pos[id] = target;
    const d = m.stepReworkDescent[step];
    let at = id;
    if (d >= 0) {
      // A fork of one branch at each level down: `pending` 1, so the item re-joins when it ends.
      const t = this.now;
      const levels = m.reworkDescent[d];
      for (let l = 0; l < levels; l++) {
        it.pending[at] = 1;
        it.branchTouch[at] = 0;
        const c = it.alloc();
        it.stream[c] = it.stream[id];
        it.route[c] = m.reworkDescent[d + 1 + 2 * l];
        it.pos[c] = m.reworkDescent[d + 2 + 2 * l];
        it.parent[c] = at;
        it.needs[c] = it.needs[id];
        it.key[c] = it.key[id];
        it.pass[c] = it.pass[id];
        it.arrived[c] = t;
        it.touch[c] = 0;
        this.inheritRepeat(c, id);
        if (this.tracing) this.serial[c] = this.serial[id];
        at = c;
      }
    }
    this.enterStage(at, m.stepStage[m.routeStart[it.route[at]] + it.pos[at]]);
  }

  private fork(id: number, step: number): void {
    const m = this.m;
    const it = this.items;
    const n = m.stepBranchCount[step];
    const first = m.stepBranchStart[step];
    it.pending[id] = n;
    it.branchTouch[id] = 0;
    // `pending` is set before any branch starts: a branch may finish at once and join.
    const t = this.now;
    for (let b = 0; b < n; b++) {
      const c = it.alloc();
      it.stream[c] = it.stream[id];
      it.route[c] = first + b;
      it.pos[c] = 0;
      it.parent[c] = id;
      it.needs[c] = it.needs[id];
      it.key[c] = it.key[id]; // a branch draws as its item
      it.pass[c] = it.pass[id];
      it.arrived[c] = t;
      it.touch[c] = 0;
      this.inheritRepeat(c, id);
      if (this.tracing) this.serial[c] = this.serial[id]; // a branch is traced as its item
      this.advance(c);
    }
  }

  protected finish(id: number): void {
    const it = this.items;
    const parent = it.parent[id];
    if (parent >= 0) {
      // A branch ends: the item goes on when its last branch is done (the join).
      if (it.touch[id] > it.branchTouch[parent]) it.branchTouch[parent] = it.touch[id];
      if (it.pass[id] > it.pass[parent]) it.pass[parent] = it.pass[id];
      it.release(id);
      if (--it.pending[parent] === 0) {
        it.touch[parent] += it.branchTouch[parent];
        it.pos[parent]++;
        this.advance(parent);
      }
      return;
    }
    const stream = it.stream[id];
    const t = this.now;
    const sr = this.sr;
    const o = stream * RF;
    if (this.tracing) this.trace(id, -1, "done");
    if (this.measuring) {
      const lead = t - it.arrived[id];
      sr[o + COMPLETED]++;
      sr[o + LEAD_SUM] += lead;
      sr[o + TOUCH_SUM] += it.touch[id];
      const work = this.m.leadCalendar;
      if (work !== null) sr[o + LEAD_WORK_SUM] += (work.worked(t) - work.worked(it.arrived[id])) / this.m.workingDay;
      // PERF: lead times reach the sketches in batches, so no double crosses a call per item.
      const k = this.leadN[stream]++;
      this.leadBatch[stream * LEAD_BATCH + k] = lead;
      if (k + 1 === LEAD_BATCH) this.flushLeadTimes(stream);
    }
    this.inSystem--;
    it.release(id);
  }

  /** From warm-up end on, the areas count from zero: take off what came before (see measure.ts). */
  private startMeasuring(): void {
    this.correctAreas(-1);
    this.measuring = true;
  }

  /**
   * The ends of the measured window in the areas (see measure.ts): the time before `now` of the
   * items in the system and of the items waiting, and the time after `now` of the services
   * running; taken off at the warm-up end (sign -1) and added at the end (+1). A scan, outside
   * the event loop.
   */
  private correctAreas(sign: number): void {
    const m = this.m;
    const it = this.items;
    const t = this.now;
    const st = this.st;
    const sr = this.sr;
    for (const id of it.liveIds()) {
      if (it.parent[id] < 0) sr[it.stream[id] * RF + WIP_CORRECTION] += sign * (t - it.arrived[id]);
    }
    const nStages = m.stageIds.length;
    const waiting = (ring: Ring, s: number) => {
      for (let i = 0; i < ring.length; i++) {
        const id = ring.at(i);
        const x = sign * (t - it.entered[id]);
        st[s * SF + WAITING_CORRECTION] += x;
        this.ss[(it.stream[id] * nStages + s) * BF + B_WAITING_CORRECTION] += x;
      }
    };
    for (let s = 0; s < nStages; s++) {
      for (let r = 0; r < m.ranks; r++) waiting(this.gates[s * m.ranks + r], s);
      for (let p = m.partStart[s]; p < m.partStart[s] + m.partCount[s]; p++) {
        for (let r = 0; r < m.ranks; r++) waiting(this.queues[m.partQueue[p] + r], s);
      }
    }
    this.cal.forEach((time, kind, id) => {
      if (kind !== COMPLETE) return;
      st[it.stage[id] * SF + BUSY_AREA] -= sign * (time - t);
      if (this.tracksRework && it.cause[id] >= 0) this.rb[it.cause[id] * this.nStages + it.stage[id]] -= sign * (time - t);
    });
  }

  /** Items at a stage's gate and in its queues now. */
  private waitingAt(s: number): number {
    return this.gateCount[s] + this.parts.waiting(s);
  }

  protected flushLeadTimes(stream: number): void {
    this.leadTimes[stream].addMany(this.leadBatch, stream * LEAD_BATCH, this.leadN[stream]);
    this.leadN[stream] = 0;
  }

  protected declareUnstable(): void {
    let worst = 0;
    for (let s = 1; s < this.m.stageIds.length; s++) if (this.waitingAt(s) > this.waitingAt(worst)) worst = s;
    this.unstable = { stage: this.m.stageIds[worst], time: this.now, wip: this.inSystem, waiting: this.waitingAt(worst) };
  }

  private trace(item: number, s: number, what: TraceRow["what"]): void {
    const it = this.items;
    this.observer?.step(this.now, this.serial[item], it.stream[item], s, what);
    this.traceRows?.push({
      time: this.now,
      item: this.serial[item],
      stream: this.m.streamIds[it.stream[item]],
      stage: s >= 0 ? this.m.stageIds[s] : null,
      what,
    });
  }

  protected result(events: number): ReplicationResult {
    for (let i = 0; i < this.m.streamIds.length; i++) this.flushLeadTimes(i);
    if (this.measuring) this.correctAreas(1);
    const measured = figures(this.m, this.st, this.sr, this.ss, this.rb, this.leadTimes, this.now);
    return { events, ...measured, inFlight: this.inSystem, unstable: this.unstable, trace: this.traceRows };
  }
}

