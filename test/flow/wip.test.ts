import { describe, expect, it } from "vitest";
import { ModelError, STREAM_FIGURES, compile, formatProblem, runReplication, validateModel } from "../../src/index.js";
import { sampleRemaining } from "../../src/engine/remaining.js";
import * as D from "../../src/engine/distributions.js";
import { RandomStream } from "../../src/engine/random.js";

const WIP = STREAM_FIGURES.indexOf("wip");

/** Two stages (the second with a weekly-ish gate and rework back to the first), two streams. */
function model(extra: Record<string, unknown> = {}) {
  return validateModel({
    horizon: 400,
    stages: {
      dev: { servers: 3, processTime: { dist: "lognormal", mean: 1, cv: 0.8 } },
      review: { servers: 1, processTime: { dist: "gamma", mean: 0.3, cv: 0.5 }, rework: { probability: 0.2 } },
      release: { servers: "unlimited", processTime: 0.1, batch: { every: 2 } },
    },
    streams: {
      feature: { arrivals: { rate: 1.5 }, route: ["dev", "review", "release"] },
      fix: { arrivals: { rate: 0.5 }, route: [{ stage: "dev", probability: 0.5 }, "review"] },
    },
    ...extra,
  }, "wip-model.yaml");
}

const snapshot = [
  { stream: "feature", stage: "dev", count: 3, state: "work", elapsed: 2, age: 5 },
  { stream: "feature", stage: "dev", count: 20, elapsed: 4, age: 6 },
  { stream: "feature", stage: "review", count: 7, elapsed: 1 },
  { stream: "fix", stage: "dev", count: 2, elapsed: 0.5 },
  { stream: "feature", stage: "release", count: 4, elapsed: 0.2, age: 9 },
];

describe("today's work placed at time 0", () => {
  it("conserves every item: each one placed is done exactly once, in route order", () => {
    const m = compile(model({ wip: snapshot, horizon: 200 }));
    const r = runReplication(m, 7, 0, { trace: true });
    const rows = r.trace!;
    const placed = 3 + 20 + 7 + 2 + 4;
    const atZero = rows.filter((x) => x.time === 0 && x.what === "enter" && !rows.some((y) => y.item === x.item && y.what === "arrive"));
    expect(new Set(atZero.map((x) => x.item)).size).toBe(placed);
    for (const item of new Set(atZero.map((x) => x.item))) {
      const mine = rows.filter((x) => x.item === item);
      expect(mine.filter((x) => x.what === "done")).toHaveLength(1);
      expect(mine.some((x) => x.what === "arrive")).toBe(false);
    }
    // And the books balance: items placed + arrived = done + still in flight.
    const arrived = rows.filter((x) => x.what === "arrive").length;
    const done = rows.filter((x) => x.what === "done").length;
    expect(placed + arrived).toBe(done + r.inFlight);
  });

  it("drains to the same steady state as a warmed-up run (time-average WIP, 95% intervals overlap)", () => {
    const wipOf = (raw: Record<string, unknown>) => {
      const m = compile(model(raw));
      const xs = Array.from({ length: 10 }, (_, r) => runReplication(m, 3, r).streams[WIP]);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      return { mean, half: (2.262157163 * sd) / Math.sqrt(xs.length) };
    };
    // 60 items in progress at time 0 against a steady state of a few: a heavy transient, which
    // drains in about 80 time units (dev works off its backlog at about 0.8 items a time unit).
    const heavy = [{ stream: "feature", stage: "dev", count: 60, elapsed: 3, age: 10 }];
    const fromWip = wipOf({ wip: heavy, warmup: 300 });
    const warmed = wipOf({ warmup: 300 });
    expect(Math.abs(fromWip.mean - warmed.mean)).toBeLessThan(fromWip.half + warmed.half);
    // Without a warm-up the transient shows: far above the steady state over a short window.
    const transient = wipOf({ wip: heavy, warmup: 0, horizon: 20 });
    expect(transient.mean - transient.half).toBeGreaterThan(warmed.mean + warmed.half);
  });

  it("finishes an item in service with the rest of its process time: fixed 5, 2 in: done at 3", () => {
    const m = compile(validateModel({
      horizon: 10,
      stages: { ops: { servers: 1, processTime: 5 } },
      streams: { run: { arrivals: { rate: 0.001 }, route: ["ops"] } },
      wip: [{ stream: "run", stage: "ops", state: "work", elapsed: 2, age: 4 }, { stream: "run", stage: "ops", elapsed: 1 }],
    }, "m.yaml"));
    const rows = runReplication(m, 1, 0, { trace: true }).trace!.filter((x) => x.what === "done" || x.what === "start");
    // The waiting one starts when the server frees, with a fresh 5.
    // (-0 + 0: the clock starts at -0.) A freed server takes the next item before the item leaves.
    expect(rows.slice(0, 3).map((x) => [x.item, x.what, x.time + 0])).toEqual([[0, "start", 0], [1, "start", 3], [0, "done", 3]]);
    expect(rows[3]).toMatchObject({ item: 1, what: "done", time: 8 });
  });

  it("draws the rest of a process time given the time elapsed (exact conditional means)", () => {
    const mean = (d: D.Distribution, e: number) => {
      const rng = RandomStream.derive(11, 0, "t");
      let s = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) s += sampleRemaining(d, e, rng);
      return s / n;
    };
    // Uniform(0, 10) given > 6: uniform(0, 4) left, mean 2. Exponential: memoryless, mean 3.
    expect(mean(D.uniform(0, 10), 6)).toBeCloseTo(2, 1);
    expect(mean(D.exponential(3), 5)).toBeCloseTo(3, 1);
    expect(mean(D.fixed(2), 3)).toBe(0);
    // Lognormal (mu, sigma): E[X - e | X > e] = exp(mu + s^2/2) Phi(s - z) / Phi(-z) - e, z = (ln e - mu) / s.
    const ln = D.lognormal(1, 1);
    const z = (Math.log(2) - ln.p1) / ln.p2;
    const expected = (Math.exp(ln.p1 + ln.p2 ** 2 / 2) * phiUpper(z - ln.p2)) / phiUpper(z) - 2;
    expect(Math.abs(mean(ln, 2) - expected)).toBeLessThan(0.05 * expected);
    // Gamma shape 4, scale 1 given > 6 (above the mode 3): E[X | X > e] = k Q(k+1, e) / Q(k, e).
    const g = D.gamma(4, 0.5);
    const Q = (k: number, x: number) => Math.exp(-x) * Array.from({ length: k }, (_, j) => x ** j / fact(j)).reduce((a, b) => a + b, 0);
    expect(Math.abs(mean(g, 6) - (4 * Q(5, 6)) / Q(4, 6) + 6)).toBeLessThan(0.03);
  });

  it("refuses a snapshot it cannot place, naming the field", () => {
    const problems = (wip: unknown[]) => {
      try {
        model({ wip });
        return [];
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        return e.problems.map(formatProblem);
      }
    };
    expect(problems([{ stream: "fix", stage: "release" }])).toEqual(['wip-model.yaml: wip[0].stage names stage "release", which stream "fix" visits not in its route']);
    expect(problems([{ stream: "feature", stage: "review", count: 2, state: "work" }])[0]).toContain('wip[0].state makes 2 items in work at stage "review", which has 1 servers');
    expect(problems([{ stream: "feture", stage: "dev" }])[0]).toContain('wip[0].stream names unknown stream "feture" (did you mean "feature"?)');
    expect(problems([{ stream: "feature", stage: "dev", elapsed: 3, age: 1 }])[0]).toContain("wip[0].age is 1, less than the time at the stage (3)");
  });
});

function fact(n: number): number {
  return n <= 1 ? 1 : n * fact(n - 1);
}

/** P(Z > z), from the complementary error function (Abramowitz & Stegun 7.1.26 is too coarse:
 * a continued fraction is overkill here; erfc via its series for |z| < 6 suffices). */
function phiUpper(z: number): number {
  // Numerical integration of the normal density from z to z + 12 (Simpson, 20000 panels).
  const f = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  const n = 20000;
  const h = 12 / n;
  let s = f(z) + f(z + 12);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(z + i * h);
  return (s * h) / 3;
}
