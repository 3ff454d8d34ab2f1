import { describe, expect, it } from "vitest";
import { type Figure, compile, runReplication, validateModel } from "../../src/index.js";
import { mmc } from "./formulas.js";
import { K, expectTheory, exponential, run, seed } from "./tolerance.js";

// Allocation at a stage (issue #13): `dedicated` splits a stage's servers into parts, each with
// its own queue; `borrow` lets an idle server take the oldest work waiting in another part.

/** Security review: 3 servers of mean 1; payments (0.6 a day) has one of them, web (1.2) the other two. */
const split = (borrow: boolean) => ({
  warmup: 500,
  horizon: 20_000,
  stages: { security: { servers: 3, processTime: exponential(1), dedicated: { payments: 1 }, borrow } },
  streams: {
    payments: { arrivals: { rate: 0.6 }, route: ["security"] },
    web: { arrivals: { rate: 1.2 }, route: ["security"] },
  },
});

describe("dedicated servers", () => {
  // Sizing: both parts at rho 0.6 relax in about 1 / (mu (1 - sqrt rho)^2) = 17 time units (M/M/1);
  // 500 of warm-up is 30 of them. 20 x 20,000 gave ci95 near 1.5% of W in a pilot run.
  it("without borrowing, are two independent M/M/c queues: each stream's lead time is Erlang C's W", async () => {
    const doc = await run("dedicated", split(false), 20, 301);
    expectTheory("payments W (M/M/1, lambda 0.6)", doc.streams.payments.leadTime.mean, mmc(0.6, 1, 1).w);
    expectTheory("web W (M/M/2, lambda 1.2)", doc.streams.web.leadTime.mean, mmc(1.2, 1, 2).w);
    // Utilization is over all three servers.
    expectTheory("utilization", doc.stages.security.utilization!, 1.8 / 3);
  });

  it("take a route step's own process time: an M/M/1 per stream at one stage", async () => {
    // payments reviews take half the stage's time: its part is an M/M/1 with mu 2, web's one with mu 1.
    const doc = await run(
      "step-process-time",
      {
        warmup: 500,
        horizon: 20_000,
        stages: { security: { servers: 2, processTime: exponential(1), dedicated: { payments: 1 } } },
        streams: {
          payments: { arrivals: { rate: 1.2 }, route: [{ stage: "security", processTime: exponential(0.5) }] },
          web: { arrivals: { rate: 0.6 }, route: ["security"] },
        },
      },
      20,
      302,
    );
    expectTheory("payments W (M/M/1, lambda 1.2, mu 2)", doc.streams.payments.leadTime.mean, mmc(1.2, 2, 1).w);
    expectTheory("web W (M/M/1, lambda 0.6, mu 1)", doc.streams.web.leadTime.mean, mmc(0.6, 1, 1).w);
    expectTheory("payments flow efficiency (touch 0.5 of lead 1.25)", doc.streams.payments.flowEfficiency, 0.5 / mmc(1.2, 2, 1).w);
  });

  it("with borrowing, keep the pooled utilization, and wait as an independent event loop of the same rule says", async () => {
    const doc = await run("borrow", split(true), 20, 303);
    expectTheory("utilization (the pooled M/M/3's)", doc.stages.security.utilization!, mmc(1.8, 1, 3).rho);
    const reference = referenceWaits(20, 2_000_000 + seed(303));
    expectAgree("payments wait", minusService(doc.streams.payments.leadTime.mean), reference.payments);
    expectAgree("web wait", minusService(doc.streams.web.leadTime.mean), reference.web);
    // Borrowing must do something: each stream waits far less than on its own servers alone.
    expect(doc.streams.web.leadTime.mean.mean - 1).toBeLessThan(mmc(1.2, 1, 2).wq * 0.8);
    expect(doc.streams.payments.leadTime.mean.mean - 1).toBeLessThan(mmc(0.6, 1, 1).wq * 0.8);
  });

  it("breaks ties by the documented rules (a hand-checked trace)", () => {
    // Two reviewers of a fixed 3 days, one dedicated to payments, borrowing on. Web work arrives
    // every day from day 1, payments every 5 days from day 5.
    const m = compile(
      validateModel(
        {
          horizon: 9.5,
          stages: { security: { servers: 2, processTime: 3, dedicated: { payments: 1 }, borrow: true } },
          streams: {
            payments: { arrivals: { interarrival: 5 }, route: ["security"] },
            web: { arrivals: { interarrival: 1 }, route: ["security"] },
          },
        },
        "ties.yaml",
      ),
    );
    const starts = runReplication(m, 1, 0, { trace: true })
      .trace!.filter((r) => r.what === "start")
      .map((r) => [r.time, `${r.stream}#${r.item}`]);
    // Items are numbered in order of arrival; at day 5 payments#4 arrives before web#5 (its
    // arrival was scheduled first).
    expect(starts).toEqual([
      [1, "web#0"], // its own (shared) reviewer
      [2, "web#1"], // borrows the idle payments reviewer
      [4, "web#2"], // the shared reviewer frees and takes its own part's next
      // Day 5: the payments reviewer frees before payments#4 arrives (completions first), finds no
      // payments work waiting, and takes the oldest web item; payments#4 then waits.
      [5, "web#3"],
      // Day 7: the shared reviewer takes its own part's web#5 although payments#4 waited longer.
      [7, "web#5"],
      [8, "payments#4"], // the payments reviewer takes its own part's work first
    ]);
  });

  it("lets a gate release into the parts by the same rules, highest priority first (a hand-checked trace)", () => {
    // The same two reviewers of a fixed 1 day behind a weekly-style gate opening every 4 days;
    // web has the higher priority; work arrives every day for each stream from day 1.
    const m = compile(
      validateModel(
        {
          horizon: 7.5,
          stages: { security: { servers: 2, processTime: 1, dedicated: { payments: 1 }, borrow: true, policy: "priority", batch: { every: 4 } } },
          streams: {
            payments: { arrivals: { interarrival: 1 }, route: ["security"] },
            web: { arrivals: { interarrival: 1 }, priority: 2, route: ["security"] },
          },
        },
        "gate.yaml",
      ),
    );
    const starts = runReplication(m, 1, 0, { trace: true })
      .trace!.filter((r) => r.what === "start")
      .map((r) => [r.time, `${r.stream}#${r.item}`]);
    // Day 4's opening holds the work of days 1-4 (arrivals come before a gate opening at the same
    // time) and releases web's first: web#1 to its own reviewer, web#3 borrows the idle payments
    // reviewer, web#5 and web#7 queue in the shared part, every payments item in its own.
    expect(starts).toEqual([
      [4, "web#1"],
      [4, "web#3"],
      [5, "web#5"], // the shared reviewer takes its own part's next
      [5, "payments#0"], // the payments reviewer, back from web#3, takes its own part's first
      [6, "web#7"],
      [6, "payments#2"],
      [7, "payments#4"], // the shared part is empty: its reviewer borrows the oldest payments work
      [7, "payments#6"],
    ]);
  });
});

/** A lead time less the exact mean process time (1): the wait. */
function minusService(f: Figure): Figure {
  return { ...f, mean: f.mean - 1 };
}

interface Estimate {
  mean: number;
  ci95: number;
}

/** Two estimates of one quantity agree within K x the half-width of their difference (independent runs). */
function expectAgree(label: string, sim: Figure, reference: Estimate): void {
  const tol = K * Math.hypot(sim.ci95!, reference.ci95);
  const shown = `sim ${sim.mean.toFixed(4)} ± ${sim.ci95!.toFixed(4)} vs reference ${reference.mean.toFixed(4)} ± ${reference.ci95.toFixed(4)}`;
  expect(Math.abs(sim.mean - reference.mean), `${label}: ${shown}`).toBeLessThanOrEqual(tol);
  expect(tol, `${label}: ${shown}: too loose to catch a 10% error`).toBeLessThan(0.1 * reference.mean);
}

/**
 * The same rule written again, as small as it can be: an M/M/3 whose server 0 belongs to
 * payments and servers 1-2 to web, borrowing on. An arrival takes an idle server of its own part,
 * else any idle server (shared ones first), else waits in its part's fifo queue; a freed server
 * takes its own part's oldest, else the other part's oldest, else idles. Its own random numbers
 * (mulberry32), so it agrees with the engine only in distribution. Waits measured after the
 * warm-up, averaged per replication; returns the mean over replications and its 95% half-width.
 */
function referenceWaits(replications: number, seedNumber: number): { payments: Estimate; web: Estimate } {
  const per = { payments: [] as number[], web: [] as number[] };
  for (let r = 0; r < replications; r++) {
    let state = (seedNumber * 7919 + r * 104729) >>> 0;
    const uniform = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    const exp = (mean: number) => -mean * Math.log(uniform());
    const warmup = 500;
    const end = warmup + 20_000;
    const rate = [0.6, 1.2]; // part 0 payments, part 1 web
    const owner = [0, 1, 1]; // the part each server belongs to
    const busyUntil = [Infinity, Infinity, Infinity]; // Infinity: idle
    const nextArrival = [exp(1 / rate[0]), exp(1 / rate[1])];
    const queue: number[][] = [[], []]; // arrival times waiting, per part
    const sum = [0, 0];
    const n = [0, 0];
    const start = (server: number, arrived: number, part: number, now: number) => {
      busyUntil[server] = now + exp(1);
      if (arrived >= warmup) {
        sum[part] += now - arrived;
        n[part]++;
      }
    };
    for (;;) {
      // The next event: a completion before an arrival at the same time, as the engine orders them.
      let server = -1;
      for (let s = 0; s < 3; s++) if (busyUntil[s] !== Infinity && (server < 0 || busyUntil[s] < busyUntil[server])) server = s;
      const part = nextArrival[0] <= nextArrival[1] ? 0 : 1;
      const tc = server >= 0 ? busyUntil[server] : Infinity;
      const now = Math.min(tc, nextArrival[part]);
      if (now > end) break;
      if (tc <= nextArrival[part]) {
        const own = owner[server];
        const other = 1 - own;
        busyUntil[server] = Infinity;
        if (queue[own].length > 0) start(server, queue[own].shift()!, own, now);
        else if (queue[other].length > 0) start(server, queue[other].shift()!, other, now);
      } else {
        nextArrival[part] = now + exp(1 / rate[part]);
        const idle = [0, 1, 2].filter((s) => busyUntil[s] === Infinity);
        const mine = idle.find((s) => owner[s] === part);
        const any = idle.find((s) => owner[s] === 1) ?? idle[0];
        if (mine !== undefined) start(mine, now, part, now);
        else if (any !== undefined) start(any, now, part, now);
        else queue[part].push(now);
      }
    }
    per.payments.push(sum[0] / n[0]);
    per.web.push(sum[1] / n[1]);
  }
  const estimate = (xs: number[]): Estimate => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    return { mean, ci95: 2.093 * Math.sqrt(variance / xs.length) }; // t(0.975, 19)
  };
  expect(replications).toBe(20); // the t quantile above is for 19 degrees of freedom
  return { payments: estimate(per.payments), web: estimate(per.web) };
}
