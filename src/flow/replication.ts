import { estimatedEvents } from "../model/analysis.js";
import type { CompiledModel } from "../model/compile.js";
import type { ReplicationResult } from "./results.js";
import { Simulation, type SimulationOptions } from "./simulation.js";
import { specializedSimulation } from "./specialize.js";

/**
 * A thread expected to run at least this many events runs the loop written out for its model.
 * Below, the general loop: the written-out loop is faster per event (+51% on M/M/2, +37% on the
 * Jackson network, 6-10% on the example model, whose time goes to draws and paths both loops
 * share) but is one more large function for V8 to optimize on every thread: 15-35 ms more warm-up
 * on the example model (bench/mc-child.mjs warm, medians of 5), about what 2 million of its events
 * gain.
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
  const Sim = (!options.trace && !options.observer && loop === "specialized" && specializedSimulation(m)) || Simulation;
  return new Sim(m, seed, replication, options).run();
}
