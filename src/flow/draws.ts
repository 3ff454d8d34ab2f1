import { replicationKey, sourceKey } from "../engine/keyed.js";
import { type CompiledModel, STEP_OPTIONAL, STEP_PARALLEL } from "../model/compile.js";

/**
 * The keys of a replication's keyed draws (engine/keyed.ts), by source. Sources are named by ids,
 * never by positions, so a scenario that adds a stage, a stream or an optional step leaves every
 * other source's draws where they were:
 *  - service:<stage>:<stream>, rework:<stage>:<stream>: an item's process time at a stage and the
 *    rework decision after it (each stream its own key, so items of two streams never share draws);
 *  - route:<stream>:<stage>#<k>: the choice of an optional step, named by its stage and which of the
 *    stream's steps at that stage it is (k from 0, in route order, branches in place), not by
 *    its position among the optional steps;
 *  - item:<stream>: the stream's items' keys.
 */
export interface DrawKeys {
  /** By stage * streams + stream. */
  service: Int32Array;
  rework: Int32Array;
  /** By optional step: optionalStart[stream] + its bit. */
  route: Int32Array;
  /** By stream. */
  item: Int32Array;
}

interface Names {
  service: string[];
  rework: string[];
  route: string[];
  item: string[];
  revisits: boolean;
}

const byModel = new WeakMap<CompiledModel, Names>();

function names(m: CompiledModel): Names {
  let n = byModel.get(m);
  if (n) return n;
  const route: string[] = [];
  let twice = false;
  m.streamIds.forEach((stream, i) => {
    const seen = new Map<number, number>(); // stage -> steps of this stream there so far
    const walk = (r: number) => {
      for (let p = 0; p < m.routeLength[r]; p++) {
        const j = m.routeStart[r] + p;
        if (m.stepKind[j] === STEP_PARALLEL) {
          for (let b = 0; b < m.stepBranchCount[j]; b++) walk(m.stepBranchStart[j] + b);
          continue;
        }
        const s = m.stepStage[j];
        const k = seen.get(s) ?? 0;
        if (k > 0) twice = true;
        seen.set(s, k + 1);
        if (m.stepKind[j] === STEP_OPTIONAL) route[m.optionalStart[i] + m.stepBit[j]] = `route:${stream}:${m.stageIds[s]}#${k}`;
      }
    };
    walk(m.mainRoute[i]);
  });
  const byStageStream = (kind: string) => m.stageIds.flatMap((stage) => m.streamIds.map((stream) => `${kind}:${stage}:${stream}`));
  n = {
    service: byStageStream("service"),
    rework: byStageStream("rework"),
    route,
    item: m.streamIds.map((stream) => `item:${stream}`),
    revisits: twice || m.anyRework,
  };
  byModel.set(m, n);
  return n;
}

/** The draw keys of replication `replication` of model m run with `seed`. */
export function drawKeys(m: CompiledModel, seed: number, replication: number): DrawKeys {
  const n = names(m);
  const r = replicationKey(seed, replication);
  const keys = (xs: string[]) => Int32Array.from(xs, (name) => sourceKey(r, name));
  return { service: keys(n.service), rework: keys(n.rework), route: keys(n.route), item: keys(n.item) };
}

/** Whether an item can visit a stage more than once (rework, or a route that returns to a stage):
 * only then do items count their visits (the visit number of a draw is 0 otherwise). */
export function revisits(m: CompiledModel): boolean {
  return names(m).revisits;
}
