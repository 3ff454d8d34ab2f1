/**
 * Streaming quantiles with a guaranteed relative error, in memory fixed by the range of values
 * rather than their number: log-spaced buckets as in DDSketch (Masson, Rim & Lee, VLDB 2019).
 * A value x > 0 falls in bucket ceil(log_gamma x), gamma = (1 + alpha) / (1 - alpha), and the
 * bucket's representative 2 gamma^i / (gamma + 1) is within alpha of every value in it.
 *
 * Estimates are clamped to the observed [min, max], so a constant input is reported exactly, and
 * the 1-quantile is the maximum.
 * Values <= 0 (a lead time of zero in a model of pure delays set to 0) are counted apart.
 */
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

  constructor(alpha = 0.005) {
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
    this.bump(Math.ceil(Math.log(x) / this.logGamma));
  }

  /**
   * Add values[from], ..., values[from + n - 1]: the same as add() on each, faster.
   * PERF: the bucket index is computed without Math.log (see GUARD below): 14 -> 9.5 ns a value
   * in a microbenchmark; bench/peers child.mjs, M/M/2: +2-3%.
   */
  addMany(values: Float64Array, from: number, n: number): void {
    let min = this.min;
    let max = this.max;
    let counts = this.counts;
    let offset = this.offset;
    const invLogGamma = this.invLogGamma;
    for (let k = from; k < from + n; k++) {
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
      const biased = hi >>> 20; // the sign bit is 0: x > 0
      const k8 = (hi >>> 12) & 255;
      // PERF: m = x * 2^-e by a table, not by writing the exponent bits back into BITS: a
      // narrow store read back wide defeats store forwarding (microbenchmark: 22 vs 7 ns).
      const r = x * SCALE[biased] * INV_C[k8] - 1;
      const a = ((biased - 1023) * LN2 + LN_C[k8] + r * (1 - r * (0.5 - r * (1 / 3 - r * 0.25)))) * invLogGamma;
      let i = Math.ceil(a);
      // Too close to a bucket boundary to be sure, or subnormal or infinite: ask Math.log.
      if (!(i - a > GUARD && a - (i - 1) > GUARD) || biased === 0 || biased === 2047) i = Math.ceil(Math.log(x) / this.logGamma);
      const j = i - offset;
      if (this.used && j >= 0 && j < counts.length) counts[j]++;
      else {
        this.bump(i);
        counts = this.counts;
        offset = this.offset;
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
// x = 2^e * m with m in [1, 2) (e from the exponent bits, m = x * 2^-e exactly); ln m = ln c + ln(1 + r) where c is the centre of m's 1/256-wide
// interval and r = m / c - 1, |r| < 2^-9, so four terms of the series leave an error below
// |r|^5 / 5 < 6e-15. With the tables and the roundings, the estimate A of ln(x) / ln(gamma) is
// within 1e-11 of the exact quotient for any finite x; Math.log is within 1 ulp (fdlibm), so
// Math.ceil(Math.log(x) / ln(gamma)) differs from ceil(A) only when A is that close to an
// integer. addMany() asks Math.log whenever A is within GUARD of an integer, so the bucket
// is always the one Math.log gives: quantiles stay identical to the last digit.
const GUARD = 1e-9;
const LN2 = Math.LN2;
const INV_C = new Float64Array(256); // 1 / c
const LN_C = new Float64Array(256); // ln c
for (let k = 0; k < 256; k++) {
  const c = 1 + (k + 0.5) / 256;
  INV_C[k] = 1 / c;
  LN_C[k] = Math.log(c);
}
const SCALE = new Float64Array(2048); // 2^-e by biased exponent e + 1023, for normal numbers
for (let b = 1; b < 2047; b++) SCALE[b] = Math.pow(2, 1023 - b);
// The bits of a double, through a shared buffer; HI is the index of the high word.
const BITS = new Float64Array(1);
const WORDS = new Int32Array(BITS.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

