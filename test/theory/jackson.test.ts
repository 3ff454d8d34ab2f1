import { describe, expect, it } from "vitest";
import { jackson } from "./formulas.js";
import { compile, runReplication, validateModel } from "../../src/index.js";
import { expectTheory, exponential, run, seed } from "./tolerance.js";

// Open Jackson networks (Jackson 1957): exponential stations with Markov routing, rework loops
// included, behave in steady state as independent M/M/c queues, each at its own flow from the
// traffic equations lambda = gamma + lambda P. Little's law then gives the lead time as the
// visit-weighted sum of the stations' sojourns.

describe("open Jackson network with a rework loop", () => {
  // The bench model B: Poisson rate 4 into S1 (1 server, mean 0.2), S2 (3 servers, mean 0.48),
  // S3 (2 servers, mean 0.32); after S3, 20% go back to S2. Flows 4, 5, 5: rho = 0.8 everywhere.
  // Sizing: each station relaxes within ~1 / (c mu (1 - sqrt rho)^2) <= 18 time units; warm-up
  // 500 is 25+ of them. 20 x 50,000 give ci95 of 1.0-1.5% of each station's Wq (measured).
  it("gives each station its M/M/c wait at its own flow, and the lead time of the whole route", async () => {
    const theory = jackson(
      [
        { servers: 1, meanS: 0.2 },
        { servers: 3, meanS: 0.48 },
        { servers: 2, meanS: 0.32 },
      ],
      [4, 0, 0],
      [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0.2, 0],
      ],
    );
    const horizon = 50_000;
    const doc = await run(
      "jackson",
      {
        warmup: 500,
        horizon,
        stages: {
          S1: { servers: 1, processTime: exponential(0.2) },
          S2: { servers: 3, processTime: exponential(0.48) },
          S3: { servers: 2, processTime: exponential(0.32), rework: { probability: 0.2, to: "S2" } },
        },
        streams: { a: { arrivals: { rate: 4 }, route: ["S1", "S2", "S3"] } },
      },
      20,
      401,
    );
    ["S1", "S2", "S3"].forEach((id, i) => {
      const st = theory.stations[i];
      expectTheory(`${id} Wq`, doc.stages[id].wait, st.wq);
      expectTheory(`${id} Lq`, doc.stages[id].queueLength, st.lq);
      expectTheory(`${id} utilization`, doc.stages[id].utilization!, st.rho);
      // Services started in the window: the station's flow times the window's length.
      expectTheory(`${id} visits`, doc.stages[id].visits, st.lambda * horizon);
    });
    expectTheory("mean lead time", doc.streams.a.leadTime.mean, theory.leadTime);
    expectTheory("WIP", doc.streams.a.wip, theory.stations.reduce((acc, s) => acc + s.l, 0));
  });

  // Rework at a single-stage route sends the item back into the same stage's queue: M/M/1 with
  // Bernoulli feedback, a one-station Jackson network. lambda 0.5, mu 1, p 0.25: flow 2/3, so
  // rho = 2/3, per-visit Wq = rho / (mu - flow) = 2, and W = L / lambda = 2 / 0.5 = 4.
  // Sizing: relaxation ~1 / (1 - sqrt(2/3))^2 = 30; warm-up 1,000. 20 x 100,000 give ci95 of
  // 1.6% of Wq and 1.1% of W (measured).
  it("treats rework at a one-stage route as M/M/1 with Bernoulli feedback", async () => {
    const theory = jackson([{ servers: 1, meanS: 1 }], [0.5], [[0.25]]);
    expect(theory.stations[0].rho).toBeCloseTo(2 / 3, 12);
    const doc = await run(
      "feedback",
      {
        warmup: 1_000,
        horizon: 100_000,
        stages: { test: { servers: 1, processTime: exponential(1), rework: { probability: 0.25 } } },
        streams: { a: { arrivals: { rate: 0.5 }, route: ["test"] } },
      },
      20,
      402,
    );
    expectTheory("per-visit Wq", doc.stages.test.wait, theory.stations[0].wq);
    expectTheory("utilization", doc.stages.test.utilization!, 2 / 3);
    expectTheory("visits", doc.stages.test.visits, theory.stations[0].lambda * 100_000);
    expectTheory("mean lead time", doc.streams.a.leadTime.mean, theory.leadTime);
    expectTheory("WIP", doc.streams.a.wip, theory.stations[0].l);
    // Touch time per item is E[S] times the mean number of visits, 1 / (1 - p).
    expectTheory("flow efficiency", doc.streams.a.flowEfficiency, 1 / 0.75 / theory.leadTime);
  });

  // The mean figures above cannot tell whether reworked work rejoins the queue at its back or its
  // front (for exponential service the number in the system is the same either way), so the
  // trace is checked: at a one-server FIFO stage every service must start with the item that
  // entered the stage earliest, rework re-entries included. rho = 0.9 keeps a queue most of
  // the time, so rework often happens while others wait.
  it("puts reworked work behind the work already waiting", () => {
    const model = validateModel(
      {
        horizon: 2_000,
        stages: { test: { servers: 1, processTime: exponential(0.6), rework: { probability: 0.25 } } },
        streams: { a: { arrivals: { rate: 1.2 }, route: ["test"] } },
      },
      "theory/rework-order.yaml",
    );
    const { trace } = runReplication(compile(model), seed(403), 0, { trace: true });
    const queue: number[] = [];
    let reworkedWhileOthersWaited = 0;
    let starts = 0;
    for (const row of trace!) {
      if (row.what === "enter") queue.push(row.item);
      else if (row.what === "start") {
        expect(row.item, `service start at ${row.time}`).toBe(queue.shift());
        starts++;
      } else if (row.what === "rework" && queue.length > 0) reworkedWhileOthersWaited++;
    }
    expect(starts).toBeGreaterThan(3_000);
    expect(reworkedWhileOthersWaited).toBeGreaterThan(300);
  });
});
