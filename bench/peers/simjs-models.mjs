// Peer: the two benchmark models written the way simjs 2.0.3 is meant to be used (an Entity that
// generates arrivals with setTimer and sends each item through FCFS Facilities with useFacility),
// seeded with simjs's own Random, run until a number of items have left.
// Model B's builder lives in test/oracle/simjs-models.mjs (one copy, also the test oracle).
//
// Stopping at N completions: simjs's `simulate(endTime)` can only stop at a time, so we call the
// public `sim.step()` (one delivered event per call) until N items have left.
// Event count: simjs's `simulate` counts events in a local variable it never exposes, but its
// PQueue numbers every insertion (`sim.queue.order`), so delivered = inserted - still pending.
// Here that equals 1 arrival timer + 1 service completion per station visit.
import {
  buildSimjsJackson,
  draw,
  simjs,
  simjsEventCount,
  STATION_NAMES,
} from '../../test/oracle/simjs-models.mjs';

export { runSimjsJacksonUntil } from '../../test/oracle/simjs-models.mjs';

const { Sim, Entity, Facility, Random } = simjs;

const MM2 = { arrivalRate: 9, serviceRate: 5, servers: 2 };

class MM2Source extends Entity {
  start(ctx) {
    this.ctx = ctx;
    // A Poisson process from time 0: the first arrival is one interarrival time in, too.
    this.setTimer(draw(ctx.rng, MM2.arrivalRate)).done(this.arrive);
  }

  arrive() {
    const ctx = this.ctx;
    this.setTimer(draw(ctx.rng, MM2.arrivalRate)).done(this.arrive);
    this.useFacility(ctx.server, draw(ctx.rng, MM2.serviceRate)).done(this.served, this, { arrivedAt: this.time() });
  }

  served(item) {
    this.ctx.completions++;
    this.ctx.leadSum += this.time() - item.arrivedAt;
  }
}

function waitOf(facility) {
  const s = facility.queueStats().durationSeries;
  return s.count() > 0 ? s.average() : NaN;
}

/**
 * Model A (M/M/2, lambda 9, mu 5) in simjs until `completions` items have left.
 * @param {{ completions: number, seed?: number }} opts
 * @returns {{ completions: number, events: number, simTime: number, meanLeadTime: number,
 *   meanWait: { S: number } }}
 */
export function runSimjsMM2({ completions, seed = 1 }) {
  const sim = new Sim();
  const ctx = {
    rng: new Random(seed),
    server: new Facility('S', Facility.FCFS, MM2.servers),
    completions: 0,
    leadSum: 0,
  };
  sim.addEntity(MM2Source, 'source', ctx);
  while (ctx.completions < completions && sim.step());
  return {
    completions: ctx.completions,
    events: simjsEventCount(sim),
    simTime: sim.time(),
    meanLeadTime: ctx.leadSum / ctx.completions,
    meanWait: { S: waitOf(ctx.server) },
  };
}

/**
 * Model B (the Jackson network) in simjs until `completions` items have left the system.
 * @param {{ completions: number, seed?: number }} opts
 * @returns {{ completions: number, events: number, simTime: number, meanLeadTime: number,
 *   meanWait: { S1: number, S2: number, S3: number }, visits: { S1: number, S2: number, S3: number } }}
 */
export function runSimjsJackson({ completions, seed = 1 }) {
  const { sim, ctx } = buildSimjsJackson({ seed });
  while (ctx.completions < completions && sim.step());
  const meanWait = {};
  const visits = {};
  STATION_NAMES.forEach((name, st) => {
    meanWait[name] = waitOf(ctx.stations[st]);
    visits[name] = ctx.visits[st];
  });
  return {
    completions: ctx.completions,
    events: simjsEventCount(sim),
    simTime: sim.time(),
    meanLeadTime: ctx.leadSum / ctx.leadCount,
    meanWait,
    visits,
  };
}
