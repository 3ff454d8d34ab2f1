import type { ReworkSpec, RouteStep } from "./types.js";

/**
 * Where rework named by stage id returns to, from the step at position `at` of a list of steps
 * (a route or a parallel branch): the nearest step at or before it that is that stage, or, inside
 * a parallel step before it, a step of one of its branches (the first branch that has the stage,
 * its latest occurrence there; at any depth of nesting). `pos` is the position in this list (the
 * stage step, or the parallel step the item re-enters); `descent` lists, for each parallel step
 * entered, the branch and the position in it: [branch, position, branch, position, ...].
 * Null when there is no such step. One rule for validation, compilation and the analysis.
 */
export function resolveReworkTarget(steps: RouteStep[], at: number, to: string): { pos: number; descent: number[] } | null {
  for (let p = at; p >= 0; p--) {
    const step = steps[p];
    if (step.kind === "stage") {
      if (step.stage === to) return { pos: p, descent: [] };
    } else if (p < at) {
      const descent = findInBranches(step.branches, to);
      if (descent) return { pos: p, descent };
    }
  }
  return null;
}

function findInBranches(branches: RouteStep[][], to: string): number[] | null {
  for (let b = 0; b < branches.length; b++) {
    const steps = branches[b];
    for (let q = steps.length - 1; q >= 0; q--) {
      const step = steps[q];
      if (step.kind === "stage") {
        if (step.stage === to) return [b, q];
      } else {
        const deeper = findInBranches(step.branches, to);
        if (deeper) return [b, q, ...deeper];
      }
    }
  }
  return null;
}

/** The rework that applies at a stage step: the route step's own, else its stage's. */
export function reworkAt(step: RouteStep & { kind: "stage" }, stageRework: ReworkSpec | null): ReworkSpec | null {
  return step.rework === undefined ? stageRework : step.rework;
}
