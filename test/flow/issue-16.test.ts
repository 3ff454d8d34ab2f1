import { describe, expect, it } from "vitest";
import { type TraceRow, compile, runReplication, validateModel } from "../../src/index.js";

// Issue #16: common random numbers that stay in step. An item's process time at a step, its
// rework decision and its route choices are keyed draws (engine/keyed.ts): the same item draws the
// same numbers in a scenario, whatever order the queues serve it in.

/** Each (item, stage, start n at that stage) -> its process time, from a trace. */
function processTimes(rows: TraceRow[]): Map<string, number> {
  const started = new Map<string, number>();
  const count = new Map<string, number>();
  const out = new Map<string, number>();
  for (const r of rows) {
    const at = `${r.item}/${r.stage}`;
    if (r.what === "start") {
      const n = count.get(at) ?? 0;
      count.set(at, n + 1);
      started.set(at, r.time);
    } else if (r.what === "finish") out.set(`${at}/${count.get(at)! - 1}`, r.time - started.get(at)!);
  }
  return out;
}

const stages = (policy: "fifo" | "priority", rework = 0) => ({
  dev: { servers: 1, processTime: { dist: "exponential", mean: 0.9 }, policy, ...(rework ? { rework: { probability: rework } } : {}) },
  qa: { servers: 2, processTime: { dist: "lognormal", mean: 1.5, cv: 0.7 } },
  docs: { servers: 1, processTime: { dist: "gamma", mean: 0.3, cv: 0.5 } },
});
const streams = (docs: number) => ({
  web: { arrivals: { rate: 0.45 }, priority: 1, route: ["dev", { stage: "docs", probability: docs }, "qa"] },
  ops: { arrivals: { rate: 0.5 }, priority: 2, route: ["dev", "qa", { stage: "docs", probability: 0.5 }] },
});
const traced = (raw: object) => runReplication(compile(validateModel(raw, "crn.yaml")), 7, 0, { trace: true }).trace!;

describe("keyed draws follow the item (issue #16)", () => {
  it("an item served in another order draws the same process times, rework decisions and route choices", () => {
    // A priority policy at dev reorders the queue there (and so every queue after it); with a
    // stream per stage the k-th served item got the k-th number, and most items' times changed.
    const fifo = traced({ horizon: 300, stages: stages("fifo", 0.3), streams: streams(0.5) });
    const priority = traced({ horizon: 300, stages: stages("priority", 0.3), streams: streams(0.5) });
    const a = processTimes(fifo);
    const b = processTimes(priority);
    let same = 0;
    let compared = 0;
    for (const [k, d] of a) {
      if (!b.has(k)) continue;
      compared++;
      // finish - start is the process time up to rounding at the clock's magnitude.
      if (Math.abs(b.get(k)! - d) <= 1e-9) same++;
    }
    expect(compared).toBeGreaterThan(300);
    expect(same).toBe(compared);
    // The order did change (else this proves nothing): some dev service starts in another order.
    const order = (rows: TraceRow[]) => rows.filter((r) => r.what === "start" && r.stage === "dev").map((r) => r.item).join(",");
    expect(order(priority)).not.toBe(order(fifo));
    // Route choices and rework decisions are the item's too: the same stages, each started as
    // often, by every item that finished in both runs.
    const paths = (rows: TraceRow[]) => {
      const p = new Map<number, string[]>();
      for (const r of rows) if (r.what === "start") p.set(r.item, [...(p.get(r.item) ?? []), r.stage!]);
      const done = new Set(rows.filter((r) => r.what === "done").map((r) => r.item));
      return new Map([...p].filter(([item]) => done.has(item)).map(([item, s]) => [item, s.join(" ")]));
    };
    const pa = paths(fifo);
    const pb = paths(priority);
    let both = 0;
    for (const [item, p] of pa) if (pb.has(item)) both++, expect(pb.get(item), `item ${item}`).toBe(p);
    expect(both).toBeGreaterThan(100);
  });

  it("making a step optional at probability 0.99999999 changes no figure (choices keyed by step, not position)", () => {
    // Before: a stream's optional steps drew in turn from one stream, so a new optional step
    // shifted every other choice of the stream (the issue: another stage's wait moved by -13%).
    const raw = (p: number) => ({ horizon: 300, stages: stages("fifo", 0.2), streams: { ...streams(0.5), ops: { ...streams(0.5).ops, route: [{ stage: "dev", probability: p }, "qa", { stage: "docs", probability: 0.5 }] } } });
    for (const loop of ["general", "specialized"] as const) {
      const run = (p: number) => runReplication(compile(validateModel(raw(p), "crn.yaml")), 3, 1, { loop });
      const base = run(1);
      const optional = run(0.99999999);
      expect(Array.from(optional.streams)).toEqual(Array.from(base.streams));
      expect(Array.from(optional.stages)).toEqual(Array.from(base.stages));
      // And the draws do depend on the choices: a real change moves the figures.
      expect(Array.from(run(0.7).streams)).not.toEqual(Array.from(base.streams));
    }
  });
});
