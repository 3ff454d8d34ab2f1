/**
 * Streaming quantiles with a guaranteed relative error, in memory fixed by the range of values
 * rather than their number: log-spaced buckets as in DDSketch (Masson, Rim & Lee, VLDB 2019).
 * A value x > 0 falls in bucket ceil(log_gamma x), gamma = (1 + alpha) / (1 - alpha), and the
 * bucket's representative 2 gamma^i / (gamma + 1) is within alpha of every value in it.
 *
 * Estimates are clamped to the observed [min, max], so a constant input is reported exactly, and
 * the 1-quantile is the maximum.
 * Values <= 0 (a lead time of zero in a model of pure delays set to 0) are counted apart, and
 * +Infinity is counted but held in no bucket: the ranks above the buckets' are the maximum.
 */
/** A sketch as plain data (see QuantileSketch.state). */
export interface SketchState {
  alpha: number;
  /** Bucket index of counts[0]. */
  offset: number;
  counts: Float64Array;
  zeros: number;
  count: number;
  min: number;
  max: number;
}

/**
 * The relative accuracy the run's lead-time sketches keep: 0.1%. Buckets 0.2% wide, so a change
 * in a percentile between two futures shows in steps of about 0.2%, below the precision printed,
 * where 0.5% showed the same -1.98% (two 1% buckets) on several streams at once.
 */
export const SKETCH_ALPHA = 0.001;

export class QuantileSketch {
  readonly alpha: number;
  private readonly logGamma: number;
  private readonly invLogGamma: number;
  private counts: Float64Array = new Float64Array(64);
  private offset = 0; // bucket index of counts[0]
  private used = false;
  private zeros = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(alpha = SKETCH_ALPHA) {
    this.alpha = alpha;
    this.logGamma = Math.log((1 + alpha) / (1 - alpha));
    this.invLogGamma = 1 / this.logGamma;
  }

  add(x: number): void {
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (!(x > 0)) {
      this.zeros++;
      return;
    }
    if (x === Infinity) return; // above every bucket: the ranks past the buckets' are the maximum
    this.bump(Math.ceil(Math.log(x) / this.logGamma));
  }

  /**
   * Add values[from], ..., values[from + n - 1]: the same as add() on each, faster.
   * PERF: the bucket index is computed without Math.log (see GUARD below): 14 -> 9.5 ns a value
   * in a microbenchmark; bench/peers child.mjs, M/M/2: +2-3%. Then a chord instead of a 4-term
   * series, and the bounds check against a local: 7.5 -> 4.9 ns (medians, 2^20 lognormal values
   * in batches of 512; the same loop with a trivial index takes 3.1); M/M/2 ~1.5%, within noise.
   */
  addMany(values: Float64Array, from: number, n: number): void {
    let min = this.min;
    let max = this.max;
    let counts = this.counts;
    let offset = this.offset;
    // 0 until the first bucket sets offset, so that the first value goes through bump().
    let size = this.used ? counts.length : 0;
    const invLogGamma = this.invLogGamma;
    const guard = GUARD * invLogGamma; // GUARD in units of buckets
    const end = from + n;
    for (let k = from; k < end; k++) {
      const x = values[k];
      if (x < min) min = x;
      if (x > max) max = x;
      if (!(x > 0)) {
        this.zeros++;
        continue;
      }
      // ceil(ln(x) / ln(gamma)) as Math.log would give it; see GUARD below for why it is exact.
      BITS[0] = x;
      const hi = WORDS[HI];
      const slot = (hi >>> 12) & 255; // and hi >>> 20 is the biased exponent: x > 0, no sign bit
      const a = (LN_2E[hi >>> 20] + LN_F[slot] + SLOPE[slot] * (hi & 4095)) * invLogGamma;
      let i = Math.ceil(a);
      // Within guard of a bucket boundary, or NaN (subnormal or infinite x): ask Math.log.
      if (!(Math.abs(i - a - 0.5) < 0.5 - guard)) {
        if (x === Infinity) continue; // as in add()
        i = Math.ceil(Math.log(x) / this.logGamma);
      }
      const j = i - offset;
      if (j >= 0 && j < size) counts[j]++;
      else {
        this.bump(i);
        counts = this.counts;
        offset = this.offset;
        size = counts.length;
      }
    }
    this.count += n;
    this.min = min;
    this.max = max;
  }

  /** The q-quantile (0 <= q <= 1) by the lower nearest rank; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.floor(q * (this.count - 1));
    if (rank < this.zeros) return Math.max(this.min, Math.min(0, this.max));
    if (rank === this.count - 1) return this.max; // the top rank is the maximum, kept exactly
    let seen = this.zeros;
    const g = Math.exp(this.logGamma);
    for (let j = 0; j < this.counts.length; j++) {
      seen += this.counts[j];
      if (seen > rank) {
        const value = (2 * Math.pow(g, j + this.offset)) / (g + 1);
        return Math.min(this.max, Math.max(this.min, value));
      }
    }
    return this.max;
  }

  /**
   * The sketch as plain data, to cross to the main thread: the used buckets only. Sketches of the
   * same alpha merge exactly (bucket counts add), so a quantile of the pooled items of every
   * replication is the quantile of one sketch fed all of them, in any order.
   */
  state(): SketchState {
    let lo = 0;
    let hi = this.used ? this.counts.length : 0;
    while (lo < hi && this.counts[lo] === 0) lo++;
    while (hi > lo && this.counts[hi - 1] === 0) hi--;
    return { alpha: this.alpha, offset: this.offset + lo, counts: this.counts.slice(lo, hi), zeros: this.zeros, count: this.count, min: this.min, max: this.max };
  }

  /** Add every value another sketch (of the same alpha) has seen. */
  merge(other: SketchState): void {
    if (other.alpha !== this.alpha) throw new RangeError(`QuantileSketch.merge: alpha ${other.alpha} differs from ${this.alpha}`);
    this.count += other.count;
    this.zeros += other.zeros;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    const n = other.counts.length;
    if (n === 0) return;
    // Make room for both ends first, then add counts in place.
    this.bump(other.offset);
    this.counts[other.offset - this.offset]--;
    if (n > 1) {
      this.bump(other.offset + n - 1);
      this.counts[other.offset + n - 1 - this.offset]--;
    }
    const at = other.offset - this.offset;
    for (let j = 0; j < n; j++) this.counts[at + j] += other.counts[j];
  }

  /** The bucket a value x > 0 falls in (the one add() counts it in). */
  bucketOf(x: number): number {
    return Math.ceil(Math.log(x) / this.logGamma);
  }

  /** Share of the values at or below x (buckets' representatives against x); NaN when empty. */
  cdf(x: number): number {
    if (this.count === 0) return NaN;
    if (x < this.min) return 0;
    if (x >= this.max) return 1;
    let seen = this.zeros;
    if (x <= 0) return seen / this.count;
    const g = Math.exp(this.logGamma);
    for (let j = 0; j < this.counts.length; j++) {
      if ((2 * Math.pow(g, j + this.offset)) / (g + 1) > x) break;
      seen += this.counts[j];
    }
    return seen / this.count;
  }

  /** Count one value in bucket i. */
  private bump(i: number): void {
    if (!this.used) {
      this.used = true;
      this.offset = i - (this.counts.length >> 1);
    }
    let j = i - this.offset;
    if (j < 0 || j >= this.counts.length) j = this.fit(i);
    this.counts[j]++;
  }

  /** Grow the bucket array to cover bucket index i; returns its slot. */
  private fit(i: number): number {
    const lo = Math.min(this.offset, i);
    const hi = Math.max(this.offset + this.counts.length - 1, i);
    const size = Math.max(this.counts.length * 2, hi - lo + 1 + 16);
    const next = new Float64Array(size);
    // Keep some room on the side that grew, so alternating extremes do not copy each time.
    const newOffset = i < this.offset ? lo - (size - (hi - lo + 1)) : lo;
    next.set(this.counts, this.offset - newOffset);
    this.counts = next;
    this.offset = newOffset;
    return i - newOffset;
  }
}

// addMany()'s bucket index: ceil(ln(x) / ln(gamma)) without Math.log, exactly as Math.log gives it.
//
// x = 2^e (1 + f), f in [0, 1). The high word of x holds e and the top 20 bits of f: a slot k
// (8 bits) and t (12 bits), so f = k/256 + t/2^20 + d with 0 <= d < 2^-20. ln(1 + f) is taken
// from the chord of ln(1 + f) across the slot, evaluated at k/256 + t/2^20. ln(1 + f) is concave
// with |second derivative| <= 1, so the chord lies below it by at most h^2/8 = 2^-19 (h = 2^-8),
// and dropping d loses at most 2^-20 more (the slope is <= 1): the estimate L of ln(x) is below
// it by less than 3 * 2^-20 < 2.9e-6, plus roundings near 1e-13 (|ln x| < 745, a few operations
// at relative 2^-53). Math.log is within 1 ulp (fdlibm) and the division by ln(gamma) rounds at
// relative 2^-53, so A = L / ln(gamma) and Math.log(x) / ln(gamma) differ by less than
// 2.9e-6 / ln(gamma), and their ceilings agree unless A is that close to an integer. addMany()
// asks Math.log whenever A is within GUARD / ln(gamma) of an integer (about 0.4% of values at
// alpha 0.001), so the bucket is always the one Math.log gives: quantiles stay identical to the
// last digit. The margin scales with 1 / ln(gamma), as do A's own roundings, so this holds for
// any alpha. Subnormals (biased exponent 0) and infinities (2047) make L NaN, which fails the test.
const GUARD = 4e-6;
const LN_2E = new Float64Array(2048); // e ln 2 by biased exponent e + 1023; NaN if not normal
for (let b = 0; b < 2048; b++) LN_2E[b] = b === 0 || b === 2047 ? NaN : (b - 1023) * Math.LN2;
const LN_F = new Float64Array(256); // ln(1 + k/256)
const SLOPE = new Float64Array(256); // the chord's slope across slot k, per unit of t (2^-20)
for (let k = 0; k < 256; k++) {
  LN_F[k] = Math.log1p(k / 256);
  SLOPE[k] = ((Math.log1p((k + 1) / 256) - LN_F[k]) * 256) / 1048576;
}
// The bits of a double, through a shared buffer; HI is the index of the high word.
const BITS = new Float64Array(1);
const WORDS = new Int32Array(BITS.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
