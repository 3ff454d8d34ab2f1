import type { CompiledModel } from "../model/compile.js";
import { compile } from "../model/compile.js";
import type { ThreadResult, ThreadTask } from "./protocol.js";
import { runCompiled } from "./task.js";

/** Models this thread has compiled, by the id the pool gave them; the last few runs' only. */
const kept = new Map<number, CompiledModel[]>();
const KEPT_RUNS = 4;

/** A piscina worker: one task in, its replications' figures out (or a request for the models). */
export default function (task: ThreadTask): ThreadResult {
  let compiled = kept.get(task.modelsId);
  if (!compiled) {
    if (!task.models) return { needModels: true };
    compiled = task.models.map((m) => compile(m));
    kept.set(task.modelsId, compiled);
    if (kept.size > KEPT_RUNS) kept.delete(kept.keys().next().value!);
  }
  return runCompiled(task, compiled);
}
