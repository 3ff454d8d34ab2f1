/**
 * Student's t two-sided p-value, P(|T| >= t) with `df` degrees of freedom, as the regularized
 * incomplete beta I_x(df/2, 1/2) at x = df / (df + t^2) (Abramowitz & Stegun 26.7.1), evaluated by
 * its continued fraction (modified Lentz; Numerical Recipes, 3rd ed., 6.4) with a Lanczos log-gamma.
 *
 * Why not @stdlib's t CDF (which the tests use as the oracle): loading it means loading some fifty
 * modules, ~90 ms on the critical path of every comparison, against a few microseconds of work.
 */
export function studentTwoSidedP(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  const r = (t * t) / df;
  if (r === Infinity) return 0;
  if (r === 0) return 1;
  // x = df / (df + t^2) and 1 - x, each without the other's rounding: x rounds to 1 when t is
  // small against df, and 1 - x would then lose every digit of a p near 1.
  return Math.min(1, Math.max(0, incompleteBeta(df / 2, 0.5, 1 / (1 + r), r / (1 + r))));
}

/** The regularized incomplete beta function I_x(a, b), 0 <= x <= 1, with y = 1 - x (given when the
 * caller has it more exactly than 1 - x). NaN if the continued fraction does not converge. */
export function incompleteBeta(a: number, b: number, x: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(y));
  // The fraction converges fast on the side of the mean a / (a + b); the other side by symmetry.
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, y)) / b;
}

const TINY = 1e-300;

function betaFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) return h;
  }
  return NaN; // not converged (the figures here need a few dozen terms)
}

// Lanczos (g = 7, 9 terms): relative error near 1e-15 for x > 0.
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
