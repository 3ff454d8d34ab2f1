import { describe, expect, it } from "vitest";
import { standardExponential } from "../../src/engine/exponential.js";
import { RandomStream } from "../../src/engine/random.js";

/** What standardExponential computes, by Math.log: -ln U, U = (x | 1) / 2^32. */
const byMathLog = (x: number) => -Math.log(((x | 1) >>> 0) * 2 ** -32);

describe("standard exponential draw", () => {
  it("is -ln U to within 1e-14, across the whole 32-bit range and at its ends", () => {
    const ends = [0, 1, -1, -2, 2 ** 31 - 1, -(2 ** 31), 0x7fffff, 0x800000, 0xff800000 | 0];
    const rng = RandomStream.derive(1, 0, "exponential-test");
    const xs = [...ends, ...Array.from({ length: 200_000 }, () => rng.nextInt32())];
    let worst = 0;
    for (const x of xs) {
      const e = Math.abs(standardExponential(x) - byMathLog(x));
      if (e > worst) worst = e;
    }
    expect(worst).toBeLessThan(1e-14);
    expect(worst).toBeGreaterThan(0); // the check compares two different computations
  });

  it("is finite and at most 32 ln 2 (U is never 0), and positive (U is never 1)", () => {
    expect(standardExponential(0)).toBeCloseTo(32 * Math.LN2, 12);
    expect(standardExponential(-1)).toBeGreaterThan(0);
    expect(standardExponential(-1)).toBeLessThan(1e-9);
  });

  it("is decreasing in the uniform it inverts (so common random numbers pair by quantile)", () => {
    // Within a table interval the series is monotone; check every interval's edges, where two
    // table rows meet, in every binade.
    let rises = 0;
    for (let z = 0; z < 32; z++) {
      for (let k = 0; k < 256; k++) {
        const edge = Math.floor((2 ** 31 + k * 2 ** 23) / 2 ** z);
        for (let x = edge - 5; x <= edge + 5; x++) {
          if (x < 1 || x + 2 >= 2 ** 32) continue;
          if (standardExponential((x + 2) | 0) > standardExponential(x | 0)) rises++;
        }
      }
    }
    expect(rises).toBe(0);
  });
});
