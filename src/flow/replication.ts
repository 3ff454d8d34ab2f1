import { estimatedEvents } from "../model/analysis.js";
import type { CompiledModel } from "../model/compile.js";
import type { ReplicationResult } from "./results.js";
import { Simulation, type SimulationOptions } from "./simulation.js";
import { specializedSimulation } from "./specialize.js";

/**
 * A thread expected to run at least this many events runs the loop written out for its model.
 * Below, the general loop: the written-out loop is faster per event (bench/RESULTS.md: a third
 * on M/M/2 and Jackson, 6% on the example model) but is one more large function for V8 to
 * optimize on every thread, which on the example model costs ~15 ms more warm-up. Break-even
 * there: about 2 million events (bench/mc-child.mjs warm, medians of 5).
 */
export const SPECIALIZE_EVENTS = 2e6;

/** The loop for a thread that will run about `events` events of this model. */
export function loopFor(events: number): "general" | "specialized" {
  return events >= SPECIALIZE_EVENTS ? "specialized" : "general";
}

const oneReplication = new WeakMap<CompiledModel, "general" | "specialized">();

/**
 * One replication: the unit of work a worker thread runs. On the loop `options.loop` names; by
 * default on the one that suits a single replication of this model (the runner, which knows how
 * many a thread will run, names it). Tracing always runs the general loop.
 */
export function runReplication(m: CompiledModel, seed: number, replication: number, options: SimulationOptions = {}): ReplicationResult {
  let loop = options.loop;
  if (loop === undefined) {
    loop = oneReplication.get(m);
    if (loop === undefined) oneReplication.set(m, (loop = loopFor(estimatedEvents(m.model, 1))));
  }
  const Sim = (!options.trace && loop === "specialized" && specializedSimulation(m)) || Simulation;
  return new Sim(m, seed, replication, options).run();
}
