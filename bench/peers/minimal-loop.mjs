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
// PERF: the heap pop is inlined by hand; push, the RNG and queue joins are tiny closures or
// module-level functions that V8 inlines. Measured by `node bench/run.mjs` (impl `minimal`).

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

/**
 * Model A: M/M/2, arrival rate 9, service rate 5 per server, until `completions` items leave.
 * Payload: -1 = arrival, k >= 0 = service completion on server k.
 * @param {{ completions: number, seed?: number }} opts
 * @returns {{ completions: number, events: number, simTime: number, meanLeadTime: number }}
 */
export function runMinimalMM2({ completions, seed = 1 }) {
  const ARRIVAL_MEAN = 1 / 9;
  const SERVICE_MEAN = 1 / 5;
  const SERVERS = 2;
  const s = sfc32Seed(seed);
  let ra = s[0], rb = s[1], rc = s[2], rd = s[3];

  let times = new Float64Array(16);
  let pays = new Int32Array(16);
  let n = 0;
  // FIFO of waiting items' arrival times; power-of-two ring buffer.
  let ring = new Float64Array(1024);
  let mask = ring.length - 1;
  let head = 0;
  let count = 0;
  const inService = new Float64Array(SERVERS); // arrival time of the item on server k
  const idle = new Int32Array(SERVERS); // stack of idle server indices
  let nIdle = SERVERS;
  for (let k = 0; k < SERVERS; k++) idle[k] = SERVERS - 1 - k;

  let done = 0;
  let events = 0;
  let now = 0;
  let leadSum = 0;

  const bits = () => {
    const t = (((ra + rb) | 0) + rd) | 0;
    rd = (rd + 1) | 0;
    ra = rb ^ (rb >>> 9);
    rb = (rc + (rc << 3)) | 0;
    rc = (rc << 21) | (rc >>> 11);
    rc = (rc + t) | 0;
    return t;
  };
  const uniform = () => ((bits() >>> 0) + 0.5) * TWO_NEG_32;
  const exponential = () => standardExponential(bits());
  const push = (t, p) => {
    if (n === times.length) {
      times = grow(times);
      pays = grow(pays);
    }
    siftUp(times, pays, n++, t, p);
  };

  push(exponential() * ARRIVAL_MEAN, -1);
  while (done < completions) {
    // PERF: pop inlined (bench/run.mjs, impl minimal).
    now = times[0];
    const p = pays[0];
    if (--n > 0) siftDown(times, pays, n);
    events++;
    if (p < 0) {
      push(now + exponential() * ARRIVAL_MEAN, -1);
      if (nIdle > 0) {
        const k = idle[--nIdle];
        inService[k] = now;
        push(now + exponential() * SERVICE_MEAN, k);
      } else {
        if (count === ring.length) {
          // Unroll the ring so the grown buffer is contiguous from 0.
          const bigger = new Float64Array(ring.length * 2);
          for (let i = 0; i < count; i++) bigger[i] = ring[(head + i) & mask];
          ring = bigger;
          mask = ring.length - 1;
          head = 0;
        }
        ring[(head + count) & mask] = now;
        count++;
      }
    } else {
      leadSum += now - inService[p];
      done++;
      if (count > 0) {
        inService[p] = ring[head];
        head = (head + 1) & mask;
        count--;
        push(now + exponential() * SERVICE_MEAN, p);
      } else {
        idle[nIdle++] = p;
      }
    }
  }
  return { completions: done, events, simTime: now, meanLeadTime: done > 0 ? leadSum / done : NaN };
}

/**
 * Model B: open Jackson network. Poisson(4) into S1 (1 server, rate 5), then S2 (3 servers, rate
 * 5/2.4), then S3 (2 servers, rate 5/1.6); after S3 an item returns to S2 with probability 0.2.
 * Runs until `completions` items leave the system.
 * Items live in a pool (arrival time per item id, free-list of ids). Payload: -1 = arrival,
 * otherwise item * 4 + station (0, 1, 2) = service completion of that item at that station.
 * @param {{ completions: number, seed?: number }} opts
 * @returns {{ completions: number, events: number, simTime: number, meanLeadTime: number }}
 */
export function runMinimalJackson({ completions, seed = 1 }) {
  const ARRIVAL_MEAN = 1 / 4;
  const SERVICE_MEAN = Float64Array.of(1 / 5, 2.4 / 5, 1.6 / 5);
  const SERVERS = Int32Array.of(1, 3, 2);
  const P_BACK = 0.2;
  const s = sfc32Seed(seed);
  let ra = s[0], rb = s[1], rc = s[2], rd = s[3];

  let times = new Float64Array(16);
  let pays = new Int32Array(16);
  let n = 0;
  let arrivedAt = new Float64Array(1024); // per item id
  let freeIds = new Int32Array(1024); // stack of unused item ids
  let nFreeIds = 0;
  let nextId = 0;
  // One power-of-two ring buffer of item ids per station.
  const rings = [new Int32Array(1024), new Int32Array(1024), new Int32Array(1024)];
  const head = new Int32Array(3);
  const count = new Int32Array(3);
  const busy = new Int32Array(3);

  let done = 0;
  let events = 0;
  let now = 0;
  let leadSum = 0;

  const bits = () => {
    const t = (((ra + rb) | 0) + rd) | 0;
    rd = (rd + 1) | 0;
    ra = rb ^ (rb >>> 9);
    rb = (rc + (rc << 3)) | 0;
    rc = (rc << 21) | (rc >>> 11);
    rc = (rc + t) | 0;
    return t;
  };
  const uniform = () => ((bits() >>> 0) + 0.5) * TWO_NEG_32;
  const exponential = () => standardExponential(bits());
  const push = (t, p) => {
    if (n === times.length) {
      times = grow(times);
      pays = grow(pays);
    }
    siftUp(times, pays, n++, t, p);
  };
  // An item joins station st: starts service if a server is idle, else queues.
  const join = (item, st) => {
    if (busy[st] < SERVERS[st]) {
      busy[st]++;
      push(now + exponential() * SERVICE_MEAN[st], item * 4 + st);
      return;
    }
    let ring = rings[st];
    if (count[st] === ring.length) {
      // Unroll the ring so the grown buffer is contiguous from 0.
      const bigger = new Int32Array(ring.length * 2);
      for (let i = 0; i < count[st]; i++) bigger[i] = ring[(head[st] + i) & (ring.length - 1)];
      rings[st] = ring = bigger;
      head[st] = 0;
    }
    ring[(head[st] + count[st]) & (ring.length - 1)] = item;
    count[st]++;
  };

  push(exponential() * ARRIVAL_MEAN, -1);
  while (done < completions) {
    // PERF: pop inlined (bench/run.mjs, impl minimal).
    now = times[0];
    const p = pays[0];
    if (--n > 0) siftDown(times, pays, n);
    events++;
    if (p < 0) {
      push(now + exponential() * ARRIVAL_MEAN, -1);
      let item;
      if (nFreeIds > 0) item = freeIds[--nFreeIds];
      else {
        item = nextId++;
        if (item === arrivedAt.length) {
          arrivedAt = grow(arrivedAt);
          freeIds = grow(freeIds);
        }
      }
      arrivedAt[item] = now;
      join(item, 0);
      continue;
    }
    const item = p >> 2;
    const st = p & 3;
    // The server at st is released: the head of its queue starts, or the server goes idle.
    if (count[st] > 0) {
      const ring = rings[st];
      const next = ring[head[st]];
      head[st] = (head[st] + 1) & (ring.length - 1);
      count[st]--;
      push(now + exponential() * SERVICE_MEAN[st], next * 4 + st);
    } else {
      busy[st]--;
    }
    if (st < 2) join(item, st + 1);
    else if (uniform() < P_BACK) join(item, 1);
    else {
      leadSum += now - arrivedAt[item];
      done++;
      freeIds[nFreeIds++] = item;
    }
  }
  return { completions: done, events, simTime: now, meanLeadTime: done > 0 ? leadSum / done : NaN };
}
