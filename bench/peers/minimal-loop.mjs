// The yardstick: the fastest plain-JS event loop we know how to write for the two benchmark
// models, with everything a general engine would pay for but nothing more. A binary heap over typed
// arrays (Float64Array times, Int32Array payloads), inline sfc32 random numbers, FIFO ring buffers
// over typed arrays, no allocation per event (buffers only grow by doubling, which is rare).
// Not a general engine: each model is its own hand-specialized loop. vsm-sim is measured against it.
//
// Random numbers: sfc32 (Chris Doty-Humphrey, PractRand), seeded as in pure-rand / the usual
// JS port: (0, seed, 0, 1) then 15 discarded outputs. Uniform u = (x + 0.5) / 2^32 lies in (0, 1).
// Exponential times come from vsm-sim's own standardExponential (one output, inverted without
// Math.log), the fastest draw we know: the yardstick must not lose to the engine on sampling, so the
// ratio measures what the general engine costs, not which logarithm it calls.
//
// PERF: each model is a class whose state lives in fields; the clock and the lead-time sum start
// as -0, doubles. An earlier version kept its state in a closure's local variables: V8 compiled
// the one long loop by on-stack replacement and boxed the loop-carried doubles, about 99 MiB of
// garbage and 136 scavenges per 2M-completion run, 6.4 ns an event slower (a cost ladder, 21
// rounds of fresh processes). The heap sifts are module-level functions that V8 inlines.

import { standardExponential } from '../../dist/engine/exponential.js';

const TWO_NEG_32 = 1 / 4294967296;

/** Grows a typed array to twice its length, keeping the contents. */
function grow(arr) {
  const bigger = new arr.constructor(arr.length * 2);
  bigger.set(arr);
  return bigger;
}

// Binary min-heap on (time, payload) in parallel typed arrays, as two module-level functions
// taking the arrays as arguments (V8 inlines both into the loops). Equal times leave in unspecified
// order; with continuous distributions ties have probability 0.

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

/** sfc32 state and draws, as fields of the model's class (the engine's RandomStream does the same). */
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

  result(events) {
    return { completions: this.done, events, simTime: this.now, meanLeadTime: this.done > 0 ? this.leadSum / this.done : NaN };
  }
}

/**
 * Model A: M/M/2, arrival rate 9, service rate 5 per server, until `completions` items leave.
 * Payload: -1 = arrival, k >= 0 = service completion on server k.
 */
class MM2 extends Loop {
  constructor(seed) {
    super(seed);
    this.ring = new Float64Array(1024); // FIFO of waiting items' arrival times
    this.mask = this.ring.length - 1;
    this.head = 0;
    this.count = 0;
    this.inService = new Float64Array(2); // arrival time of the item on server k
    this.idle = Int32Array.of(1, 0); // stack of idle servers
    this.nIdle = 2;
  }

  run(completions) {
    this.push(standardExponential(this.bits()) * ARRIVAL_MEAN_A, -1);
    let events = 0;
    while (this.done < completions) {
      // PERF: the pop inlined by hand.
      const times = this.times;
      const pays = this.pays;
      this.now = times[0];
      const p = pays[0];
      if (--this.n > 0) siftDown(times, pays, this.n);
      events++;
      if (p < 0) this.arrive();
      else this.complete(p);
    }
    return this.result(events);
  }

  arrive() {
    const t = this.now;
    this.push(t + standardExponential(this.bits()) * ARRIVAL_MEAN_A, -1);
    if (this.nIdle > 0) {
      const k = this.idle[--this.nIdle];
      this.inService[k] = t;
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
    this.leadSum += t - this.inService[k];
    this.done++;
    if (this.count > 0) {
      this.inService[k] = this.ring[this.head];
      this.head = (this.head + 1) & this.mask;
      this.count--;
      this.push(t + standardExponential(this.bits()) * SERVICE_MEAN_A, k);
    } else {
      this.idle[this.nIdle++] = k;
    }
  }
}
const ARRIVAL_MEAN_A = 1 / 9;
const SERVICE_MEAN_A = 1 / 5;

/**
 * Model B: open Jackson network. Poisson(4) into S1 (1 server, rate 5), then S2 (3 servers, rate
 * 5/2.4), then S3 (2 servers, rate 5/1.6); after S3 an item returns to S2 with probability 0.2.
 * Items live in a pool (arrival time per item id, free-list of ids). Payload: -1 = arrival,
 * otherwise item * 4 + station (0, 1, 2) = service completion of that item at that station.
 */
class Jackson extends Loop {
  constructor(seed) {
    super(seed);
    this.arrivedAt = new Float64Array(1024); // per item id
    this.freeIds = new Int32Array(1024); // stack of unused item ids
    this.nFreeIds = 0;
    this.nextId = 0;
    // One power-of-two ring buffer of item ids per station.
    this.rings = [new Int32Array(1024), new Int32Array(1024), new Int32Array(1024)];
    this.head = new Int32Array(3);
    this.count = new Int32Array(3);
    this.busy = new Int32Array(3);
  }

  run(completions) {
    this.push(standardExponential(this.bits()) * ARRIVAL_MEAN_B, -1);
    let events = 0;
    while (this.done < completions) {
      // PERF: the pop inlined by hand, as in MM2 (a shared pop() method measured 35M -> 27M events/s).
      const times = this.times;
      const pays = this.pays;
      this.now = times[0];
      const p = pays[0];
      if (--this.n > 0) siftDown(times, pays, this.n);
      events++;
      if (p < 0) this.arrive();
      else this.complete(p >> 2, p & 3);
    }
    return this.result(events);
  }

  arrive() {
    this.push(this.now + standardExponential(this.bits()) * ARRIVAL_MEAN_B, -1);
    let item;
    if (this.nFreeIds > 0) item = this.freeIds[--this.nFreeIds];
    else {
      item = this.nextId++;
      if (item === this.arrivedAt.length) {
        this.arrivedAt = grow(this.arrivedAt);
        this.freeIds = grow(this.freeIds);
      }
    }
    this.arrivedAt[item] = this.now;
    this.join(item, 0);
  }

  /** The server at st is released: the head of its queue starts, or the server goes idle. */
  complete(item, st) {
    if (this.count[st] > 0) {
      const ring = this.rings[st];
      const next = ring[this.head[st]];
      this.head[st] = (this.head[st] + 1) & (ring.length - 1);
      this.count[st]--;
      this.push(this.now + standardExponential(this.bits()) * SERVICE_MEAN_B[st], next * 4 + st);
    } else {
      this.busy[st]--;
    }
    if (st < 2) this.join(item, st + 1);
    else if (this.uniform() < P_BACK) this.join(item, 1);
    else {
      this.leadSum += this.now - this.arrivedAt[item];
      this.done++;
      this.freeIds[this.nFreeIds++] = item;
    }
  }

  /** An item joins station st: starts service if a server is idle, else queues. */
  join(item, st) {
    if (this.busy[st] < SERVERS_B[st]) {
      this.busy[st]++;
      this.push(this.now + standardExponential(this.bits()) * SERVICE_MEAN_B[st], item * 4 + st);
      return;
    }
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
}
const ARRIVAL_MEAN_B = 1 / 4;
const SERVICE_MEAN_B = Float64Array.of(1 / 5, 2.4 / 5, 1.6 / 5);
const SERVERS_B = Int32Array.of(1, 3, 2);
const P_BACK = 0.2;

/**
 * @param {{ completions: number, seed?: number }} opts
 * @returns {{ completions: number, events: number, simTime: number, meanLeadTime: number }}
 */
export function runMinimalMM2({ completions, seed = 1 }) {
  return new MM2(seed).run(completions);
}

/** Model B, as runMinimalMM2. */
export function runMinimalJackson({ completions, seed = 1 }) {
  return new Jackson(seed).run(completions);
}
