import { standardExponential } from "./exponential.js";
import type { RandomStream } from "./random.js";

/**
 * A standard normal draw by the ziggurat method (Marsaglia & Tsang 2000, "The Ziggurat Method for
 * Generating Random Variables", J. Stat. Softw. 5(8)), 256 layers of equal area under
 * f(x) = exp(-x^2 / 2), with Doornik's (2005, "An Improved Ziggurat Method to Generate Normal
 * Random Samples") remedy: the layer and the value come from different random bits, so the value's
 * low bits do not name its layer.
 *
 * PERF: 98.5% of attempts are two integer outputs, one multiply and one compare, in a function
 * small enough for V8 to inline; the rest go through outsideInner() (a separate function: 10.5 ->
 * 9.7 ns a draw). Box-Muller needed a logarithm, a square root and a cosine (Math.cos is a call into
 * C): 44 -> 9 ns a draw, lognormal and gamma 1.4-1.6x faster (bench/variates.mjs, 41 rounds side by
 * side in one process); the example model about +4-7% events/s (bench/COSTS.md, "Faster variates").
 *
 * Stream consumption, per attempt: two outputs (the value, then the layer); an attempt that falls
 * in a wedge (1.5% of attempts) takes a third for the height under the curve, and one in the base
 * strip beyond R (0.026%) two per attempt of the tail method. A rejected attempt (0.67%) starts
 * over: 2.029 outputs per draw on average (test/engine/distributions.test.ts). Unlike Box-Muller it
 * is not a fixed number of outputs per draw, but it is one fixed function of the stream: same seed,
 * same numbers. It is not an inversion either, so two scenarios that change a lognormal's cv do not
 * pair draws by quantile (neither did Box-Muller).
 */
export function standardNormal(rng: RandomStream): number {
  const j = rng.nextInt32();
  const i = rng.nextInt32() & 255;
  // (j + 0.5) / 2^31 is uniform on a set symmetric about 0 that excludes 0 and +-1.
  const x = (j + 0.5) * W[i];
  if (Math.abs(x) < X[i + 1]) return x;
  return outsideInner(rng, i, x);
}

/** The 1.5% of attempts outside their layer's inner rectangle: the tail, a wedge, new attempts. */
function outsideInner(rng: RandomStream, i: number, x: number): number {
  for (;;) {
    if (i === 0) return x < 0 ? -normalTail(rng) : normalTail(rng);
    if (F[i] + rng.next() * (F[i + 1] - F[i]) < Math.exp(-0.5 * x * x)) return x;
    const j = rng.nextInt32();
    i = rng.nextInt32() & 255;
    x = (j + 0.5) * W[i];
    if (Math.abs(x) < X[i + 1]) return x;
  }
}

/**
 * A draw of |Z| given |Z| > R (Marsaglia 1964): a = E1 / R, accepted when 2 E2 >= a^2; returns R + a.
 * The exponentials come from the table logarithm (exponential.ts), so the tail is exact and uses
 * no Math.log. Exported for its own distribution test: it runs too rarely to test through
 * standardNormal.
 */
export function normalTail(rng: RandomStream): number {
  for (;;) {
    const a = standardExponential(rng.nextInt32()) * INV_R;
    const b = standardExponential(rng.nextInt32());
    if (b + b >= a * a) return R + a;
  }
}

/**
 * The ziggurat's base: the right edge of the lowest rectangle, and each layer's area (the base's
 * includes the tail): R solved with mpmath at 40 digits so that the 256th layer closes at x = 0,
 * V = R f(R) + the tail's area.
 */
export const R = 3.654152885361009;
export const V = 0.004928673233974655;
const INV_R = 1 / R;

/**
 * Layer i (0..255) spans heights F[i]..F[i + 1] and x in [0, X[i]); its inner rectangle, always
 * under the curve, is x < X[i + 1]. X[0] = V / f(R) is the base's pseudo-width (the base
 * rectangle plus the tail, as one strip of area V), X[1] = R, X[256] = 0. W[i] = X[i] / 2^31 turns
 * a signed 32-bit integer into a position in the layer with one multiply.
 */
export const X = new Float64Array(257);
export const F = new Float64Array(257);
const W = new Float64Array(256);
{
  const f = (x: number) => Math.exp(-0.5 * x * x);
  X[0] = V / f(R);
  X[1] = R;
  for (let i = 1; i < 255; i++) X[i + 1] = Math.sqrt(-2 * Math.log(V / X[i] + f(X[i])));
  X[256] = 0;
  for (let i = 0; i <= 256; i++) F[i] = f(X[i]);
  F[0] = 0;
  for (let i = 0; i < 256; i++) W[i] = X[i] * 2 ** -31;
}
