import type { CompiledModel } from "../model/compile.js";
import type { ReplicationResult } from "./results.js";
import { Simulation, type SimulationOptions } from "./simulation.js";
import { specializedSimulation } from "./specialize.js";

/**
 * One replication: the unit of work a worker thread runs. It runs on the event loop written out
 * for the model (see specialize.ts) unless a trace is asked for, the caller asks for the general
 * loop, or the model cannot have one; the figures are the same either way.
 */
export function runReplication(m: CompiledModel, seed: number, replication: number, options: SimulationOptions = {}): ReplicationResult {
  const Sim = (!options.trace && !options.general && specializedSimulation(m)) || Simulation;
  return new Sim(m, seed, replication, options).run();
}
