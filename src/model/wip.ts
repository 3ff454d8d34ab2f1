import { unknownName } from "./errors.js";
import type { Model, RouteStep, WipItem } from "./types.js";

/**
 * Work in progress at time 0: where in a stream's route an item placed at a stage stands, and the
 * checks that make a snapshot placeable (shared by the model's `wip:` and a `--wip` file).
 */

/** The position in the stream's route of the first top-level step at `stage`; -1: none. An item
 * inside a parallel step cannot be placed (its branches' state is not in a snapshot). */
export function wipPosition(route: readonly RouteStep[], stage: string): number {
  return route.findIndex((step) => step.kind === "stage" && step.stage === stage);
}

const inParallel = (steps: readonly RouteStep[], stage: string): boolean =>
  steps.some((s) => (s.kind === "stage" ? s.stage === stage : s.branches.some((b) => inParallel(b, stage))));

/**
 * The problems of each item (reported at `where(i, field)`), and of the snapshot as a whole: more
 * items in service at a stage than its servers.
 */
export function wipProblems(
  model: Pick<Model, "stages" | "streams">,
  items: readonly WipItem[],
  where: (i: number, field: "stream" | "stage" | "age" | "state" | null) => { file: string; path: string },
): { file: string; path: string; message: string }[] {
  const out: { file: string; path: string; message: string }[] = [];
  const add = (i: number, field: Parameters<typeof where>[1], message: string) => out.push({ ...where(i, field), message });
  const working = new Map<string, { n: number; last: number }>();
  items.forEach((w, i) => {
    const stream = model.streams[w.stream];
    if (!stream) {
      add(i, "stream", unknownName("stream", w.stream, Object.keys(model.streams)));
      return;
    }
    if (!model.stages[w.stage]) {
      add(i, "stage", unknownName("stage", w.stage, Object.keys(model.stages)));
      return;
    }
    if (wipPosition(stream.route, w.stage) < 0) {
      const why = inParallel(stream.route, w.stage)
        ? "only inside a parallel step of its route: work in progress can be placed at a top-level step only"
        : "not in its route";
      add(i, "stage", `names stage "${w.stage}", which stream "${w.stream}" visits ${why}`);
      return;
    }
    if (w.age < w.elapsed) add(i, "age", `is ${w.age}, less than the time at the stage (${w.elapsed}): an item is in the system at least as long as at its stage`);
    if (w.state === "work") {
      const k = working.get(w.stage) ?? { n: 0, last: i };
      working.set(w.stage, { n: k.n + w.count, last: i });
    }
  });
  for (const [stage, { n, last }] of working) {
    const servers = model.stages[stage].servers;
    if (n > servers) add(last, "state", `makes ${n} items in work at stage "${stage}", which has ${servers} servers: mark the others "wait"`);
  }
  return out;
}
