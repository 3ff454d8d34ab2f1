import type { CompiledModel } from "../model/compile.js";
import { compile } from "../model/compile.js";
import type { ThreadResult, ThreadTask } from "./protocol.js";
import { runCompiled } from "./task.js";

/**
 * Models this thread has compiled, by the id the pool gave them: the runs used most recently. A
 * `vsm worker` interleaves chunks of up to 8 runs (queue/worker.ts SPECS_KEPT), so as many are kept.
 */
const kept = new Map<number, CompiledModel[]>();
const KEPT_RUNS = 8;

/** A piscina worker: one task in, its replications' figures out (or a request for the models). */
export default function (task: ThreadTask): ThreadResult {
  let compiled = kept.get(task.modelsId);
  if (compiled) {
    // Most recently used last: the first entry is the one to drop.
    kept.delete(task.modelsId);
    kept.set(task.modelsId, compiled);
  } else {
    if (!task.models) return { needModels: true };
    compiled = task.models.map((m) => compile(m));
    kept.set(task.modelsId, compiled);
    if (kept.size > KEPT_RUNS) kept.delete(kept.keys().next().value!);
  }
  return runCompiled(task, compiled);
}
