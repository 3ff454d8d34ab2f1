import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LARGE_RUN_EVENTS, estimatedEvents, sizeWarnings, stabilityWarnings, streamVisits } from "../../src/model/analysis.js";
import { ModelError, STREAM_FIGURES, type TraceRow, compile, runReplication, validateModel } from "../../src/index.js";
import { descentModelArb, tieModelArb } from "../fixtures/random-models.js";
import { runCsv } from "../../src/report/csv.js";
import { runTable } from "../../src/report/table.js";
import type { RunDocument } from "../../src/index.js";
import { ensureBuilt, scratch, vsm } from "../fixtures/cli.js";
import { expectTheory, exponential, run } from "../theory/tolerance.js";

// Issue #11: semantic slips in the flow engine. Each part is checked on models small enough to
// follow by hand (fixed times, unlimited servers where queueing is beside the point), and against
// theory where there is some.

const lead = (m: ReturnType<typeof compile>, r: { streams: Float64Array }, stream: string) =>
  r.streams[m.streamIds.indexOf(stream) * STREAM_FIGURES.length + STREAM_FIGURES.indexOf("leadTimeMean")];

/** Each item's trace rows, in order (a parallel branch's rows are its item's). */
function byItem(rows: TraceRow[]): Map<number, TraceRow[]> {
  const out = new Map<number, TraceRow[]>();
  for (const r of rows) {
    if (!out.has(r.item)) out.set(r.item, []);
    out.get(r.item)!.push(r);
  }
  return out;
}

/** The stages an item started service at, in order, with "!" after each one that sent it back. */
function path(rows: TraceRow[]): string {
  return rows
    .filter((r) => r.what === "start" || r.what === "rework")
    .map((r) => (r.what === "rework" ? "!" : ` ${r.stage}`))
    .join("")
    .trim();
}

describe("a batch gate releases by the stage's policy (issue #11.1)", () => {
  // Both streams arrive at 10, 20, ... (low listed first, so it reaches the gate first); the board
  // opens at 15, 25, ...; one server, 1 day a design. Under priority the urgent one goes first:
  // high 15-16 (lead 6), low 16-17 (lead 7). Under fifo the reverse.
  const board = (policy: string, batch: object) =>
    compile(
      validateModel(
        {
          horizon: 100,
          stages: { board: { servers: 1, processTime: 1, policy, batch } },
          streams: {
            low: { arrivals: { interarrival: 10 }, priority: 0, route: ["board"] },
            high: { arrivals: { interarrival: 10 }, priority: 9, route: ["board"] },
          },
        },
        "board.yaml",
      ),
    );
  it("lets the highest priority out first, and oldest first under fifo", () => {
    for (const [policy, high, low] of [
      ["priority", 6, 7],
      ["fifo", 7, 6],
    ] as const) {
      const m = board(policy, { every: 10, offset: 5 });
      for (const loop of ["general", "specialized"] as const) {
        const r = runReplication(m, 1, 0, { loop });
        expect([lead(m, r, "high"), lead(m, r, "low")], `${policy} ${loop}`).toEqual([high, low]);
      }
    }
  });
  it("gives `max` to the highest priority", () => {
    // Opens every 5 days, one item each time: at 10 (arrivals come before an opening at the same
    // time) and at 15. Under priority high leaves at 10 (lead 1), low at 15 (lead 6).
    for (const [policy, high, low] of [
      ["priority", 1, 6],
      ["fifo", 6, 1],
    ] as const) {
      const m = board(policy, { every: 5, max: 1 });
      const r = runReplication(m, 1, 0, { loop: "general" });
      expect([lead(m, r, "high"), lead(m, r, "low")], policy).toEqual([high, low]);
    }
  });
});

describe("rework into a completed parallel branch (issue #11.2)", () => {
  it("re-runs only that branch, from the target to its end, then re-joins and goes on", () => {
    // dev 1 day and env 3 days run at once; the join is at 3; security 0.5 sends half back to dev
    // (not to env): each return costs dev 1 + security 0.5, so a lead time is 3.5 + 1.5 k.
    const m = compile(
      validateModel(
        {
          horizon: 400,
          stages: {
            dev: { servers: "unlimited", processTime: 1 },
            env: { servers: "unlimited", processTime: 3 },
            sec: { servers: "unlimited", processTime: 0.5, rework: { probability: 0.5, to: "dev" } },
          },
          streams: { web: { arrivals: { rate: 0.5 }, route: [{ parallel: [["dev"], ["env"]] }, "sec"] } },
        },
        "fork.yaml",
      ),
    );
    const r = runReplication(m, 3, 0, { trace: true });
    let reworked = 0;
    for (const rows of byItem(r.trace!).values()) {
      const done = rows.find((x) => x.what === "done");
      if (!done) continue;
      const p = path(rows);
      const k = (p.match(/!/g) ?? []).length;
      reworked += k;
      expect(p).toBe(`dev env sec${"! dev sec".repeat(k)}`);
      const leadTime = done.time - rows[0].time;
      expect(leadTime).toBeCloseTo(3.5 + 1.5 * k, 9);
    }
    expect(reworked).toBeGreaterThan(50);
    // Nothing waits, so touch time is the lead time: the re-run branch's touch counts once.
    expect(r.streams[STREAM_FIGURES.indexOf("flowEfficiency")]).toBeCloseTo(1, 12);
  });

  it("works through nested parallel steps", () => {
    // a 1, then b 1 and c 2 at once (inner join at 3), all beside d 10: the join is at 10; e 0.5
    // sends work back to c only: a return costs c 2 + e 0.5, so a lead time is 10.5 + 2.5 k.
    const m = compile(
      validateModel(
        {
          horizon: 600,
          stages: {
            a: { servers: "unlimited", processTime: 1 },
            b: { servers: "unlimited", processTime: 1 },
            c: { servers: "unlimited", processTime: 2 },
            d: { servers: "unlimited", processTime: 10 },
            e: { servers: "unlimited", processTime: 0.5 },
          },
          streams: { w: { arrivals: { rate: 0.3 }, route: [{ parallel: [["a", { parallel: [["b"], ["c"]] }], ["d"]] }, { stage: "e", rework: { probability: 0.4, to: "c" } }] } },
        },
        "nested.yaml",
      ),
    );
    for (const loop of ["general", "specialized"] as const) expect(runReplication(m, 5, 0, { loop }).streams[STREAM_FIGURES.indexOf("flowEfficiency")]).toBeCloseTo(1, 12);
    const r = runReplication(m, 5, 0, { trace: true });
    let reworked = 0;
    for (const rows of byItem(r.trace!).values()) {
      const done = rows.find((x) => x.what === "done");
      if (!done) continue;
      const starts = rows.filter((x) => x.what === "start").map((x) => x.stage);
      const k = rows.filter((x) => x.what === "rework").length;
      reworked += k;
      for (const [stage, n] of [["a", 1], ["b", 1], ["d", 1], ["c", 1 + k], ["e", 1 + k]] as const) expect(starts.filter((s) => s === stage).length, stage).toBe(n);
      expect(done.time - rows[0].time).toBeCloseTo(10.5 + 2.5 * k, 9);
    }
    expect(reworked).toBeGreaterThan(30);
  });

  it("still refuses a target that is in no completed branch before the step", () => {
    const bad = () =>
      validateModel(
        {
          horizon: 10,
          stages: { dev: { servers: 1, processTime: 1 }, sec: { servers: 1, processTime: 1, rework: { probability: 0.3, to: "env" } }, env: { servers: 1, processTime: 1 } },
          streams: { web: { arrivals: { rate: 1 }, route: [{ parallel: [["dev", "sec"], ["env"]] }] } },
        },
        "sibling.yaml",
      );
    expect(bad).toThrow(ModelError);
    expect(bad).toThrow(/stages\.sec\.rework\.to is "env", which is not at or before "sec" in streams\.web\.route\[0\]\.parallel\[0\], nor in a parallel branch before it/);
  });
});

describe("a stream's own rework at a route step (issue #11.3)", () => {
  const shared = compile(
    validateModel(
      {
        horizon: 300,
        stages: {
          dev_a: { servers: "unlimited", processTime: 1 },
          dev_b: { servers: "unlimited", processTime: 1 },
          sec: { servers: "unlimited", processTime: 0.25, rework: { probability: 0.5 } },
        },
        streams: {
          a: { arrivals: { rate: 1 }, route: ["dev_b", "dev_a", { stage: "sec", rework: { probability: 0.3, to: "dev_a" } }] },
          b: { arrivals: { rate: 1 }, route: ["dev_b", { stage: "sec", rework: null }] },
          c: { arrivals: { rate: 1 }, route: ["dev_a", "dev_b", "sec"] },
        },
      },
      "shared.yaml",
    ),
  );
  it("overrides the stage's rework for that stream at that step; null switches it off", () => {
    const r = runReplication(shared, 2, 0, { trace: true });
    const returns = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (const rows of byItem(r.trace!).values()) {
      const p = path(rows);
      const stream = rows[0].stream;
      returns[stream] += (p.match(/!/g) ?? []).length;
      // a goes back to its own dev_a (not dev_b, the previous-but-one); c to the previous step.
      if (stream === "a") expect(p).not.toMatch(/! dev_b/);
      if (stream === "c") expect(p).not.toMatch(/! dev_a/);
    }
    expect(returns.b).toBe(0);
    expect(returns.a).toBeGreaterThan(50);
    expect(returns.c).toBeGreaterThan(returns.a); // 0.5 against 0.3
    const v = streamVisits(shared.model);
    expect(v.a.sec).toBeCloseTo(1 / 0.7, 12);
    expect(v.b.sec).toBe(1);
    expect(v.c.sec).toBeCloseTo(2, 12);
    expect(v.c.dev_b).toBeCloseTo(2, 12);
  });

  it("names the route step when its own rework is wrong", () => {
    const problems = (route: unknown[]) => {
      try {
        validateModel({ horizon: 10, stages: { dev: { servers: 1, processTime: 1 }, sec: { servers: 1, processTime: 1 } }, streams: { web: { arrivals: { rate: 1 }, route } } }, "step.yaml");
      } catch (e) {
        if (e instanceof ModelError) return e.problems.map((p) => `${p.path} ${p.message}`);
        throw e;
      }
      return [];
    };
    expect(problems(["dev", { stage: "sec", rework: { probability: 0.2, to: "deb" } }])).toEqual([expect.stringMatching(/^streams\.web\.route\[1\]\.rework\.to names unknown stage "deb" \(did you mean "dev"\?\)/)]);
    expect(problems([{ stage: "sec", rework: { probability: 0.2, to: "dev" } }, "dev"])).toEqual([expect.stringMatching(/^streams\.web\.route\[0\]\.rework\.to is "dev", which is not at or before "sec"/)]);
    expect(problems(["dev", { stage: "sec", rework: { probability: 1 } }])).toEqual([expect.stringMatching(/^streams\.web\.route\[1\]\.rework\.probability is 1: /)]);
    expect(problems([{ parallel: [["dev"], ["sec"]], rework: null }])[0]).toMatch(/^streams\.web\.route\[0\] must be either \{ stage, probability\?, rework\?, processTime\? \} or \{ parallel/);
    expect(problems(["dev", { stage: "sec", rework: null }])).toEqual([]);
  });

  it("makes an M/M/1 with rework to itself an M/M/1 with visit rate lambda / (1 - p)", async () => {
    // Bernoulli feedback to the back of the queue (Jackson): items in the system are M/M/1's at
    // rho = lambda / ((1 - p) mu) = 0.5 / 0.7; by Little's law the lead time is L / lambda = 5.
    // Sizing as mm1.test.ts at rho 0.71: ci95 near 1.5%.
    const doc = await run(
      "mm1-feedback",
      {
        warmup: 1_000,
        horizon: 100_000,
        stages: { review: { servers: 1, processTime: exponential(1) } },
        streams: { work: { arrivals: { rate: 0.5 }, route: [{ stage: "review", rework: { probability: 0.3, to: "review" } }] } },
      },
      20,
      1101,
    );
    const rho = 0.5 / 0.7;
    expectTheory("utilization", doc.stages.review.utilization!, rho);
    expectTheory("lead time", doc.streams.work.leadTime.mean, rho / (1 - rho) / 0.5);
  });
});

describe("rework to an optional step the item skipped (issue #11.4)", () => {
  it("visits that step; rework to the previous step keeps to the steps taken", () => {
    // env is needed by no item (probability 0) until security sends work back to it.
    const m = compile(
      validateModel(
        {
          horizon: 300,
          stages: {
            env: { servers: "unlimited", processTime: 2 },
            dev: { servers: "unlimited", processTime: 1 },
            sec: { servers: "unlimited", processTime: 0.5, rework: { probability: 0.4, to: "env" } },
            qa: { servers: "unlimited", processTime: 0.5, rework: { probability: 0.4 } },
          },
          streams: { w: { arrivals: { rate: 1 }, route: [{ stage: "env", probability: 0 }, "dev", "sec", { stage: "env", probability: 0 }, "qa"] } },
        },
        "skipped.yaml",
      ),
    );
    const r = runReplication(m, 4, 0, { trace: true });
    let sent = 0;
    for (const rows of byItem(r.trace!).values()) {
      if (!rows.some((x) => x.what === "done")) continue; // still in flight at the end
      const p = ` ${path(rows)}`;
      sent += (p.match(/sec!/g) ?? []).length;
      // Every return from security goes to env, then dev and security again.
      let q = p;
      while (q.includes("sec! env dev sec")) q = q.replace("sec! env dev sec", "sec");
      expect(q).not.toMatch(/sec!/);
      // qa's previous step taken is sec (the env before qa was skipped).
      expect(p).not.toMatch(/qa! env/);
      expect(p.startsWith(" dev")).toBe(true);
    }
    expect(sent).toBeGreaterThan(50);
    // dev and sec: 1 / 0.6 visits; env: forced 0.4 / 0.6; qa's returns go to sec (1 / 0.6 each).
    const v = streamVisits(m.model).w;
    expect(v.env).toBeCloseTo((1 / 0.6 / 0.6) * 0.4, 12);
    expect(v.qa).toBeCloseTo(1 / 0.6, 12);
    expect(v.sec).toBeCloseTo(1 / 0.6 / 0.6, 12);
  });
});

describe("the offered-load check reads the routes the simulation runs (issue #11.5)", () => {
  it("warns when an optional step's rework loop overloads a stage", () => {
    // Half the items need a; each of those visits it 1 / (1 - 0.5) = 2 times: 1.05 visits a day.
    const m = validateModel(
      { horizon: 100, stages: { a: { servers: 1, processTime: exponential(1), rework: { probability: 0.5 } } }, streams: { s: { arrivals: { rate: 1.05 }, route: [{ stage: "a", probability: 0.5 }] } } },
      "optional-rework.yaml",
    );
    expect(streamVisits(m).s.a).toBeCloseTo(1, 12);
    expect(stabilityWarnings(m).join("\n")).toMatch(/stage a is overloaded: offered load 1\.05/);
  });

  it("averages over which optional steps an item needs, not over their probabilities", () => {
    // z sends half its work back to the previous step the item took: y for the half that need
    // y, x for the others. Per item: x 0.5 x 1 + 0.5 x 2 = 1.5, y 0.5 x 2 = 1, z 2.
    const m = validateModel(
      {
        horizon: 10,
        stages: { x: { servers: 1, processTime: 0.1 }, y: { servers: 1, processTime: 0.1 }, z: { servers: 1, processTime: 0.1, rework: { probability: 0.5 } } },
        streams: { s: { arrivals: { rate: 1 }, route: ["x", { stage: "y", probability: 0.5 }, "z"] } },
      },
      "previous.yaml",
    );
    const v = streamVisits(m).s;
    expect([v.x, v.y, v.z].map((x) => Number(x.toFixed(12)))).toEqual([1.5, 1, 2]);
  });

  /** Visits per completed item of each stream at each stage, counted from a trace. */
  function countedVisits(raw: object, seed: number) {
    const m = compile(validateModel(raw, "random.yaml"));
    const r = runReplication(m, seed, 0, { trace: true, maxWip: 1e9 });
    const counts = new Map<string, number[]>(); // stream/stage -> visits of each completed item
    const items = new Map<string, number>(); // completed items by stream
    for (const rows of byItem(r.trace!).values()) {
      if (!rows.some((x) => x.what === "done")) continue;
      const stream = rows[0].stream;
      const k = items.get(stream) ?? 0;
      items.set(stream, k + 1);
      for (const x of rows) {
        if (x.what !== "start") continue;
        const key = `${stream}/${x.stage}`;
        if (!counts.has(key)) counts.set(key, []);
        const c = counts.get(key)!;
        while (c.length <= k) c.push(0);
        c[k]++;
      }
    }
    return { m, counts, items };
  }

  it("agrees with visits counted in simulation on random models", () => {
    // Unlimited servers and no gates: visits depend on routes and rework only, and nothing queues.
    // Each item's count is an independent draw: the mean over N items is within 4.5 standard
    // errors of the expectation (a false alarm below 1e-5 per figure).
    const flatten = (raw: { stages: Record<string, Record<string, unknown>> }) => ({
      ...raw,
      warmup: 0,
      horizon: 600,
      stages: Object.fromEntries(Object.entries(raw.stages).map(([id, s]) => [id, { ...s, servers: "unlimited", batch: undefined }])),
    });
    let checked = 0;
    let looped = 0;
    fc.assert(
      fc.property(fc.oneof(tieModelArb, descentModelArb), fc.integer({ min: 0, max: 1000 }), (raw, seed) => {
        const model = flatten(raw as never);
        try {
          validateModel(model, "random.yaml");
        } catch (e) {
          if (e instanceof ModelError) return;
          throw e;
        }
        const { m, counts, items } = countedVisits(model, seed);
        const expected = streamVisits(m.model);
        for (const [stream, perStage] of Object.entries(expected)) {
          const n = items.get(stream) ?? 0;
          if (n < 100) continue;
          for (const [stage, v] of Object.entries(perStage)) {
            const c = (counts.get(`${stream}/${stage}`) ?? []).concat(Array(n).fill(0)).slice(0, n);
            const mean = c.reduce((a, b) => a + b, 0) / n;
            const sd = Math.sqrt(c.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
            expect(Math.abs(mean - v), `${stream} at ${stage}: counted ${mean} (sd ${sd}, n ${n}), expected ${v}`).toBeLessThanOrEqual(4.5 * (sd / Math.sqrt(n)) + 1e-6 * v + 1e-12);
            checked++;
            if (v > 1.05) looped++;
          }
        }
      }),
      { numRuns: 30, seed: 20261205 },
    );
    expect(checked).toBeGreaterThan(60);
    expect(looped).toBeGreaterThan(20); // rework loops, not only straight routes
  });

  it("counts the openings of scheduled gates in the size of a run", () => {
    const raw = (batch?: object) => ({
      warmup: 10,
      horizon: 90,
      stages: { board: { servers: 1, processTime: 0.01, ...(batch ? { batch } : {}) } },
      streams: { s: { arrivals: { rate: 1 }, route: ["board"] } },
    });
    const plain = estimatedEvents(validateModel(raw(), "plain.yaml"), 3);
    expect(estimatedEvents(validateModel(raw({ every: 2, offset: 1 }), "gate.yaml"), 3) - plain).toBeCloseTo((3 * (100 - 1)) / 2, 9);
    const runaway = validateModel(raw({ every: 1e-300 }), "runaway.yaml");
    expect(estimatedEvents(runaway, 1)).toBeGreaterThan(LARGE_RUN_EVENTS);
    expect(sizeWarnings(runaway, 1).join("\n")).toMatch(/this run is about/);
  });
});

describe("where each stream's time goes (issue #11.6)", () => {
  // a and b arrive together every 8 days; a goes straight to review (3 days, one reviewer), b
  // through dev first (1 day), so b reaches review at 8k + 1 and waits 2 days for a to finish.
  // 99 of each complete by 799: per item one review visit; b waits 2 per visit, 99 x 2 days of
  // waiting in 799 days is 198/799 items waiting on average; a never waits.
  const MODEL = `name: ladder
horizon: 799
replications: 2
stages:
  review: { servers: 1, processTime: 3 }
  dev: { servers: unlimited, processTime: 1 }
streams:
  a: { arrivals: { interarrival: 8 }, route: [review] }
  b: { name: "=B stream", arrivals: { interarrival: 8 }, route: [dev, review] }
`;
  it("gives visits per item, wait and touch per visit and items waiting, per stream and stage", async () => {
    ensureBuilt();
    const dir = scratch();
    try {
      const file = dir.write("ladder.yaml", MODEL);
      // One run: the table with --by-stream on stdout, the JSON document in the file.
      const out = join(dir.dir, "ladder.json");
      const text = await vsm(["run", file, "--by-stream", "-q", "-o", out]);
      expect(text.status).toBe(0);
      const doc = JSON.parse(readFileSync(out, "utf8")) as RunDocument;
      const mean = (f: { mean: number }) => f.mean;
      expect(Object.keys(doc.byStream.a)).toEqual(["review"]); // only the stages its route visits
      expect(Object.keys(doc.byStream.b)).toEqual(["dev", "review"]); // in route order
      const b = doc.byStream.b.review;
      expect([b.visits, b.wait, b.touch].map(mean)).toEqual([1, 2, 3]);
      expect(mean(b.waiting)).toBeCloseTo(198 / 799, 12);
      expect([doc.byStream.a.review.wait, doc.byStream.a.review.waiting, doc.byStream.b.dev.touch].map(mean)).toEqual([0, 0, 1]);

      expect(text.stdout).toMatch(/Where =B stream \(b\)'s time goes/);
      expect(text.stdout).toMatch(/review\s+1 ± 0\s+2 ± 0\s+3 ± 0\s+0\.248 ± /);
      expect(runTable(doc)).not.toMatch(/time goes/); // only when asked
      expect(await runCsv(doc)).toContain("ladder,stream-stage,b/review,'=B stream / review,wait,2,0,2");
    } finally {
      dir.remove();
    }
  });
});
