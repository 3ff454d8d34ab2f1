import { GENERATOR } from "../engine/random.js";
import { stabilityWarnings } from "../model/analysis.js";
import type { Model, RouteStep } from "../model/types.js";
import { type Figure, figureOf } from "../stats/interval.js";
import type { RunOutcome } from "../runner/run.js";
import type { PairedDiff, Summary } from "../runner/summary.js";

/** The JSON document of `vsm run --json`; this shape is relied on (add freely, never rename). */
export interface RunDocument {
  model: string;
  source: string;
  replications: number;
  seed: number;
  generator: string;
  timeUnit: string;
  warmup: number;
  horizon: number;
  streams: Record<string, StreamFigures>;
  stages: Record<string, StageFigures>;
  /** Where each stream's time goes: per stream, the stages its route visits (see ByStreamFigures). */
  byStream: Record<string, Record<string, ByStreamFigures>>;
  /** The stage where items wait most in total (item-time waiting per unit of time). */
  constraint: { stage: string; name: string; waitingItems: Figure } | null;
  unstable: { stage: string; replications: number }[];
  /** Stages whose offered load reaches their capacity, from the model alone. */
  warnings: string[];
  precision?: { target: number; reached: boolean; achieved: number };
  performance: { events: number; wallSeconds: number; eventsPerSecond: number; workers: number };
}

export interface StreamFigures {
  name: string;
  throughput: Figure;
  completed: Figure;
  wip: Figure;
  flowEfficiency: Figure;
  leadTime: { mean: Figure; p50: Figure; p85: Figure; p95: Figure };
}

export interface StageFigures {
  name: string;
  utilization?: Figure;
  wait: Figure;
  queueLength: Figure;
  visits: Figure;
}

/**
 * A stream's use of one stage, per replication then averaged over replications, for the services
 * of the stream's items that start at the stage in the measured window (rework returns and
 * parallel branches included): `visits` is that count over the stream's items completed in the
 * window (visits per item); `wait` the mean wait per visit (gate and queue) and `touch` the mean
 * process time per visit; `waiting` the time-average number of the stream's items waiting there.
 */
export interface ByStreamFigures {
  visits: Figure;
  wait: Figure;
  touch: Figure;
  waiting: Figure;
}

/** Each stream's figures at the stages its route names (any depth of parallel branches), in route order. */
function byStreamOf(model: Model, s: Summary): RunDocument["byStream"] {
  const stageIds = Object.keys(model.stages);
  const out: RunDocument["byStream"] = {};
  Object.entries(model.streams).forEach(([id, stream], i) => {
    const named = new Set<string>();
    const walk = (steps: RouteStep[]) => {
      for (const step of steps) {
        if (step.kind === "stage") named.add(step.stage);
        else step.branches.forEach(walk);
      }
    };
    walk(stream.route);
    out[id] = {};
    // In the order the route first names them: the rungs of the ladder.
    for (const stage of named) {
      const g = stageIds.indexOf(stage);
      out[id][stage] = {
        visits: figureOf(s.streamStage(i, g, "visitsPerItem")),
        wait: figureOf(s.streamStage(i, g, "wait")),
        touch: figureOf(s.streamStage(i, g, "touch")),
        waiting: figureOf(s.streamStage(i, g, "waiting")),
      };
    }
  });
  return out;
}

/** A stream's lead-time figures: of a run, or of a paired difference. */
function leadTimeOf(s: Summary, i: number): StreamFigures["leadTime"] {
  return {
    mean: figureOf(s.stream(i, "leadTimeMean")),
    p50: figureOf(s.stream(i, "leadTimeP50")),
    p85: figureOf(s.stream(i, "leadTimeP85")),
    p95: figureOf(s.stream(i, "leadTimeP95")),
  };
}

export function runDocument(outcome: RunOutcome, index = 0): RunDocument {
  const model = outcome.models[index];
  const s = outcome.summaries[index];
  const streams: Record<string, StreamFigures> = {};
  Object.keys(model.streams).forEach((id, i) => {
    streams[id] = {
      name: model.streams[id].name,
      throughput: figureOf(s.stream(i, "throughput")),
      completed: figureOf(s.stream(i, "completed")),
      wip: figureOf(s.stream(i, "wip")),
      flowEfficiency: figureOf(s.stream(i, "flowEfficiency")),
      leadTime: leadTimeOf(s, i),
    };
  });
  const stages: Record<string, StageFigures> = {};
  let constraint: RunDocument["constraint"] = null;
  Object.keys(model.stages).forEach((id, i) => {
    const st = model.stages[id];
    stages[id] = {
      name: st.name,
      ...(st.servers === Infinity ? {} : { utilization: figureOf(s.stage(i, "utilization")) }),
      wait: figureOf(s.stage(i, "wait")),
      queueLength: figureOf(s.stage(i, "queueLength")),
      visits: figureOf(s.stage(i, "visits")),
    };
    const waiting = stages[id].queueLength;
    if (waiting.mean > 0 && (!constraint || waiting.mean > constraint.waitingItems.mean)) {
      constraint = { stage: id, name: st.name, waitingItems: waiting };
    }
  });
  return {
    model: model.name,
    source: model.source,
    replications: outcome.replications,
    seed: outcome.seed,
    generator: GENERATOR,
    timeUnit: model.timeUnit,
    warmup: model.warmup,
    horizon: model.horizon,
    streams,
    stages,
    byStream: byStreamOf(model, s),
    constraint,
    unstable: [...s.unstable].map(([stage, replications]) => ({ stage, replications })),
    warnings: stabilityWarnings(model),
    ...(outcome.precision ? { precision: { target: outcome.precision.target, reached: outcome.precision.reached, achieved: outcome.precision.worst } } : {}),
    performance: performance(outcome),
  };
}

/** Events of the whole run (every model of a comparison): what the wall time paid for. */
function performance(outcome: RunOutcome): RunDocument["performance"] {
  const events = outcome.summaries.reduce((a, x) => a + x.events, 0);
  return { events, wallSeconds: outcome.wallSeconds, eventsPerSecond: events / outcome.wallSeconds, workers: outcome.workers };
}

/** Figures of the paired difference (scenario minus base) as `vsm compare --json` gives them. */
export interface DiffDocument {
  streams: Record<string, { throughput: Figure; wip: Figure; leadTime: { mean: Figure; p50: Figure; p85: Figure; p95: Figure } }>;
  stages: Record<string, { wait: Figure; utilization?: Figure }>;
}

export function diffDocument(base: Model, scenario: Model, d: PairedDiff): DiffDocument {
  const s = d.summary;
  const streams: DiffDocument["streams"] = {};
  Object.keys(base.streams).forEach((id, i) => {
    if (!Object.hasOwn(scenario.streams, id)) return;
    streams[id] = {
      throughput: figureOf(s.stream(i, "throughput")),
      wip: figureOf(s.stream(i, "wip")),
      leadTime: leadTimeOf(s, i),
    };
  });
  const stages: DiffDocument["stages"] = {};
  Object.keys(base.stages).forEach((id, i) => {
    if (!Object.hasOwn(scenario.stages, id)) return;
    const limited = base.stages[id].servers !== Infinity && scenario.stages[id].servers !== Infinity;
    stages[id] = { wait: figureOf(s.stage(i, "wait")), ...(limited ? { utilization: figureOf(s.stage(i, "utilization")) } : {}) };
  });
  return { streams, stages };
}
