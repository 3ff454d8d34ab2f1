// The second yardstick: minimal-loop.mjs's two hand-specialized loops, same draws in the same order
// (so the same trajectory, events and mean lead time, to the last bit), that also compute every
// figure vsm-sim reports for the model (src/flow/results.ts), with the cheapest exact bookkeeping
// we know how to write by hand. vsm-sim against minimal-loop.mjs measures the engine's generality
// and its figures together; this loop pays for the same figures, so vsm-sim against it measures the
// engine's generality alone.
//
// The measured window is [0, E], E = the clock when the loop stops (no warm-up). The event path
// keeps only sums; what is still open at E (items waiting, services running) is added by one scan
// of the heap and the queues at the end, which hold a few dozen entries:
// - WIP area = lead times of completed items + (E - arrival) of items still in the system.
// - Queue area of a station = waits of the services started + (E - entered) of items still waiting.
// - Busy area of a station = process times of the services started - (completion - E) of the
//   services still running.
// - Touch time: an item's lead time is its waits plus its process times (no travel, no gates), so
//   the completed items' touch time = their lead times - their waits, and their waits = the waits
//   of all services started - those of items still in the system. So only the waits are summed
//   per item, and only on starts from a queue (most starts in these models, but not all); M/M/2
//   keeps each server's start time instead.
// - Visits (services started) follow from conservation of items; see Jackson.figures.
// Every figure agrees with per-event time-weighted counts and direct counters to 1e-13 relative,
// visits exactly (a one-off check, seeds 1-3, 200,000 and 100,000 completions).
// PERF: bench/COSTS.md measured this bookkeeping in the engine (areas rebuilt from the lead-time
// and wait sums plus scans, instead of per-event counts): 1.9 ns an event faster cold, 2.7 warm.
//
// Lead-time quantiles: vsm-sim's own QuantileSketch (default alpha 0.005), fed as the engine feeds
// it, in batches of LEAD_BATCH through addMany, so both sides pay the same for the same figures.
//
// The heap, sfc32 and the Loop base class are minimal-loop.mjs's, copied; Loop adds the sketch and
// the stream's figures. See there for the random numbers and the class form. PERF: copied, not
// imported: importing them from minimal-loop.mjs (as a subclass, or only the functions and
// constants) measured Jackson 19.0M -> 18.0M events/s cold, warm unchanged (7 alternating fresh
// processes), and a yardstick must be the fastest loop we can write.

import { standardExponential } from '../../dist/engine/exponential.js';
import { QuantileSketch } from '../../dist/stats/sketch.js';

const TWO_NEG_32 = 1 / 4294967296;

/** Lead times wait here before they reach the sketch, as in src/flow/simulation.ts. */
const LEAD_BATCH = 512;

/** Grows a typed array to twice its length, keeping the contents. */
function grow(arr) {
  const bigger = new arr.constructor(arr.length * 2);
  bigger.set(arr);
  return bigger;
}

/** Places (t, p) at hole i and sifts it up. */
function siftUp(times, pays, i, t, p) {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pt = times[parent];
    if (pt <= t) break;
    times[i] = pt;
    pays[i] = pays[parent];
    i = parent;
  }
  times[i] = t;
  pays[i] = p;
}

/** After the root was taken: moves entry `last` into the root hole and sifts it down. */
function siftDown(times, pays, last) {
  const t = times[last];
  const p = pays[last];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= last) break;
    if (c + 1 < last && times[c + 1] < times[c]) c++;
    if (times[c] >= t) break;
    times[i] = times[c];
    pays[i] = pays[c];
    i = c;
  }
  times[i] = t;
  pays[i] = p;
}

/** sfc32 state seeded from one 32-bit integer, as an Int32Array(4) for the caller to unpack. */
function sfc32Seed(seed) {
  let a = 0, b = seed | 0, c = 0, d = 1;
  for (let i = 0; i < 15; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
  }
  return Int32Array.of(a, b, c, d);
}

/** sfc32 state and draws, the heap, the lead-time sum and its sketch, as fields of the model's class. */
class Loop {
  constructor(seed) {
    const s = sfc32Seed(seed);
    this.ra = s[0];
    this.rb = s[1];
    this.rc = s[2];
    this.rd = s[3];
    this.times = new Float64Array(16);
    this.pays = new Int32Array(16);
    this.n = 0;
    this.now = -0;
    this.leadSum = -0;
    this.done = 0;
    this.sketch = new QuantileSketch();
    this.batch = new Float64Array(LEAD_BATCH);
    this.nBatch = 0;
  }

  bits() {
    const a = this.ra;
    const b = this.rb;
    const c = this.rc;
    const d = this.rd;
    const t = (((a + b) | 0) + d) | 0;
    this.rd = (d + 1) | 0;
    this.ra = b ^ (b >>> 9);
    this.rb = (c + (c << 3)) | 0;
    this.rc = (((c << 21) | (c >>> 11)) + t) | 0;
    return t;
  }

  uniform() {
    return ((this.bits() >>> 0) + 0.5) * TWO_NEG_32;
  }

  push(t, p) {
    if (this.n === this.times.length) {
      this.times = grow(this.times);
      this.pays = grow(this.pays);
    }
    siftUp(this.times, this.pays, this.n++, t, p);
  }

  /** The batch of lead times into the sketch. */
  flush() {
    this.sketch.addMany(this.batch, 0, this.nBatch);
    this.nBatch = 0;
  }

  /** The stream's figures (results.ts STREAM_FIGURES), given the WIP area and the completed items' touch time. */
  streamFigures(wipArea, touch) {
    this.flush();
    const E = this.now;
    const q = this.sketch;
    return {
      throughput: this.done / E,
      completed: this.done,
      wip: wipArea / E,
      flowEfficiency: touch / this.leadSum,
      leadTimeMean: this.leadSum / this.done,
      leadTimeP50: q.quantile(0.5),
      leadTimeP85: q.quantile(0.85),
      leadTimeP95: q.quantile(0.95),
    };
  }

  result(events, figures) {
    return { completions: this.done, events, simTime: this.now, meanLeadTime: this.done > 0 ? this.leadSum / this.done : NaN, figures };
  }
}

/** A stage's figures (results.ts STAGE_FIGURES) over [0, E]. */
function stageFigures(E, servers, busyArea, waitSum, queueArea, visits) {
  return { utilization: busyArea / (servers * E), wait: waitSum / visits, queueLength: queueArea / E, visits, waitTotal: waitSum };
}

/**
 * Model A: M/M/2, arrival rate 9, service rate 5 per server, until `completions` items leave.
 * Payload: -1 = arrival, k >= 0 = service completion on server k.
 */
class MM2 extends Loop {
  constructor(seed) {
    super(seed);
    this.ring = new Float64Array(1024); // FIFO of waiting items' arrival times (= when they queued)
    this.mask = this.ring.length - 1;
    this.head = 0;
    this.count = 0;
    this.inService = new Float64Array(2); // arrival time of the item on server k
    this.startedAt = new Float64Array(2); // when server k started it
    this.idle = Int32Array.of(1, 0); // stack of idle servers
    this.nIdle = 2;
    this.waitSum = -0; // waits of the services started
  }

  run(completions) {
    this.push(standardExponential(this.bits()) * ARRIVAL_MEAN_A, -1);
    let events = 0;
    while (this.done < completions) {
      // PERF: the pop inlined by hand, as in minimal-loop.mjs.
      const times = this.times;
      const pays = this.pays;
      this.now = times[0];
      const p = pays[0];
      if (--this.n > 0) siftDown(times, pays, this.n);
      events++;
      if (p < 0) this.arrive();
      else this.complete(p);
    }
    return this.result(events, this.figures());
  }

  arrive() {
    const t = this.now;
    this.push(t + standardExponential(this.bits()) * ARRIVAL_MEAN_A, -1);
    if (this.nIdle > 0) {
      const k = this.idle[--this.nIdle];
      this.inService[k] = t;
      this.startedAt[k] = t; // a wait of 0: nothing to add
      this.push(t + standardExponential(this.bits()) * SERVICE_MEAN_A, k);
      return;
    }
    if (this.count === this.ring.length) {
      // Unroll the ring so the grown buffer is contiguous from 0.
      const bigger = new Float64Array(this.ring.length * 2);
      for (let i = 0; i < this.count; i++) bigger[i] = this.ring[(this.head + i) & this.mask];
      this.ring = bigger;
      this.mask = bigger.length - 1;
      this.head = 0;
    }
    this.ring[(this.head + this.count) & this.mask] = t;
    this.count++;
  }

  complete(k) {
    const t = this.now;
    // PERF: written out here and in Jackson rather than called as a leave(lead) method, so no
    // double crosses a call (as in src/flow/simulation.ts). Jackson, medians of 5 fresh processes:
    // 15.1 -> 15.7M events/s cold, 17.7 -> 18.8M warm.
    const lead = t - this.inService[k];
    this.leadSum += lead;
    this.done++;
    this.batch[this.nBatch++] = lead;
    if (this.nBatch === LEAD_BATCH) this.flush();
    if (this.count > 0) {
      const arrived = this.ring[this.head];
      this.inService[k] = arrived;
      this.startedAt[k] = t;
      this.waitSum += t - arrived;
      this.head = (this.head + 1) & this.mask;
      this.count--;
      this.push(t + standardExponential(this.bits()) * SERVICE_MEAN_A, k);
    } else {
      this.idle[this.nIdle++] = k;
    }
  }

  /** The end-of-run scan and the figures; see the file comment. */
  figures() {
    const E = this.now;
    let running = 0;
    let openWip = 0; // (E - arrival) of items in the system
    let openBusy = 0; // (E - start) of services running
    let openWait = 0; // waits of items in service: counted in waitSum, not in their lead time yet
    for (let i = 0; i < this.n; i++) {
      const k = this.pays[i];
      if (k < 0) continue;
      running++;
      openWip += E - this.inService[k];
      openBusy += E - this.startedAt[k];
      openWait += this.startedAt[k] - this.inService[k];
    }
    let openQueue = 0;
    for (let i = 0; i < this.count; i++) openQueue += E - this.ring[(this.head + i) & this.mask];
    // Single stage: the completed items' touch time is also the busy time of the finished services.
    const touch = this.leadSum - (this.waitSum - openWait);
    const stream = this.streamFigures(this.leadSum + openWip + openQueue, touch);
    const stage = stageFigures(E, 2, touch + openBusy, this.waitSum, this.waitSum + openQueue, this.done + running);
    return { streams: { a: stream }, stages: { s: stage } };
  }
}
const ARRIVAL_MEAN_A = 1 / 9;
const SERVICE_MEAN_A = 1 / 5;

/**
 * Model B: open Jackson network. Poisson(4) into S1 (1 server, rate 5), then S2 (3 servers, rate
 * 5/2.4), then S3 (2 servers, rate 5/1.6); after S3 an item returns to S2 with probability 0.2.
 * Items live in a pool (times per item id, free-list of ids). Payload: -1 = arrival, otherwise
 * item * 4 + station (0, 1, 2) = service completion of that item at that station.
 */
class Jackson extends Loop {
  constructor(seed) {
    super(seed);
    // Per item id: arrival, when it joined its current queue, and its waits so far.
    this.arrivedAt = new Float64Array(1024);
    this.queuedAt = new Float64Array(1024);
    this.waited = new Float64Array(1024);
    this.freeIds = new Int32Array(1024); // stack of unused item ids
    this.nFreeIds = 0;
    this.nextId = 0;
    // One power-of-two ring buffer of item ids per station.
    this.rings = [new Int32Array(1024), new Int32Array(1024), new Int32Array(1024)];
    this.head = new Int32Array(3);
    this.count = new Int32Array(3);
    this.busy = new Int32Array(3);
    // Per station: waits and process times of the services started.
    this.waitSum = new Float64Array(3);
    this.processSum = new Float64Array(3);
  }

  run(completions) {
    this.push(standardExponential(this.bits()) * ARRIVAL_MEAN_B, -1);
    let events = 0;
    while (this.done < completions) {
      // PERF: the pop inlined by hand, as in minimal-loop.mjs.
      const times = this.times;
      const pays = this.pays;
      this.now = times[0];
      const p = pays[0];
      if (--this.n > 0) siftDown(times, pays, this.n);
      events++;
      if (p < 0) this.arrive();
      else this.complete(p >> 2, p & 3);
    }
    return this.result(events, this.figures(events));
  }

  arrive() {
    this.push(this.now + standardExponential(this.bits()) * ARRIVAL_MEAN_B, -1);
    let item;
    if (this.nFreeIds > 0) item = this.freeIds[--this.nFreeIds];
    else {
      item = this.nextId++;
      if (item === this.arrivedAt.length) {
        this.arrivedAt = grow(this.arrivedAt);
        this.queuedAt = grow(this.queuedAt);
        this.waited = grow(this.waited);
        this.freeIds = grow(this.freeIds);
      }
    }
    this.arrivedAt[item] = this.now;
    this.waited[item] = 0;
    this.join(item, 0);
  }

  /** The server at st is released: the head of its queue starts, or the server goes idle. */
  complete(item, st) {
    if (this.count[st] > 0) {
      const ring = this.rings[st];
      const next = ring[this.head[st]];
      this.head[st] = (this.head[st] + 1) & (ring.length - 1);
      this.count[st]--;
      const w = this.now - this.queuedAt[next];
      this.waitSum[st] += w;
      this.waited[next] += w;
      const d = standardExponential(this.bits()) * SERVICE_MEAN_B[st];
      this.processSum[st] += d;
      this.push(this.now + d, next * 4 + st);
    } else {
      this.busy[st]--;
    }
    if (st < 2) this.join(item, st + 1);
    else if (this.uniform() < P_BACK) this.join(item, 1);
    else {
      const lead = this.now - this.arrivedAt[item];
      this.leadSum += lead;
      this.done++;
      this.batch[this.nBatch++] = lead;
      if (this.nBatch === LEAD_BATCH) this.flush();
      this.freeIds[this.nFreeIds++] = item;
    }
  }

  /** An item joins station st: starts service if a server is idle, else queues. */
  join(item, st) {
    if (this.busy[st] < SERVERS_B[st]) {
      this.busy[st]++;
      const d = standardExponential(this.bits()) * SERVICE_MEAN_B[st];
      this.processSum[st] += d;
      this.push(this.now + d, item * 4 + st);
      return;
    }
    this.queuedAt[item] = this.now;
    let ring = this.rings[st];
    if (this.count[st] === ring.length) {
      // Unroll the ring so the grown buffer is contiguous from 0.
      const bigger = new Int32Array(ring.length * 2);
      for (let i = 0; i < this.count[st]; i++) bigger[i] = ring[(this.head[st] + i) & (ring.length - 1)];
      this.rings[st] = ring = bigger;
      this.head[st] = 0;
    }
    ring[(this.head[st] + this.count[st]) & (ring.length - 1)] = item;
    this.count[st]++;
  }

  /** The end-of-run scan and the figures; see the file comment. */
  figures(events) {
    const E = this.now;
    const busyArea = Float64Array.from(this.processSum);
    const queueArea = Float64Array.from(this.waitSum);
    let inSystem = 0;
    let openWip = 0; // (E - arrival) of items in the system
    let openWait = 0; // waits of items in the system: counted in waitSum, not in a lead time yet
    for (let i = 0; i < this.n; i++) {
      const p = this.pays[i];
      if (p < 0) continue;
      const item = p >> 2;
      busyArea[p & 3] -= this.times[i] - E;
      inSystem++;
      openWip += E - this.arrivedAt[item];
      openWait += this.waited[item];
    }
    for (let st = 0; st < 3; st++) {
      const ring = this.rings[st];
      for (let i = 0; i < this.count[st]; i++) {
        const item = ring[(this.head[st] + i) & (ring.length - 1)];
        queueArea[st] += E - this.queuedAt[item];
        inSystem++;
        openWip += E - this.arrivedAt[item];
        openWait += this.waited[item];
      }
    }
    const waitAll = this.waitSum[0] + this.waitSum[1] + this.waitSum[2];
    const stream = this.streamFigures(this.leadSum + openWip, this.leadSum - (waitAll - openWait));
    // Visits without a counter per start: every item that joined a station and is not in its queue
    // started there, and every event is an arrival or a service completion. With q, b the items
    // queued and in service at the end and c_i the completions at station i:
    //   arrivals = done + inSystem, visits1 = arrivals - q1, c1 = visits1 - b1,
    //   c3 = (joins of S3 = c2) - q3 - b3, events = arrivals + c1 + c2 + c3,
    // so c2 = (events - arrivals - c1 + q3 + b3) / 2; visits2 = c2 + b2, visits3 = c2 - q3.
    const [q1, , q3] = this.count;
    const [b1, b2, b3] = this.busy;
    const arrivals = this.done + inSystem;
    const visits1 = arrivals - q1;
    const c1 = visits1 - b1;
    const c2 = (events - arrivals - c1 + q3 + b3) / 2;
    const visits = [visits1, c2 + b2, c2 - q3];
    const stages = {};
    for (let st = 0; st < 3; st++) {
      stages[`S${st + 1}`] = stageFigures(E, SERVERS_B[st], busyArea[st], this.waitSum[st], queueArea[st], visits[st]);
    }
    return { streams: { a: stream }, stages };
  }
}
const ARRIVAL_MEAN_B = 1 / 4;
const SERVICE_MEAN_B = Float64Array.of(1 / 5, 2.4 / 5, 1.6 / 5);
const SERVERS_B = Int32Array.of(1, 3, 2);
const P_BACK = 0.2;

/**
 * @param {{ completions: number, seed?: number }} opts
 * @returns {{ completions: number, events: number, simTime: number, meanLeadTime: number,
 *   figures: { streams: { a: object }, stages: { s: object } } }} figures named as in src/flow/results.ts
 */
export function runMinimalFiguresMM2({ completions, seed = 1 }) {
  return new MM2(seed).run(completions);
}

/** Model B, as runMinimalFiguresMM2; stages S1, S2, S3. */
export function runMinimalFiguresJackson({ completions, seed = 1 }) {
  return new Jackson(seed).run(completions);
}
