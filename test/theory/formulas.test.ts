import { describe, expect, it } from "vitest";
import {
  cobhamWq,
  erlangC,
  jackson,
  maxOfExponentialsMean,
  maxOfExponentialsQuantile,
  mm1SojournQuantile,
  mmc,
  mmcWq,
  moments,
  nearestRankQuantile,
  pkWq,
  scheduledGateWait,
  sizeGateWait,
} from "./formulas.js";

// The formulas the theory suite trusts, checked against closed forms and hand-worked examples
// before they are used to judge the simulator.

/** Erlang C by its textbook definition, summed in log space (the oracle for the recursion). */
function erlangCBySum(c: number, a: number): number {
  const logTerm = (k: number) => k * Math.log(a) - lgammaInt(k + 1);
  const last = logTerm(c) + Math.log(c / (c - a));
  const terms = [...Array.from({ length: c }, (_, k) => logTerm(k)), last];
  const top = Math.max(...terms);
  const sum = terms.reduce((acc, t) => acc + Math.exp(t - top), 0);
  return Math.exp(last - top) / sum;
}
function lgammaInt(n: number): number {
  let s = 0;
  for (let k = 2; k < n; k++) s += Math.log(k);
  return s;
}

describe("erlangC", () => {
  it("is rho for one server", () => {
    for (const rho of [0.1, 0.5, 0.8, 0.95]) expect(erlangC(1, rho)).toBeCloseTo(rho, 14);
  });

  it("is 2 rho^2 / (1 + rho) for two servers (the bench model: lambda 9, mu 5)", () => {
    expect(erlangC(2, 9 / 5)).toBeCloseTo((2 * 0.9 ** 2) / 1.9, 14);
    expect(erlangC(2, 9 / 5)).toBeCloseTo(0.8526315789473684, 14);
  });

  it("is 4/9 for three servers at 2 erlangs (by hand: P0 = 1/9, C = P0 a^3/3! / (1 - rho))", () => {
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 14);
  });

  it("matches the textbook sum for many servers, where factorials overflow", () => {
    for (const [c, a] of [
      [5, 3.5],
      [8, 7.6],
      [50, 45],
      [200, 190],
    ]) {
      expect(erlangC(c, a)).toBeCloseTo(erlangCBySum(c, a), 12);
    }
  });

  it("refuses an unstable queue and a fractional number of servers", () => {
    expect(() => erlangC(2, 2)).toThrow("erlangC: the queue is unstable (rho = 1); the formula needs rho < 1");
    expect(() => erlangC(1.5, 1)).toThrow("erlangC: c must be a whole number >= 1 (got 1.5)");
  });
});

describe("mmcWq and mmc", () => {
  it("gives M/M/1 as rho / (mu - lambda)", () => {
    expect(mmcWq(0.8, 1, 1)).toBeCloseTo(4, 12);
    expect(mmcWq(0.5, 1, 1)).toBeCloseTo(1, 12);
  });

  it("gives the bench M/M/2 (lambda 9, mu 5) Wq = C / (c mu - lambda) = 0.8526", () => {
    expect(mmcWq(9, 5, 2)).toBeCloseTo(0.8526315789473684, 12);
  });

  it("fills W, Lq and L by Little's law", () => {
    const q = mmc(2, 1, 3);
    expect(q.wq).toBeCloseTo(4 / 9, 12);
    expect(q.w).toBeCloseTo(4 / 9 + 1, 12);
    expect(q.lq).toBeCloseTo(8 / 9, 12); // Lq = P0 a^c rho / (c! (1 - rho)^2) = 8/9 by hand
    expect(q.l).toBeCloseTo(8 / 9 + 2, 12);
    expect(q.rho).toBeCloseTo(2 / 3, 14);
  });
});

describe("mm1SojournQuantile", () => {
  it("is the exponential quantile of rate mu - lambda", () => {
    expect(mm1SojournQuantile(0.5, 0.8, 1)).toBeCloseTo(5 * Math.LN2, 12);
    expect(mm1SojournQuantile(0.95, 0.8, 1)).toBeCloseTo(5 * Math.log(20), 12);
  });
});

describe("moments", () => {
  it("gives mean and variance from each distribution's definition", () => {
    expect(moments({ dist: "fixed", value: 2 })).toEqual({ mean: 2, variance: 0 });
    expect(moments({ dist: "exponential", mean: 2 })).toEqual({ mean: 2, variance: 4 });
    expect(moments({ dist: "uniform", min: 0, max: 2 })).toEqual({ mean: 1, variance: 4 / 12 });
    expect(moments({ dist: "gamma", mean: 2, cv: 0.5 })).toEqual({ mean: 2, variance: 1 });
    expect(moments({ dist: "lognormal", mean: 1, cv: 1.5 })).toEqual({ mean: 1, variance: 2.25 });
  });
});

describe("pkWq", () => {
  it("reduces to M/M/1 for exponential service", () => {
    expect(pkWq(0.8, 1, 1)).toBeCloseTo(mmcWq(0.8, 1, 1), 12);
  });

  it("halves the M/M/1 wait for deterministic service (M/D/1: rho / (2 mu (1 - rho)))", () => {
    expect(pkWq(0.8, 1, 0)).toBeCloseTo(2, 12);
    expect(pkWq(0.5, 1, 0)).toBeCloseTo(0.5, 12);
  });

  it("grows with the square of the service cv: Wq = rho (1 + cv^2) / (2 mu (1 - rho))", () => {
    expect(pkWq(0.7, 1, 2.25)).toBeCloseTo((0.7 * 3.25) / 0.6, 12);
  });
});

describe("cobhamWq", () => {
  it("is Pollaczek-Khinchine for a single class", () => {
    expect(cobhamWq([{ lambda: 0.8, meanS: 1, varianceS: 0.25 }])[0]).toBeCloseTo(pkWq(0.8, 1, 0.25), 12);
  });

  it("gives the two-class M/M/1 by hand: W0 = 0.8, Wq = W0/0.7 and W0/(0.7 x 0.2)", () => {
    const [high, low] = cobhamWq([
      { lambda: 0.3, meanS: 1, varianceS: 1 },
      { lambda: 0.5, meanS: 1, varianceS: 1 },
    ]);
    expect(high).toBeCloseTo(0.8 / 0.7, 12);
    expect(low).toBeCloseTo(0.8 / (0.7 * 0.2), 12);
  });

  it("keeps Kleinrock's conservation law: with equal service, the mean wait over classes is FIFO's", () => {
    const classes = [
      { lambda: 0.2, meanS: 1, varianceS: 0.5 },
      { lambda: 0.3, meanS: 1, varianceS: 0.5 },
      { lambda: 0.25, meanS: 1, varianceS: 0.5 },
    ];
    const wq = cobhamWq(classes);
    const mean = classes.reduce((acc, k, i) => acc + k.lambda * wq[i], 0) / 0.75;
    expect(mean).toBeCloseTo(pkWq(0.75, 1, 0.5), 12);
  });
});

describe("jackson", () => {
  it("is a sum of M/M/1 sojourns for a tandem line", () => {
    const net = jackson(
      [
        { servers: 1, meanS: 0.5 },
        { servers: 1, meanS: 0.25 },
      ],
      [1, 0],
      [
        [0, 1],
        [0, 0],
      ],
    );
    expect(net.leadTime).toBeCloseTo(1 / (2 - 1) + 1 / (4 - 1), 12);
  });

  it("gives a station with Bernoulli feedback p its flow lambda / (1 - p)", () => {
    const net = jackson([{ servers: 1, meanS: 1 }], [0.5], [[0.25]]);
    expect(net.stations[0].lambda).toBeCloseTo(0.5 / 0.75, 12);
    // Number in system is M/M/1 at rho = 2/3: L = 2, so W = L / lambda = 4.
    expect(net.leadTime).toBeCloseTo(4, 12);
  });

  it("solves the rework loop S1 -> S2 -> S3, 20% from S3 back to S2", () => {
    const net = jackson(
      [
        { servers: 1, meanS: 1 },
        { servers: 3, meanS: 2.4 },
        { servers: 2, meanS: 1.6 },
      ],
      [0.8, 0, 0],
      [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0.2, 0],
      ],
    );
    expect(net.stations.map((s) => s.lambda)).toEqual([0.8, 1, 1].map((x) => expect.closeTo(x, 12)));
    expect(net.stations.map((s) => s.visits)).toEqual([1, 1.25, 1.25].map((x) => expect.closeTo(x, 12)));
    expect(net.stations.map((s) => s.rho)).toEqual([0.8, 0.8, 0.8].map((x) => expect.closeTo(x, 12)));
    expect(net.leadTime).toBeCloseTo(5 + 1.25 * (mmc(1, 1 / 2.4, 3).w + mmc(1, 1 / 1.6, 2).w), 12);
  });
});

describe("fork and join of exponentials", () => {
  it("gives 1.5 / m for equal rates and 1/m1 + 1/m2 - 1/(m1 + m2) otherwise", () => {
    expect(maxOfExponentialsMean(2, 2)).toBeCloseTo(0.75, 14);
    expect(maxOfExponentialsMean(1, 0.5)).toBeCloseTo(3 - 1 / 1.5, 14);
  });

  it("inverts the distribution of the max: (1 - e^-t)^2 = 1/4 at t = ln 2", () => {
    expect(maxOfExponentialsQuantile(0.25, 1, 1)).toBeCloseTo(Math.LN2, 10);
    const t = maxOfExponentialsQuantile(0.95, 1, 0.5);
    expect((1 - Math.exp(-t)) * (1 - Math.exp(-0.5 * t))).toBeCloseTo(0.95, 10);
  });
});

describe("gates", () => {
  it("waits half the period at a scheduled gate and (size - 1) / (2 lambda) at a size gate", () => {
    expect(scheduledGateWait(7)).toBe(3.5);
    expect(sizeGateWait(5, 2)).toBe(1);
    expect(sizeGateWait(1, 2)).toBe(0);
  });
});

describe("nearestRankQuantile", () => {
  it("takes the value at rank floor(p (n - 1)) of the sorted list", () => {
    const xs = [8.5, 5.5, 6.5, 7.5, 5.5, 6.5, 7.5, 8.5, 5.5, 6.5, 7.5, 5.5, 6.5, 7.5];
    expect(nearestRankQuantile(xs, 0.5)).toBe(6.5);
    expect(nearestRankQuantile(xs, 0.85)).toBe(7.5);
    expect(nearestRankQuantile(xs, 0.95)).toBe(8.5);
  });
});
