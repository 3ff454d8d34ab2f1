import { ModelError, unknownName } from "../model/errors.js";
import type { Model } from "../model/types.js";
import type { RunOptions } from "../runner/run.js";
import { type PlaceDocument, type Placement, overallLeadTime } from "../report/experiments/documents.js";
import type { Figure } from "../stats/interval.js";
import { type Evaluation, evaluate, netValueDifference } from "./evaluate.js";

export type { PlaceDocument, Placement };

/** Above this many placements the search is greedy, one hire at a time. */
export const MAX_ENUMERATED = 300;
/** Placements verified at full replications (and the most shown). */
export const VERIFIED = 8;
/** Replications each placement gets in the screen, before the best are verified. */
export const SCREEN_REPLICATIONS = 10;
const SHOWN = 5;


export interface PlaceOptions extends RunOptions {
  hires: number;
  /** Candidate stages; default every stage with a finite number of servers. */
  at?: string[];
  /** Above this many placements the search is greedy (default MAX_ENUMERATED). */
  maxEnumerated?: number;
}

/** Every multiset of `n` hires over `k` stages, as counts per stage (lexicographic). */
export function multisets(k: number, n: number): number[][] {
  const out: number[][] = [];
  const cur = new Array<number>(k).fill(0);
  const rec = (i: number, left: number) => {
    if (i === k - 1) {
      cur[i] = left;
      out.push([...cur]);
      return;
    }
    for (let c = left; c >= 0; c--) {
      cur[i] = c;
      rec(i + 1, left - c);
    }
  };
  if (k > 0) rec(0, n);
  return out;
}

/** How many placements of n hires over k stages: C(n + k - 1, n). */
export function placementCount(k: number, n: number): number {
  let c = 1;
  for (let i = 1; i <= n; i++) c = (c * (k - 1 + i)) / i;
  return Math.round(c);
}

/** The base with servers added: a hire is one server, priced at the stage's peoplePerServer. */
export function withHires(base: Model, hires: Record<string, number>): Model {
  const m = structuredClone(base);
  const names: string[] = [];
  for (const [id, k] of Object.entries(hires)) {
    if (k === 0) continue;
    const st = m.stages[id];
    st.servers += k;
    st.headcount += k * st.peoplePerServer;
    names.push(`${id} +${k}`);
  }
  m.name = names.length ? names.join(", ") : "no hires";
  return m;
}

/** Candidate stages, checked: named stages with finite servers. */
export function candidates(base: Model, at: readonly string[] | undefined): string[] {
  const ids = Object.keys(base.stages);
  if (!at?.length) return ids.filter((id) => base.stages[id].servers !== Infinity);
  const problems = at.flatMap((id) =>
    !ids.includes(id)
      ? [{ file: "--at", path: id, message: unknownName("stage", id, ids) }]
      : base.stages[id].servers === Infinity
        ? [{ file: "--at", path: id, message: "has unlimited servers: a hire there changes nothing" }]
        : [],
  );
  if (problems.length) throw new ModelError(problems);
  return [...new Set(at)];
}

const rankValue = (f: Figure) => (Number.isFinite(f.mean) ? f.mean : -Infinity);

/** Net values of the evaluation's points, best first: indices into its scenarios. */
function ranked(ev: Evaluation): number[] {
  const net = ev.doc.scenarios.map((s) => rankValue(s.diff.economics!.netValue));
  return net.map((_, i) => i).sort((a, b) => net[b] - net[a] || a - b);
}

/**
 * Where the next N hires do the most good: every placement over the candidate stages when there are
 * at most MAX_ENUMERATED, else greedily (the best stage for one more hire, N times, all candidates
 * of the last step kept). Placements are screened at SCREEN_REPLICATIONS under common random
 * numbers, and the best VERIFIED run again at full replications, paired with the base.
 */
export async function place(base: Model, options: PlaceOptions): Promise<PlaceDocument> {
  if (!base.economics) {
    throw new ModelError([{ file: base.source, path: "economics", message: "is missing: vsm place ranks placements by their net value in money, so the model needs economics (docs/economics.md)" }]);
  }
  const n = options.hires;
  const stages = candidates(base, options.at);
  const full = options.replications ?? base.replications;
  const screenReps = Math.min(full, SCREEN_REPLICATIONS);
  const toHires = (counts: number[]) => Object.fromEntries(stages.flatMap((id, i) => (counts[i] ? [[id, counts[i]]] : [])));
  // The screen ranks many placements at a fixed, small cost; --precision is for the verified few,
  // whose figures are the answer (and whose run is the one the rule's outcome describes).
  const screen = async (list: number[][]) => {
    const ev = await evaluate(base, list.map((c) => withHires(base, toHires(c))), { ...options, replications: screenReps, precision: undefined, precisionAbs: undefined });
    return ranked(ev).map((i) => list[i]);
  };

  let pool: number[][];
  let screened = 0;
  const count = placementCount(stages.length, n);
  const search: PlaceDocument["search"] = count <= (options.maxEnumerated ?? MAX_ENUMERATED) ? "every placement" : "greedy";
  if (search === "every placement") {
    pool = multisets(stages.length, n);
    if (pool.length > VERIFIED) {
      screened = pool.length;
      pool = (await screen(pool)).slice(0, VERIFIED);
    }
  } else {
    let at = new Array<number>(stages.length).fill(0);
    pool = [];
    for (let step = 0; step < n; step++) {
      const next = stages.map((_, i) => at.map((c, j) => c + (i === j ? 1 : 0)));
      screened += next.length;
      pool = await screen(next);
      at = pool[0];
    }
    pool = pool.slice(0, VERIFIED);
  }

  const ev = await evaluate(
    base,
    pool.map((c) => withHires(base, toHires(c))),
    { ...options, replications: full },
  );
  const order = ranked(ev);
  const placements = order.slice(0, SHOWN).map((i): Placement => {
    const s = ev.doc.scenarios[i];
    const e = s.diff.economics!;
    return {
      hires: toHires(pool[i]),
      netValue: e.netValue,
      addedPeople: e.addedPeople,
      addedPayroll: e.addedPayroll,
      valuePerPerson: e.addedPeople > 0 ? e.netValue.mean / e.addedPeople : NaN,
      leadTime: overallLeadTime(s.run),
      run: s.run,
    };
  });
  let bestVsSecond: PlaceDocument["bestVsSecond"] = null;
  if (order.length >= 2) {
    const difference = netValueDifference(ev, order[0] + 1, order[1] + 1);
    bestVsSecond = { difference, distinguishable: difference.ci95 !== null && Math.abs(difference.mean) > difference.ci95 };
  }
  return {
    base: ev.doc.base,
    hires: n,
    candidates: stages,
    search,
    screened,
    screenReplications: screened ? screenReps : 0,
    replications: ev.outcome.replications,
    precision: ev.doc.base.precision ?? null,
    placements,
    bestVsSecond,
  };
}
