import { type CompiledModel, REWORK_PREVIOUS, STEP_OPTIONAL, STEP_PARALLEL, compile } from "./compile.js";
import type { Model } from "./types.js";

/** Optional steps whose need is drawn for each combination, at most: 2^12 linear solves a stream. */
export const MAX_ENUMERATED_STEPS = 12;

/**
 * Expected visits per item of stream i at each stage, rework included, from the compiled step
 * tables the simulation runs on (so the two cannot read a route differently).
 *
 * Given which optional steps an item needs (drawn once, at arrival), its path is a Markov chain
 * over the stream's steps, and the expected number of times it passes each step solves a linear
 * system: for each step, `pass` (the item reaches it going forward) and `forced` (rework names it,
 * so the item visits it even when it does not need it). A stage step is visited need x pass +
 * forced times. A parallel step's branches each start once per pass; the item goes on after it
 * once per pass and once per rework that re-ran one of its branches (every re-entry into a branch
 * reaches that branch's end, as rework never leaves its list of steps).
 *
 * Averaged over the needs: exactly, by enumerating the combinations of the optional steps whose
 * need changes where the item goes (those with rework, and those a "previous step" rework can
 * return to); every other optional step only scales its own visits, so its probability stands in
 * for its need. Past MAX_ENUMERATED_STEPS such steps in one stream, the rest are averaged in the
 * same way: an approximation, for models far larger than any seen.
 */
function expectedVisits(m: CompiledModel, i: number, perVisit?: (step: number) => number): Float64Array {
  // The stream's steps: its route and every branch, at any depth.
  const steps: number[] = [];
  const routes = (r: number) => {
    for (let p = 0; p < m.routeLength[r]; p++) steps.push(m.routeStart[r] + p);
    for (let p = 0; p < m.routeLength[r]; p++) {
      const j = m.routeStart[r] + p;
      if (m.stepKind[j] === STEP_PARALLEL) for (let b = 0; b < m.stepBranchCount[j]; b++) routes(m.stepBranchStart[j] + b);
    }
  };
  routes(m.mainRoute[i]);
  const n = steps.length;
  const local = new Map(steps.map((j, k) => [j, k]));
  const routeOf = new Int32Array(n);
  const posOf = new Int32Array(n);
  for (let r = 0; r < m.routeStart.length; r++) {
    for (let p = 0; p < m.routeLength[r]; p++) {
      const k = local.get(m.routeStart[r] + p);
      if (k !== undefined) (routeOf[k] = r), (posOf[k] = p);
    }
  }
  const next = (k: number) => (posOf[k] + 1 < m.routeLength[routeOf[k]] ? local.get(m.routeStart[routeOf[k]] + posOf[k] + 1)! : -1);
  const at = (r: number, p: number) => local.get(m.routeStart[r] + p)!;

  // Which optional steps' needs are enumerated.
  const optionalBase = m.optionalStart[i];
  const relevant = new Set<number>();
  for (let k = 0; k < n; k++) {
    const j = steps[k];
    if (m.stepKind[j] === STEP_OPTIONAL && m.stepReworkProbability[j] > 0) relevant.add(m.stepBit[j]);
    if (m.stepKind[j] !== STEP_PARALLEL && m.stepReworkProbability[j] > 0 && m.stepRework[j] === REWORK_PREVIOUS) {
      for (let p = posOf[k] - 1; p >= 0; p--) {
        const q = m.routeStart[routeOf[k]] + p;
        if (m.stepKind[q] !== STEP_OPTIONAL) break;
        relevant.add(m.stepBit[q]);
      }
    }
  }
  const enumerated = [...relevant].sort((a, b) => a - b).slice(0, MAX_ENUMERATED_STEPS);

  // Where rework can force a visit (an unknown `forced` each; elsewhere it is 0), and the
  // parallel step a rework into a branch ends at.
  const forcedIndex = new Int32Array(n).fill(-1);
  let size = n;
  const descentEnd = (k: number, d: number) => {
    let parallel = at(routeOf[k], m.stepRework[steps[k]]);
    for (let l = 0; l < m.reworkDescent[d]; l++) parallel = at(m.reworkDescent[d + 1 + 2 * l], m.reworkDescent[d + 2 + 2 * l]);
    return parallel;
  };
  for (let k = 0; k < n; k++) {
    const j = steps[k];
    if (m.stepKind[j] === STEP_PARALLEL || !(m.stepReworkProbability[j] > 0)) continue;
    const t = m.stepRework[j];
    const d = m.stepReworkDescent[j];
    let u = t === REWORK_PREVIOUS ? k : d < 0 ? at(routeOf[k], t) : descentEnd(k, d);
    if (t === REWORK_PREVIOUS) {
      // Back to itself only when every step before it may have been skipped.
      for (let p = posOf[k] - 1; p >= 0 && u >= 0; p--) if (m.stepKind[m.routeStart[routeOf[k]] + p] !== STEP_OPTIONAL) u = -1;
    }
    if (u >= 0 && forcedIndex[u] < 0) forcedIndex[u] = size++;
  }

  const out = new Float64Array(m.stageIds.length);
  const need = new Float64Array(m.optionalCount[i]);
  for (let combo = 0; combo < 1 << enumerated.length; combo++) {
    let weight = 1;
    for (let b = 0; b < need.length; b++) need[b] = m.optionalProbability[optionalBase + b];
    enumerated.forEach((bit, e) => {
      const p = m.optionalProbability[optionalBase + bit];
      const on = (combo >> e) & 1;
      need[bit] = on;
      weight *= on ? p : 1 - p;
    });
    if (weight === 0) continue;
    const needOf = (k: number) => (m.stepKind[steps[k]] === STEP_OPTIONAL ? need[m.stepBit[steps[k]]] : 1);

    // x = c + A x over [pass_0..pass_n-1, then forced where it can be nonzero].
    const A = Array.from({ length: size }, () => new Float64Array(size));
    const c = new Float64Array(size);
    c[at(m.mainRoute[i], 0)] = 1;
    const f = (k: number) => forcedIndex[k];
    for (let k = 0; k < n; k++) {
      const j = steps[k];
      const after = next(k);
      if (m.stepKind[j] === STEP_PARALLEL) {
        if (after >= 0) A[after][k] += 1;
        for (let b = 0; b < m.stepBranchCount[j]; b++) A[at(m.stepBranchStart[j] + b, 0)][k] += 1;
        continue;
      }
      const b = needOf(k);
      const r = m.stepReworkProbability[j];
      if (after >= 0) {
        A[after][k] += 1 - b + b * (1 - r);
        if (f(k) >= 0) A[after][f(k)] += 1 - r;
      }
      if (!(r > 0)) continue;
      // Rework from here: r x (need x pass + forced), sent where the simulation sends it.
      const send = (u: number) => {
        A[u][k] += r * b;
        if (f(k) >= 0) A[u][f(k)] += r;
      };
      const target = m.stepRework[j];
      if (target === REWORK_PREVIOUS) {
        let u = f(k); // no previous step taken: this stage again
        for (let p = posOf[k] - 1; p >= 0; p--) {
          const q = local.get(m.routeStart[routeOf[k]] + p)!;
          if (needOf(q) >= 0.5) { // enumerated: 0 or 1 (see above)
            u = q;
            break;
          }
        }
        send(u);
        continue;
      }
      const d = m.stepReworkDescent[j];
      if (d < 0) {
        send(f(at(routeOf[k], target)));
        continue;
      }
      // Into a completed branch: each parallel step on the way is left once more, after the re-run.
      let parallel = at(routeOf[k], target);
      for (let l = 0; l < m.reworkDescent[d]; l++) {
        const onward = next(parallel);
        if (onward >= 0) send(onward);
        parallel = at(m.reworkDescent[d + 1 + 2 * l], m.reworkDescent[d + 2 + 2 * l]);
      }
      send(f(parallel));
    }
    const x = solve(A, c);
    for (let k = 0; k < n; k++) {
      const j = steps[k];
      if (m.stepKind[j] !== STEP_PARALLEL) out[m.stepStage[j]] += weight * (needOf(k) * x[k] + (f(k) >= 0 ? x[f(k)] : 0)) * (perVisit ? perVisit(j) : 1);
    }
  }
  return out;
}

/** Solves (I - A) x = c by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array[], c: Float64Array): Float64Array {
  const n = c.length;
  const M = A.map((row, i) => {
    const r = new Float64Array(n + 1);
    for (let j = 0; j < n; j++) r[j] = (i === j ? 1 : 0) - row[j];
    r[n] = c[i];
    return r;
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
    [M[col], M[pivot]] = [M[pivot], M[col]];
    const row = M[col];
    const p = row[col];
    if (p === 0) continue; // a step no flow reaches
    // Routes make sparse systems: only the pivot row's nonzero entries are worth a pass.
    const nz: number[] = [];
    for (let j = col; j <= n; j++) if (row[j] !== 0) nz.push(j);
    for (let r = 0; r < n; r++) {
      if (r === col || M[r][col] === 0) continue;
      const f = M[r][col] / p;
      const target = M[r];
      for (const j of nz) target[j] -= f * row[j];
    }
  }
  return Float64Array.from(M, (row, i) => (row[i] === 0 ? 0 : row[n] / row[i]));
}

/** Expected visits per item of each stream at each stage, rework included (every stage listed). */
export function streamVisits(model: Model, m: CompiledModel = compile(model)): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  m.streamIds.forEach((id, i) => {
    const v = expectedVisits(m, i);
    out[id] = Object.fromEntries(m.stageIds.map((s, k) => [s, v[k]]));
  });
  return out;
}

/**
 * Expected work per item of each stream at each stage, in time units: each visit at its step's
 * mean process time (a route step's own `processTime`, else the stage's), a visit on a repeat pass
 * at its rework's `effort` of that. Visits with every rework switched off are the first passes (an
 * item goes on after a repeat pass exactly where it would have gone without it), so the rest of
 * the visits are repeats; where reworks of different efforts share a stage, its repeats are shared
 * out in proportion to the repeats each rework alone would cause (exact for one rework, or for
 * several of one effort; an approximation where different efforts' passes overlap).
 */
export function streamWork(model: Model, m: CompiledModel = compile(model)): Record<string, Record<string, number>> {
  const mean = (j: number) => m.stepService[j].mean;
  const reworkSteps: number[] = [];
  m.stepReworkProbability.forEach((p, j) => {
    if (p > 0) reworkSteps.push(j);
  });
  const efforts = new Set(reworkSteps.map((j) => m.stepReworkEffort[j]));
  const only = (keep: (j: number) => boolean): CompiledModel => ({ ...m, stepReworkProbability: Float64Array.from(m.stepReworkProbability, (p, j) => (keep(j) ? p : 0)) });
  const firstPasses = only(() => false);
  const out: Record<string, Record<string, number>> = {};
  m.streamIds.forEach((id, i) => {
    const total = expectedVisits(m, i, mean);
    const work = Float64Array.from(total);
    if (!(efforts.size === 1 && efforts.has(1)) && reworkSteps.length > 0) {
      const first = expectedVisits(firstPasses, i, mean);
      if (efforts.size === 1) {
        const e = m.stepReworkEffort[reworkSteps[0]];
        for (let g = 0; g < work.length; g++) work[g] = first[g] + e * (total[g] - first[g]);
      } else {
        const weighted = new Float64Array(work.length);
        const repeats = new Float64Array(work.length);
        for (const h of reworkSteps) {
          const alone = expectedVisits(only((j) => j === h), i, mean);
          for (let g = 0; g < work.length; g++) {
            const r = alone[g] - first[g];
            weighted[g] += m.stepReworkEffort[h] * r;
            repeats[g] += r;
          }
        }
        for (let g = 0; g < work.length; g++) {
          const share = repeats[g] > 0 ? weighted[g] / repeats[g] : 1;
          work[g] = first[g] + share * (total[g] - first[g]);
        }
      }
    }
    out[id] = Object.fromEntries(m.stageIds.map((s, k) => [s, work[k]]));
  });
  return out;
}
