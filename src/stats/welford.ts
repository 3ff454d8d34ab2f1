/**
 * Streaming mean and variance (Welford 1962, as in d3-array's `variance`): one pass, numerically
 * stable, constant memory. Used for figures across replications.
 */
export class Welford {
  count = 0;
  mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
  }

  /** Sample variance (n - 1 in the denominator); null with fewer than two values. */
  variance(): number | null {
    return this.count > 1 ? this.m2 / (this.count - 1) : null;
  }
}
