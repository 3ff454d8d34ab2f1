import { describe, expect, it } from "vitest";
import { ModelError, compile, offeredLoads, runReplication, stabilityWarnings, validateModel } from "../../src/index.js";
import { inTimeUnit } from "../../src/model/convert.js";

// Allocation at a stage: what the model accepts and refuses, and the flow facts the theory suite
// (test/theory/allocation.test.ts) does not reach.

const stages = (security: object) => ({
  dev: { servers: 2, processTime: 1 },
  security: { servers: 2, processTime: { dist: "exponential", mean: 0.4 }, ...security },
  forever: { servers: "unlimited", processTime: 1 },
});
const streams = {
  payments: { arrivals: { rate: 1 }, route: ["dev", "security"] },
  web: { arrivals: { rate: 1 }, route: ["security"] },
  mobile: { arrivals: { rate: 1 }, route: ["dev"] },
};

function problems(raw: object): string[] {
  try {
    validateModel({ horizon: 10, ...raw }, "alloc.yaml");
  } catch (e) {
    if (e instanceof ModelError) return e.problems.map((p) => `${p.path} ${p.message}`);
    throw e;
  }
  return [];
}

describe("dedicated servers and a step's own process time in the model", () => {
  it("accepts them and fills nothing in where they are absent", () => {
    const m = validateModel({ horizon: 10, stages: stages({ dedicated: { payments: 1 }, borrow: true }), streams }, "alloc.yaml");
    expect(m.stages.security.dedicated).toEqual({ payments: 1 });
    expect(m.stages.security.borrow).toBe(true);
    expect("dedicated" in m.stages.dev).toBe(false);
    const step = validateModel({ horizon: 10, stages: stages({}), streams: { web: { arrivals: { rate: 1 }, route: [{ stage: "security", processTime: "2h" }] } }, timeUnit: "day" }, "alloc.yaml");
    expect(step.streams.web.route[0]).toEqual({ kind: "stage", stage: "security", probability: 1, processTime: { dist: "fixed", value: 2 / 24 } });
  });

  it("restates a step's own process time with the model's other times (a base and scenario in other units)", () => {
    const m = validateModel({ horizon: 10, stages: stages({}), streams: { web: { arrivals: { rate: 1 }, route: [{ parallel: [[{ stage: "security", processTime: 1 }], ["dev"]] }] } } }, "alloc.yaml");
    const branch = inTimeUnit(m, "hour").streams.web.route[0];
    expect(branch.kind === "parallel" && branch.branches[0][0]).toEqual({ kind: "stage", stage: "security", probability: 1, processTime: { dist: "fixed", value: 24 } });
  });

  it("refuses what cannot be allocated, naming the field and what is wrong", () => {
    expect(problems({ stages: stages({ dedicated: { payments: 2 } }), streams })).toEqual([
      'stages.security.dedicated dedicates 2 of the stage\'s 2 servers, leaving none for "web": dedicate fewer or add servers',
    ]);
    expect(problems({ stages: stages({ dedicated: { payments: 1, web: 2 } }), streams })).toEqual(["stages.security.dedicated dedicates 3 servers, more than the stage's 2"]);
    expect(problems({ stages: stages({ dedicated: { payments: 1, web: 1 } }), streams })).toEqual([]); // every visitor has its own part
    expect(problems({ stages: stages({ dedicated: { paymnts: 1 } }), streams })[0]).toMatch(/^stages\.security\.dedicated\.paymnts names unknown stream "paymnts" \(did you mean "payments"\?\)/);
    expect(problems({ stages: stages({ dedicated: { mobile: 1 } }), streams })).toEqual(['stages.security.dedicated.mobile names stream "mobile", whose route never visits stage "security"']);
    expect(problems({ stages: { ...stages({}), forever: { servers: "unlimited", processTime: 1, dedicated: { payments: 1 } } }, streams: { payments: { arrivals: { rate: 1 }, route: ["forever"] } } })[0]).toMatch(
      /^stages\.forever\.dedicated has no meaning on an unlimited stage/,
    );
    expect(problems({ stages: stages({ dedicated: { payments: 0 } }), streams })[0]).toMatch(/^stages\.security\.dedicated\.payments must be a whole number >= 1 \(got 0\)/);
    expect(problems({ stages: stages({ borrow: "yes" }), streams })[0]).toMatch(/^stages\.security\.borrow must be true or false/);
    expect(problems({ stages: stages({}), streams: { web: { arrivals: { rate: 1 }, route: [{ stage: "security", processTime: { dist: "exponential", mean: -1 } }] } } })[0]).toMatch(
      /^streams\.web\.route\[0\]\.processTime\.mean must be greater than zero/,
    );
  });

  it("dedicating every server to the one stream that visits is the pool itself, draw for draw", () => {
    // The stage's service draws come from one stream keyed by the stage, whatever its parts: a
    // scenario that splits a stage stays paired with its base.
    const raw = (security: object) => ({
      horizon: 200,
      stages: { security: { servers: 2, processTime: { dist: "exponential", mean: 0.9 }, ...security } },
      streams: { payments: { arrivals: { rate: 2 }, route: ["security"] } },
    });
    const pooled = runReplication(compile(validateModel(raw({}), "a.yaml")), 5, 0, { loop: "general" });
    const split = compile(validateModel(raw({ dedicated: { payments: 2 } }), "b.yaml"));
    expect(split.partCount[0]).toBe(2);
    for (const loop of ["general", "specialized"] as const) {
      const r = runReplication(split, 5, 0, { loop });
      expect(Array.from(r.streams)).toEqual(Array.from(pooled.streams));
      expect(Array.from(r.stages)).toEqual(Array.from(pooled.stages));
    }
  });

  it("a step's own process time draws from the stage's stream, in the same place: scenarios stay paired", () => {
    // Unlimited servers and fixed arrivals: services start in the same order whatever they take.
    // Payments' own exponential of mean 0.1 uses the very draw its 0.4 at the stage would have:
    // each payments review is a quarter of the base's, and web's are untouched.
    const raw = (payments: object) => ({
      horizon: 100,
      stages: { security: { servers: "unlimited", processTime: { dist: "exponential", mean: 0.4 } } },
      streams: { payments: { arrivals: { interarrival: 1 }, route: [{ stage: "security", ...payments }] }, web: { arrivals: { interarrival: 1.5 }, route: ["security"] } },
    });
    const reviews = (payments: object, stream: string) => {
      const rows = runReplication(compile(validateModel(raw(payments), "c.yaml")), 3, 0, { trace: true }).trace!.filter((r) => r.stream === stream);
      const start = new Map(rows.filter((r) => r.what === "start").map((r) => [r.item, r.time]));
      // By item: a shorter review finishes earlier, so finishes come in another order.
      return rows.filter((r) => r.what === "finish").sort((a, b) => a.item - b.item).map((r) => r.time - start.get(r.item)!);
    };
    const own = { processTime: { dist: "exponential", mean: 0.1 } };
    const base = reviews({}, "payments");
    const quarter = reviews(own, "payments");
    expect(base.length).toBeGreaterThan(50);
    expect(quarter.length).toBe(base.length);
    quarter.forEach((x, i) => expect(x).toBeCloseTo(base[i] / 4, 9));
    expect(reviews(own, "web")).toEqual(reviews({}, "web"));
  });
});

describe("offered load with dedicated servers and a step's own process time", () => {
  const load = (raw: object) => {
    const m = validateModel({ horizon: 10, ...raw }, "alloc.yaml");
    return { loads: Object.fromEntries(offeredLoads(m).map((l) => [l.stage, l])), warnings: stabilityWarnings(m).filter((w) => w.startsWith("stage security")) };
  };

  it("counts each visit at its step's own mean, rework passes at their effort (by hand)", () => {
    // payments: 1/day x (1 + 0.25 returns x 0.5 effort) x 0.8 day; web: 2/day x 0.4 day (the stage's).
    const { loads } = load({
      stages: stages({}),
      streams: {
        payments: { arrivals: { rate: 1 }, route: [{ stage: "security", processTime: { dist: "exponential", mean: 0.8 }, rework: { probability: 0.2, to: "security", effort: 0.5 } }] },
        web: { arrivals: { rate: 2 }, route: ["security"] },
      },
    });
    // 0.2 returns per pass, geometric: 0.2 / 0.8 = 0.25 repeat passes per item.
    const work = 1 * (1 + 0.25 * 0.5) * 0.8 + 2 * 0.4;
    expect(loads.security.workRate).toBeCloseTo(work, 12);
    expect(loads.security.load).toBeCloseTo(work / 2, 12);
    expect(loads.security.visitRate).toBeCloseTo(1.25 + 2, 12);
  });

  it("takes the busiest part without borrowing and the pooled load with it, and names the overloaded part", () => {
    // payments 1/day x 0.4 on its own server: 0.4; web 2.2/day x 0.4 on the other: 0.88; pooled 0.64.
    const raw = (borrow: boolean) => ({ stages: stages({ dedicated: { payments: 1 }, borrow }), streams: { ...streams, web: { arrivals: { rate: 2.2 }, route: ["security"] } } });
    const split = load(raw(false)).loads.security;
    expect(split.parts).toEqual([
      { stream: null, servers: 1, load: expect.closeTo(0.88, 12) },
      { stream: "payments", servers: 1, load: expect.closeTo(0.4, 12) },
    ]);
    expect(split.load).toBeCloseTo(0.88, 12);
    expect(load(raw(true)).loads.security.load).toBeCloseTo(0.64, 12);
    const over = load({ stages: stages({ dedicated: { payments: 1 } }), streams: { ...streams, web: { arrivals: { rate: 2.6 }, route: ["security"] } } });
    expect(over.warnings).toEqual(["stage security is overloaded: its shared servers (1) have an offered load of 1.04 >= 1; their queue would grow without bound"]);
    expect(load({ stages: stages({ dedicated: { payments: 1 }, borrow: true }), streams: { ...streams, web: { arrivals: { rate: 2.6 }, route: ["security"] } } }).warnings).toEqual([]);
  });
});
