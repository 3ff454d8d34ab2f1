/**
 * Queueing theory the simulator is checked against: exact results only, pure functions, no
 * import from src/ (a test that borrowed the engine's own arithmetic could not catch it out).
 * Rates are per time unit, times in time units. Each formula cites its source in one line.
 */

/** Offered load a = lambda / mu in erlangs, over c servers: rho = a / c must be < 1. */
function checkStable(what: string, rho: number): void {
  if (!(rho < 1)) throw new RangeError(`${what}: the queue is unstable (rho = ${rho}); the formula needs rho < 1`);
}

/**
 * Erlang C: the probability that an arrival to an M/M/c queue waits, for offered load a (erlangs).
 * Computed from the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), then
 * C = c B / (c - a (1 - B)) (Kleinrock, Queueing Systems vol. 1, 1975, eqs. 3.39-3.40), which is
 * stable for any c where the textbook sum of a^k / k! overflows.
 */
export function erlangC(c: number, a: number): number {
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`erlangC: c must be a whole number >= 1 (got ${c})`);
  checkStable("erlangC", a / c);
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/** Mean wait in queue of M/M/c: Wq = C(c, a) / (c mu - lambda). M/M/1: rho / (mu - lambda). */
export function mmcWq(lambda: number, mu: number, c: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}

/** The figures of an M/M/c queue in steady state (Little's law gives L and Lq from W and Wq). */
export function mmc(lambda: number, mu: number, c: number) {
  const wq = mmcWq(lambda, mu, c);
  const w = wq + 1 / mu;
  return { rho: lambda / (c * mu), wq, w, lq: lambda * wq, l: lambda * w };
}

/** The p-quantile of the M/M/1 FIFO sojourn time, which is exponential with rate mu - lambda. */
export function mm1SojournQuantile(p: number, lambda: number, mu: number): number {
  checkStable("mm1SojournQuantile", lambda / mu);
  return -Math.log(1 - p) / (mu - lambda);
}

/** A service-time distribution as the model format writes it, reduced to its first two moments. */
export type ServiceSpec =
  | { dist: "fixed"; value: number }
  | { dist: "exponential"; mean: number }
  | { dist: "uniform"; min: number; max: number }
  | { dist: "gamma" | "lognormal"; mean: number; cv: number };

/** Mean and variance of a service distribution, from its definition (not from src/). */
export function moments(d: ServiceSpec): { mean: number; variance: number } {
  switch (d.dist) {
    case "fixed":
      return { mean: d.value, variance: 0 };
    case "exponential":
      return { mean: d.mean, variance: d.mean * d.mean };
    case "uniform":
      return { mean: (d.min + d.max) / 2, variance: (d.max - d.min) ** 2 / 12 };
    case "gamma":
    case "lognormal":
      // Both are parameterised by mean and coefficient of variation: sd = cv * mean.
      return { mean: d.mean, variance: (d.cv * d.mean) ** 2 };
  }
}

/**
 * Pollaczek-Khinchine mean wait in queue of M/G/1: Wq = lambda E[S^2] / (2 (1 - rho)), with
 * E[S^2] = Var S + E[S]^2 (Kleinrock vol. 1, eq. 5.105).
 */
export function pkWq(lambda: number, meanS: number, varianceS: number): number {
  const rho = lambda * meanS;
  checkStable("pkWq", rho);
  return (lambda * (varianceS + meanS * meanS)) / (2 * (1 - rho));
}

/**
 * Non-preemptive priority M/G/1 (Cobham 1954; Kleinrock vol. 2, 1976, eq. 3.30): classes in
 * order of priority, highest first; W_q,k = W0 / ((1 - sigma_{k-1}) (1 - sigma_k)) with
 * sigma_k = rho_1 + ... + rho_k and W0 = sum_i lambda_i E[S_i^2] / 2, the mean residual work
 * an arrival finds in service. Returns W_q per class, in the order given.
 */
export function cobhamWq(classes: { lambda: number; meanS: number; varianceS: number }[]): number[] {
  const w0 = classes.reduce((acc, k) => acc + (k.lambda * (k.varianceS + k.meanS * k.meanS)) / 2, 0);
  let sigma = 0;
  return classes.map((k) => {
    const before = sigma;
    sigma += k.lambda * k.meanS;
    checkStable("cobhamWq", sigma);
    return w0 / ((1 - before) * (1 - sigma));
  });
}

/** One station of an open Jackson network: c exponential servers of mean service time meanS. */
export interface JacksonStation {
  servers: number;
  meanS: number;
}

/**
 * Open Jackson network (Jackson 1957): solve the traffic equations lambda = gamma + lambda P for
 * the flow into each station (external arrivals gamma, routing P[i][j] = probability of going
 * from i to j), then each station is an M/M/c queue at its own flow. Per item: visits v_i =
 * lambda_i / sum(gamma), and by Little's law the mean lead time is sum_i v_i W_i.
 */
export function jackson(stations: JacksonStation[], gamma: number[], routing: number[][]) {
  const n = stations.length;
  // (I - P^T) lambda = gamma, by Gaussian elimination with partial pivoting.
  const a = Array.from({ length: n }, (_, i) => [...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - routing[j][i]), gamma[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let k = col; k <= n; k++) a[r][k] -= f * a[col][k];
    }
  }
  const lambda = a.map((row, i) => row[n] / row[i]);
  const total = gamma.reduce((x, y) => x + y, 0);
  const perStation = stations.map((s, i) => ({ lambda: lambda[i], visits: lambda[i] / total, ...mmc(lambda[i], 1 / s.meanS, s.servers) }));
  const leadTime = perStation.reduce((acc, s) => acc + s.visits * s.w, 0);
  return { stations: perStation, leadTime };
}

/**
 * Fork and join of two independent exponential branches of rates m1 and m2 with no queueing:
 * the item leaves with the later branch, E[max(X1, X2)] = 1/m1 + 1/m2 - 1/(m1 + m2).
 */
export function maxOfExponentialsMean(m1: number, m2: number): number {
  return 1 / m1 + 1 / m2 - 1 / (m1 + m2);
}

/** The p-quantile of max(X1, X2): solves (1 - e^{-m1 t}) (1 - e^{-m2 t}) = p by bisection. */
export function maxOfExponentialsQuantile(p: number, m1: number, m2: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`maxOfExponentialsQuantile: p must be in (0, 1) (got ${p})`);
  const cdf = (t: number) => (1 - Math.exp(-m1 * t)) * (1 - Math.exp(-m2 * t));
  let lo = 0;
  let hi = 1 / Math.min(m1, m2);
  while (cdf(hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A scheduled gate opening every T with Poisson arrivals: arrival times are uniform over the
 * cycle, so the mean wait for the next opening is T / 2 (whatever the offset).
 */
export function scheduledGateWait(every: number): number {
  return every / 2;
}

/**
 * A size gate releasing every `size` arrivals of a Poisson stream of rate lambda: the j-th item
 * of a batch (j = 1..size) waits for size - j more arrivals, (size - j) / lambda on average;
 * averaged over the batch, (size - 1) / (2 lambda).
 */
export function sizeGateWait(size: number, lambda: number): number {
  return (size - 1) / (2 * lambda);
}

/** The lower nearest-rank quantile of a list (the definition the sketch in src/stats/ approximates). */
export function nearestRankQuantile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(p * (sorted.length - 1))];
}
