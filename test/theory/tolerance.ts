import { expect } from "vitest";
import { type Figure, type RunDocument, simulate, validateModel } from "../../src/index.js";

/**
 * How the theory suite compares a simulated figure with an exact result.
 *
 * A figure is the mean over independent replications with its 95% Student-t half-width (ci95).
 * The check is |sim - theory| <= K * ci95 + bias, where `bias` is a bound on a *known*
 * systematic error (the quantile sketch's relative accuracy, say) and 0 where there is none:
 * every model warms up for 20+ relaxation times, so the start-up transient is below anything
 * measurable, and the ratio estimators' O(1/n) bias is far below the noise.
 *
 * K = 2 on a 95% half-width is about 4 standard errors: with an honest interval (coverage.test.ts
 * shows ours covers at its nominal rate) a correct engine fails a check with probability below
 * 1e-3, whatever the seed. The seeds are fixed, so the suite is deterministic; they were chosen
 * before the checks were written and never changed to make one pass.
 *
 * Each check also asserts its own power: the tolerance must be under 5% of the theory value,
 * so an engine (or a formula) 10% off would be caught: |sim - 1.1 theory| >= 0.1 theory - tol
 * > 0.05 theory > tol. Runs are sized (warmup, horizon, replications, in a comment at each model)
 * to get ci95 near 1-1.5% of the value, which leaves the 5% with room.
 *
 * Two environment variables let a reader see that the checks bite and are not seed luck:
 *   VSM_THEORY_PERTURB=1.1   multiplies every theory value: every statistical check must fail;
 *   VSM_THEORY_SEED_SHIFT=n  adds n to every seed: the suite must still pass.
 * VSM_THEORY_VERBOSE=1 prints every check with its margin.
 */
export const K = 2;
const POWER = 0.05;
const PERTURB = Number(process.env.VSM_THEORY_PERTURB ?? 1);
const SEED_SHIFT = Number(process.env.VSM_THEORY_SEED_SHIFT ?? 0);
const VERBOSE = process.env.VSM_THEORY_VERBOSE === "1";

/** The quantile sketch's stated relative accuracy (src/stats/sketch.ts). */
export { SKETCH_ALPHA } from "../../src/stats/sketch.js";

export function seed(n: number): number {
  return n + SEED_SHIFT;
}

export interface Tolerance {
  /** A bound on known systematic error, in the figure's units (added to K * ci95). */
  bias?: number;
}

/** Asserts a simulated figure agrees with theory within K * ci95 + bias, and that this can fail. */
export function expectTheory(label: string, figure: Figure, theory: number, tolerance: Tolerance = {}): void {
  const expected = theory * PERTURB;
  expect(figure.ci95, `${label}: needs a confidence interval (two or more replications)`).not.toBeNull();
  const tol = K * figure.ci95! + (tolerance.bias ?? 0);
  const gap = Math.abs(figure.mean - expected);
  const shown = `sim ${fmt(figure.mean)} ± ${fmt(figure.ci95!)} vs theory ${fmt(expected)}`;
  if (VERBOSE) {
    const pct = (x: number) => `${((100 * x) / Math.abs(theory)).toFixed(2)}%`;
    console.log(`${label}: ${shown}; off ${pct(gap)} (${(gap / figure.ci95!).toFixed(2)} ci95), tolerance ${pct(tol)}`);
  }
  expect(gap, `${label}: ${shown}: off by ${fmt(gap)}, more than the tolerance ${fmt(tol)}`).toBeLessThanOrEqual(tol);
  expect(tol, `${label}: ${shown}: tolerance ${fmt(tol)} is too loose to catch a 10% error`).toBeLessThan(POWER * Math.abs(theory));
}

/** A figure less a known constant (a lead time less its exact mean process time is a wait). */
export function minus(figure: Figure, c: number): Figure {
  return { ...figure, mean: figure.mean - c };
}

/** Applies the perturbation to a theory value checked by other means (a coverage count). */
export function theoryValue(theory: number): number {
  return theory * PERTURB;
}

function fmt(x: number): string {
  return Number(x.toPrecision(5)).toString();
}

/** Validate an inline model the way a YAML file would be, and run it in-process. */
export async function run(name: string, raw: object, replications: number, seedNumber: number): Promise<RunDocument> {
  const model = validateModel(raw, `theory/${name}.yaml`);
  return simulate(model, { replications, seed: seed(seedNumber), workers: 1 });
}

export const exponential = (mean: number) => ({ dist: "exponential", mean });
