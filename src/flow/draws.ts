import { replicationKey, sourceKey } from "../engine/keyed.js";
import { type CompiledModel, STEP_OPTIONAL, STEP_PARALLEL } from "../model/compile.js";

/**
 * The keys of a replication's keyed draws (engine/keyed.ts), by source. A source is a route step,
 * named by its stream, its stage and which of the stream's steps at that stage it is (k from 0, in
 * route order, branches in place): `<stream>:<stage>#<k>`. Names, not positions, so a scenario
 * that adds a stage, a stream, a step elsewhere or makes a step optional leaves every other
 * source's draws where they were.
 *  - service:<step>: the item's process time there (a step's own process time included: the
 *    same draw, so a scenario that gives a stream its own time stays paired);
 *  - rework:<step>: the rework decision after it;
 *  - route:<step>: whether the item needs the step, when it is optional;
 *  - item:<stream>: the stream's items' keys.
 * What the draw is keyed by besides: the item, and its pass (ItemTable.pass), which tells apart
 * the visits of a step that rework sends the item back through.
 */
export interface DrawKeys {
  /** By step. */
  service: Int32Array;
  rework: Int32Array;
  /** By optional step: optionalStart[stream] + its bit. */
  route: Int32Array;
  /** By stream. */
  item: Int32Array;
}

interface Names {
  step: string[];
  route: string[];
  item: string[];
}

const byModel = new WeakMap<CompiledModel, Names>();

function names(m: CompiledModel): Names {
  let n = byModel.get(m);
  if (n) return n;
  const step: string[] = Array.from(m.stepKind, () => "");
  const route: string[] = [];
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
        seen.set(s, k + 1);
        step[j] = `${stream}:${m.stageIds[s]}#${k}`;
        if (m.stepKind[j] === STEP_OPTIONAL) route[m.optionalStart[i] + m.stepBit[j]] = step[j];
      }
    };
    walk(m.mainRoute[i]);
  });
  n = { step, route, item: m.streamIds.map((stream) => stream) };
  byModel.set(m, n);
  return n;
}

/** The draw keys of replication `replication` of model m run with `seed`. */
export function drawKeys(m: CompiledModel, seed: number, replication: number): DrawKeys {
  const n = names(m);
  const r = replicationKey(seed, replication);
  const keys = (kind: string, xs: string[]) => Int32Array.from(xs, (name) => sourceKey(r, `${kind}:${name}`));
  return { service: keys("service", n.step), rework: keys("rework", n.step), route: keys("route", n.route), item: keys("item", n.item) };
}
