import { type Figure, tCritical95 } from "./interval.js";
import { QuantileSketch, type SketchState } from "./sketch.js";

/**
 * Quantiles of items pooled over replications, with intervals that hold when each replication
 * sees few items.
 *
 * The estimate is the quantile Q of every replication's items at once (their sketches merged).
 * Its interval is Woodruff's (1952), with the replication as the cluster: the share of items at
 * or below Q, F = sum c_r / sum n_r (c_r items of replication r at or below it, n_r all of them),
 * is a ratio of sums over independent replications, so its standard error is the ratio
 * estimator's, whatever the correlation of items within a replication (one busy period makes
 * many items late at once); the interval [q - t se, q + t se] for F is read back through the
 * pooled distribution as an interval for Q. Sectioning (the spread of each replication's own
 * quantile) was tried first and covered the true p95 of an M/M/1 only 78% of the time at 20 items
 * a replication: a 95th percentile of 20 items is too coarse a section (test/theory/pooled.test.ts).
 *
 * c_r depends on Q, which is known only at the end: the sums of c_r, c_r^2 and c_r n_r are kept
 * for every bucket of the sketch, so memory follows the range of values, not the replications.
 * A replication's c_r steps up only at the buckets it has items in, and is its items <= 0 below
 * all of them: so each sum is kept as that constant (`base`) and the steps (`step`, summed up to a
 * bucket when it is read), and a replication adds in time that follows the buckets it has items
 * in, not everyone's range. Every term is a whole number far below 2^53, so the sums are exact and
 * the same in any order.
 */
export class PooledQuantiles {
  readonly pooled = new QuantileSketch();
  replications = 0;
  private lo = 0; // bucket index of slot 0
  // For m = c, c^2, c n: the sum at bucket lo + k is base[m] + step[m][0] + ... + step[m][k].
  private readonly base = [0, 0, 0];
  private step: Float64Array[] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private n1 = 0; // sum of n_r
  private n2 = 0; // sum of n_r^2

  add(s: SketchState): void {
    this.pooled.merge(s);
    this.replications++;
    const n = s.count;
    const z = s.zeros;
    this.n1 += n;
    this.n2 += n * n;
    this.base[0] += z;
    this.base[1] += z * z;
    this.base[2] += z * n;
    if (s.counts.length === 0) return;
    this.cover(s.offset, s.offset + s.counts.length);
    const [s1, s2, s3] = this.step;
    const at = s.offset - this.lo;
    let c = z;
    for (let j = 0; j < s.counts.length; j++) {
      const add = s.counts[j];
      if (add === 0) continue;
      const before = c;
      c += add;
      s1[at + j] += add;
      s2[at + j] += c * c - before * before;
      s3[at + j] += add * n;
    }
  }

  /** Grow the slots to cover buckets [from, to): new slots start at zero, as no replication stepped there. */
  private cover(from: number, to: number): void {
    const size = this.step[0].length;
    if (size === 0) this.lo = from;
    const lo = Math.min(this.lo, from);
    const hi = Math.max(this.lo + size, to);
    if (lo === this.lo && hi === this.lo + size) return;
    // Room to spare on the side that grew, so that a range creeping outwards does not copy each time.
    const spare = size === 0 ? 0 : Math.ceil((hi - lo) / 8);
    const newLo = lo < this.lo ? lo - spare : lo;
    const newSize = hi - newLo + (hi > this.lo + size ? spare : 0);
    const at = this.lo - newLo;
    this.step = this.step.map((old) => {
      const next = new Float64Array(newSize);
      next.set(old, at);
      return next;
    });
    this.lo = newLo;
  }

  /** A copy that goes on by itself. */
  clone(): PooledQuantiles {
    const copy = new PooledQuantiles();
    copy.pooled.merge(this.pooled.state());
    copy.replications = this.replications;
    copy.lo = this.lo;
    copy.base.splice(0, 3, ...this.base);
    copy.step = this.step.map((a) => a.slice());
    copy.n1 = this.n1;
    copy.n2 = this.n2;
    return copy;
  }

  /** The three sums at bucket index b (c_r is then the replication's items at or below the top of bucket b). */
  private sums(b: number): [number, number, number] {
    const last = Math.min(b - this.lo, this.step[0].length - 1);
    const out: [number, number, number] = [this.base[0], this.base[1], this.base[2]];
    for (let m = 0; m < 3; m++) for (let k = 0; k <= last; k++) out[m] += this.step[m][k];
    return out;
  }

  /**
   * The q-quantile of the pooled items, its 95% half-width (half of Woodruff's interval, which
   * need not be symmetric) and the standard error that half-width implies; null and NaN with
   * fewer than two replications.
   */
  estimate(q: number, n: number): { figure: Figure; se: number; df: number } {
    const value = this.pooled.quantile(q);
    const r = this.replications;
    if (r < 2 || !Number.isFinite(value) || this.n1 === 0) return { figure: { mean: value, ci95: null, n }, se: NaN, df: 0 };
    const [c1, c2, c3] = this.sums(countBucket(value));
    const f = c1 / this.n1;
    const nbar = this.n1 / r;
    const ss = Math.max(0, c2 - 2 * f * c3 + f * f * this.n2); // sum of (c_r - f n_r)^2
    const seF = Math.sqrt(ss / (r * (r - 1))) / nbar;
    const t = tCritical95(r - 1);
    const lo = this.pooled.quantile(Math.max(0, q - t * seF));
    const hi = this.pooled.quantile(Math.min(1, q + t * seF));
    const half = (hi - lo) / 2;
    return { figure: { mean: value, ci95: half, n }, se: half / t, df: r - 1 };
  }
}

/** Only for bucketOf: every lead-time sketch has the same buckets (SKETCH_ALPHA). */
const BUCKETS = new QuantileSketch();

/**
 * The bucket whose top bounds Woodruff's count at x, c_r: a replication's items at or below it.
 * Items <= 0 lie below every bucket (-Infinity: only they count); NaN for no x at all.
 */
export function countBucket(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x > 0 ? BUCKETS.bucketOf(x) : -Infinity;
}

/**
 * A replication's items at or below the top of each bucket in `buckets` (ascending, as a stream's
 * quantiles are), in one pass: c_r at several thresholds. A NaN bucket is asked only of a
 * replication with no items: 0.
 */
export function countsAtOrBelow(s: SketchState, buckets: Float64Array): Float64Array {
  const out = new Float64Array(buckets.length);
  let c = s.zeros;
  let j = 0;
  for (let k = 0; k < buckets.length; k++) {
    if (k > 0 && buckets[k] < buckets[k - 1]) {
      // Not ascending (it cannot happen with quantiles of one distribution): count afresh.
      c = s.zeros;
      j = 0;
    }
    const last = Math.min(buckets[k] - s.offset, s.counts.length - 1);
    for (; j <= last; j++) c += s.counts[j];
    out[k] = c;
  }
  return out;
}
