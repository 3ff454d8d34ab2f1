import { isMainThread } from "node:worker_threads";
import { type CompiledModel, compile } from "../model/compile.js";
import type { Model } from "../model/types.js";
import { runReplication } from "../flow/replication.js";
import type { ReplicationTask, TaskResult } from "./protocol.js";

// The main thread runs replications one task at a time on the same model objects: compile each
// once. (A worker thread receives copies and keeps them compiled by run: runner/worker.ts.)
const cache = new WeakMap<Model, CompiledModel>();
function compiledOnce(m: Model): CompiledModel {
  let c = cache.get(m);
  if (!c) cache.set(m, (c = compile(m)));
  return c;
}

/** Runs a task's replications in this thread. */
export function runTask(task: ReplicationTask): TaskResult {
  return runCompiled(task, task.models.map(compiledOnce));
}

/** Runs a task's replications on its models compiled: the same code in-process and on a worker thread. */
export function runCompiled(task: Omit<ReplicationTask, "models">, compiled: CompiledModel[]): TaskResult {
  const start = performance.now();
  const results = [];
  for (let r = task.first; r < task.first + task.count; r++) {
    const f = task.fault;
    if (f && (f.kind === "throw" ? r === f.replication : r >= f.replication && !isMainThread)) injectFault(f.kind, r);
    results.push(compiled.map((m, i) => {
      const res = runReplication(m, task.seed, r, { maxWip: task.maxWip, loop: task.loops[i] });
      res.trace = null;
      return res;
    }));
  }
  return { results, seconds: (performance.now() - start) / 1000 };
}

/**
 * "throw": the replication fails wherever it runs; "exit": a worker thread dies at its first
 * replication from r on; "stall": a worker thread hangs there for two minutes.
 */
function injectFault(kind: "throw" | "exit" | "stall", r: number): void {
  if (kind === "exit") process.exit(7); // in a worker thread, this ends only that thread
  if (kind === "stall") {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
    return;
  }
  throw new Error(`injected fault at replication ${r}`);
}
