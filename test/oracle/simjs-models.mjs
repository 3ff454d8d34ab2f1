// Independent oracle: benchmark model B (an open Jackson network) written for simjs 2.0.3, a
// discrete-event library that shares no code with vsm-sim. Tests compare vsm-sim's figures for the
// same network with this one's; bench/peers/simjs-models.mjs times the same builder.
//
// Model B: Poisson(4) into S1 (1 server, rate 5), then S2 (3 servers, rate 5/2.4 each), then S3
// (2 servers, rate 5/1.6 each); after S3 an item goes back to S2 with probability 0.2.
//
// simjs facts this file relies on (read from node_modules/simjs/sim.js):
// - `Random(seed)` is MT19937 seeded by init_by_array([seed]); seed must be an integer.
// - `Random#random()` is genrand_int32 / 2^32, in [0, 1): it can return 0, and then
//   `Random#exponential(rate)` = -log(0) / rate = Infinity. `draw()` below redraws in that case
//   (probability 2^-32 per draw, i.e. about once per 4e9 draws).
// - Facility FCFS with c servers: `useFacility(f, duration)` enqueues the request and starts it at
//   once if a server is free; the queue's Population records (service start - enqueue time) in
//   `f.queueStats().durationSeries` when service starts. `f.free` is the number of idle servers.
// - Every scheduler event here is either our arrival timer or a facility's service completion,
//   so `free` only changes inside callbacks we see, which is what makes `observe` exact.
// - The published sim.js is a browserify bundle without a standalone wrapper: `require('simjs')`
//   returns `{}` in Node. Its only way out is `window.Sim = {...}` when `window` exists, so
//   loadSimjs() lends it a `window` for the duration of one fresh require.
import { createRequire } from 'node:module';

/** simjs's classes (Sim, Entity, Facility, Random, ...), loaded once. */
export const simjs = loadSimjs();
const { Sim, Entity, Facility, Random } = simjs;

function loadSimjs() {
  const require = createRequire(import.meta.url);
  const path = require.resolve('simjs');
  const hadWindow = 'window' in globalThis;
  const saved = hadWindow ? globalThis.window : undefined;
  const host = {};
  globalThis.window = host;
  try {
    delete require.cache[path]; // a cached copy would not run the bundle again
    require(path);
  } finally {
    if (hadWindow) globalThis.window = saved;
    else delete globalThis.window;
  }
  if (!host.Sim || typeof host.Sim.Entity !== 'function') {
    throw new Error(`simjs: ${path} did not expose window.Sim; expected simjs 2.0.3's browserify bundle`);
  }
  return host.Sim;
}

export const STATION_NAMES = ['S1', 'S2', 'S3'];
const ARRIVAL_RATE = 4;
const SERVICE_RATE = [5, 5 / 2.4, 5 / 1.6];
const SERVERS = [1, 3, 2];
const P_BACK = 0.2;

/** An exponential draw from simjs's Random that is never Infinity (see header). */
export function draw(rng, rate) {
  let x = rng.exponential(rate);
  while (x === Infinity) x = rng.exponential(rate);
  return x;
}

/**
 * The Jackson network as a simjs entity. Statistics are kept in `ctx`:
 * - always: completions, leadSum (for items leaving at time > ctx.warmup), visits per station;
 * - when ctx.track: busy-server time integral per station over (warmup, ...], via observe().
 * The entity stops creating arrivals after ctx.stopAfter completions (bench use).
 */
class JacksonSource extends Entity {
  start(ctx) {
    this.ctx = ctx;
    // A Poisson process from time 0: the first arrival is one interarrival time in, too.
    this.setTimer(draw(ctx.rng, ARRIVAL_RATE)).done(this.arrive);
  }

  arrive() {
    const ctx = this.ctx;
    this.setTimer(draw(ctx.rng, ARRIVAL_RATE)).done(this.arrive);
    this.join({ arrivedAt: this.time() }, 0);
    if (ctx.track) this.observe();
  }

  join(item, st) {
    const ctx = this.ctx;
    ctx.visits[st]++;
    this.useFacility(ctx.stations[st], draw(ctx.rng, SERVICE_RATE[st])).done(this.served[st], this, item);
  }

  afterS1(item) {
    this.join(item, 1);
    if (this.ctx.track) this.observe();
  }

  afterS2(item) {
    this.join(item, 2);
    if (this.ctx.track) this.observe();
  }

  afterS3(item) {
    const ctx = this.ctx;
    if (ctx.rng.random() < P_BACK) {
      this.join(item, 1);
    } else {
      const now = this.time();
      ctx.completions++;
      if (now > ctx.warmup) {
        ctx.leadSum += now - item.arrivedAt;
        ctx.leadCount++;
      }
    }
    if (ctx.track) this.observe();
  }

  /** Adds busy-servers x elapsed time since the last observation, clipped to t > warmup. */
  observe() {
    const ctx = this.ctx;
    const now = this.time();
    const from = ctx.lastObserved > ctx.warmup ? ctx.lastObserved : ctx.warmup;
    for (let st = 0; st < 3; st++) {
      if (now > from) ctx.busyTime[st] += ctx.busyNow[st] * (now - from);
      const f = ctx.stations[st];
      ctx.busyNow[st] = f.servers - f.free;
    }
    ctx.lastObserved = now;
  }
}
JacksonSource.prototype.served = [
  JacksonSource.prototype.afterS1,
  JacksonSource.prototype.afterS2,
  JacksonSource.prototype.afterS3,
];

/**
 * Builds model B in a fresh simjs Sim.
 * @param {{ seed: number, warmup?: number, track?: boolean }} opts
 * @returns {{ sim: any, ctx: any }}
 */
export function buildSimjsJackson({ seed, warmup = 0, track = false }) {
  if (!Number.isInteger(seed)) throw new Error(`buildSimjsJackson: seed must be an integer (got ${seed})`);
  const sim = new Sim();
  const ctx = {
    rng: new Random(seed),
    stations: STATION_NAMES.map((name, st) => new Facility(name, Facility.FCFS, SERVERS[st])),
    warmup,
    track,
    completions: 0,
    leadSum: 0,
    leadCount: 0,
    visits: [0, 0, 0],
    busyTime: [0, 0, 0],
    busyNow: [0, 0, 0],
    lastObserved: 0,
  };
  sim.addEntity(JacksonSource, 'source', ctx);
  return { sim, ctx };
}

/** Scheduler events simjs has delivered: its PQueue numbers every insert in `order`. */
export function simjsEventCount(sim) {
  return sim.queue.order - sim.queue.data.length;
}

/**
 * Oracle run of model B to simulated time `until`, statistics over (warmup, until] only.
 * - meanWait[S]: mean wait in queue of items that started service at S in (warmup, until]
 *   (full wait, including any part before warmup); waitCount[S] how many.
 * - utilization[S]: time-average busy servers / servers over (warmup, until].
 * - meanLeadTime: mean (exit - arrival) of items that left the system in (warmup, until].
 * @param {{ until: number, warmup?: number, seed?: number }} opts
 */
export function runSimjsJacksonUntil({ until, warmup = 0, seed = 1 }) {
  if (!(until > warmup && warmup >= 0)) {
    throw new Error(`runSimjsJacksonUntil: need 0 <= warmup < until (got warmup ${warmup}, until ${until})`);
  }
  const { sim, ctx } = buildSimjsJackson({ seed, warmup, track: true });
  // Waits are recorded by simjs at service start; forget those recorded up to warmup.
  class WarmupReset extends Entity {
    start() {
      this.setTimer(warmup).done(() => {
        for (const f of ctx.stations) f.queueStats().durationSeries.reset();
      });
    }
  }
  if (warmup > 0) sim.addEntity(WarmupReset, 'warmup-reset');
  sim.simulate(until);
  // Close the busy-time integral at `until` (nothing changed since the last observation).
  const from = ctx.lastObserved > warmup ? ctx.lastObserved : warmup;
  for (let st = 0; st < 3; st++) ctx.busyTime[st] += ctx.busyNow[st] * (until - from);

  const span = until - warmup;
  const meanWait = {};
  const waitCount = {};
  const utilization = {};
  STATION_NAMES.forEach((name, st) => {
    const waits = ctx.stations[st].queueStats().durationSeries;
    waitCount[name] = waits.count();
    meanWait[name] = waits.count() > 0 ? waits.average() : NaN;
    utilization[name] = ctx.busyTime[st] / (SERVERS[st] * span);
  });
  return {
    impl: 'simjs 2.0.3',
    generator: 'MT19937 (simjs Random, init_by_array([seed]))',
    seed,
    until,
    warmup,
    meanWait,
    waitCount,
    utilization,
    meanLeadTime: ctx.leadCount > 0 ? ctx.leadSum / ctx.leadCount : NaN,
    leadCount: ctx.leadCount,
    throughput: ctx.leadCount / span,
  };
}
