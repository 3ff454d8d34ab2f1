import { describe, expect, it } from "vitest";
import tcdf from "@stdlib/stats-base-dists-t-cdf";
import { incompleteBeta, logGamma, studentTwoSidedP } from "../../src/stats/student.js";

/** Student's t p-values (stats/student.ts) against @stdlib's t CDF, the library they replace. */
describe("Student's t two-sided p-value", () => {
  it("matches @stdlib's t CDF over small and large degrees of freedom and t", () => {
    // df is replications - 1: well below 1e6, past which the log-gammas cancel to ~1e-9 relative.
    for (const df of [1, 2, 3, 4.5, 9, 29, 99, 999, 1e5]) {
      for (const t of [0, 1e-6, 0.01, 0.1, 0.5, 1, 1.96, 2.5, 4, 10, 40, 300, 1e100]) {
        // The lower tail, doubled: no cancellation where p is tiny.
        const expected = Math.min(1, 2 * tcdf(-t, df));
        const got = studentTwoSidedP(t, df);
        expect(Math.abs(got - expected), `t ${t}, df ${df}: ${got} against ${expected}`).toBeLessThanOrEqual(1e-13 + 1e-9 * expected);
      }
    }
  });

  it("is symmetric in t, 1 at 0, 0 at infinity, NaN without degrees of freedom", () => {
    expect(studentTwoSidedP(-2.1, 7)).toBe(studentTwoSidedP(2.1, 7));
    expect(studentTwoSidedP(0, 5)).toBe(1);
    expect(studentTwoSidedP(Infinity, 5)).toBe(0);
    expect(studentTwoSidedP(1e200, 5)).toBe(0); // t^2 overflows: as far out as infinity
    expect(studentTwoSidedP(1, 0)).toBeNaN();
    expect(studentTwoSidedP(NaN, 3)).toBeNaN();
  });

  it("rests on a log-gamma and an incomplete beta that agree with closed forms", () => {
    // Gamma(n) = (n - 1)!, Gamma(1/2) = sqrt(pi); I_x(1, 1) = x; I_x(a, 1) = x^a.
    for (let n = 1; n <= 20; n++) {
      let f = 1;
      for (let k = 2; k < n; k++) f *= k;
      expect(logGamma(n)).toBeCloseTo(Math.log(f), 12);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    for (const x of [0.001, 0.3, 0.5, 0.77, 0.999]) {
      expect(incompleteBeta(1, 1, x)).toBeCloseTo(x, 13);
      expect(incompleteBeta(3.5, 1, x)).toBeCloseTo(x ** 3.5, 13);
    }
  });
});
