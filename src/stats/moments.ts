/**
 * Streaming means and co-moments of a vector observed once per replication (the multivariate
 * form of Welford's update; Pébay 2008, "Formulas for robust, one-pass parallel computation of
 * covariances"). A figure that is a function of several per-replication sums (a ratio of two, a
 * difference of two ratios under pairing) needs their covariances for its interval, and these
 * are kept in constant memory whatever the number of replications.
 */
export class Moments {
  count = 0;
  readonly mean: Float64Array;
  /** Sum over replications of (x - mean)(x - mean)', row-major k x k. */
  private readonly c: Float64Array;
  private readonly delta: Float64Array;

  constructor(readonly k: number) {
    this.mean = new Float64Array(k);
    this.c = new Float64Array(k * k);
    this.delta = new Float64Array(k);
  }

  add(x: ArrayLike<number>): void {
    const k = this.k;
    const n = ++this.count;
    for (let i = 0; i < k; i++) {
      this.delta[i] = x[i] - this.mean[i];
      this.mean[i] += this.delta[i] / n;
    }
    // c += delta (x - mean_new)': the exact one-pass update.
    for (let i = 0; i < k; i++) {
      const di = this.delta[i];
      for (let j = 0; j < k; j++) this.c[i * k + j] += di * (x[j] - this.mean[j]);
    }
  }

  /**
   * Sum over replications of (x - a)(x - a)' around a centre a other than the mean (a pooled
   * estimate, for sectioning): C + n (mean - a)(mean - a)'.
   */
  spread(centre?: ArrayLike<number>): Float64Array {
    const k = this.k;
    const out = Float64Array.from(this.c);
    if (!centre) return out;
    for (let i = 0; i < k; i++) {
      const di = this.mean[i] - centre[i];
      for (let j = 0; j < k; j++) out[i * k + j] += this.count * di * (this.mean[j] - centre[j]);
    }
    return out;
  }
}
