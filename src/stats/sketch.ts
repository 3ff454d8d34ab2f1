/**
 * Streaming quantiles with a guaranteed relative error, in memory fixed by the range of values
 * rather than their number: log-spaced buckets as in DDSketch (Masson, Rim & Lee, VLDB 2019).
 * A value x > 0 falls in bucket ceil(log_gamma x), gamma = (1 + alpha) / (1 - alpha), and the
 * bucket's representative 2 gamma^i / (gamma + 1) is within alpha of every value in it.
 *
 * Estimates are clamped to the observed [min, max], so a constant input is reported exactly.
 * Values <= 0 (a lead time of zero in a model of pure delays set to 0) are counted apart.
 */
export class QuantileSketch {
  readonly alpha: number;
  private readonly logGamma: number;
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
  }

  add(x: number): void {
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (!(x > 0)) {
      this.zeros++;
      return;
    }
    const i = Math.ceil(Math.log(x) / this.logGamma);
    if (!this.used) {
      this.used = true;
      this.offset = i - (this.counts.length >> 1);
    }
    let j = i - this.offset;
    if (j < 0 || j >= this.counts.length) j = this.fit(i);
    this.counts[j]++;
  }

  /** The q-quantile (0 <= q <= 1) by the lower nearest rank; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.floor(q * (this.count - 1));
    if (rank < this.zeros) return Math.max(this.min, Math.min(0, this.max));
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
