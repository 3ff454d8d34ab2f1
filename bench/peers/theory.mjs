// Exact steady-state figures for the two benchmark models, used to check that every peer
// implementation simulates the right thing before its speed means anything.
// M/M/c: Erlang C (Kleinrock, Queueing Systems vol. 1, 1975, sec. 3.5).
// Open networks: Jackson's theorem (Jackson 1957), each station an independent M/M/c at its
// effective arrival rate from the traffic equations; mean lead time = sum of L_i / lambda (Little).

/**
 * Erlang C figures for an M/M/c queue.
 * @param {number} lambda arrival rate
 * @param {number} mu service rate per server
 * @param {number} c servers
 * @returns {{ rho: number, probWait: number, wq: number, w: number, lq: number, l: number }}
 */
export function mmc(lambda, mu, c) {
  const a = lambda / mu;
  const rho = a / c;
  if (!(rho < 1)) throw new Error(`mmc: unstable queue, rho = ${rho} (lambda ${lambda}, mu ${mu}, c ${c})`);
  let term = 1; // a^k / k!
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const tail = term / (1 - rho); // a^c / (c! (1 - rho))
  const probWait = tail / (sum + tail);
  const wq = probWait / (c * mu - lambda);
  const w = wq + 1 / mu;
  return { rho, probWait, wq, w, lq: lambda * wq, l: lambda * w };
}

/**
 * The p-quantile of the time in system of an M/M/c queue served first come, first served. The
 * time in system is S + Q, independent: S ~ Exp(mu) the service, Q the wait, 0 with probability
 * 1 - probWait and else Exp(theta), theta = c mu - lambda (Kleinrock 1975, sec. 3.5). So
 *   P(S + Q > x) = (1 - probWait) e^(-mu x) + probWait (theta e^(-mu x) - mu e^(-theta x)) / (theta - mu),
 * or probWait (1 + mu x) e^(-mu x) for the second term when theta = mu. Solved by bisection.
 */
export function mmcSojournQuantile(lambda, mu, c, p) {
  const { probWait } = mmc(lambda, mu, c);
  const theta = c * mu - lambda;
  const tail = (x) => {
    const delayed = theta === mu ? (1 + mu * x) * Math.exp(-mu * x) : (theta * Math.exp(-mu * x) - mu * Math.exp(-theta * x)) / (theta - mu);
    return (1 - probWait) * Math.exp(-mu * x) + probWait * delayed;
  };
  let hi = 1 / mu;
  while (tail(hi) > 1 - p) hi *= 2;
  let lo = 0;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Model A: M/M/2, lambda 9, mu 5. Flow efficiency (touch time over lead time, as ratios of sums)
 * tends to mean service time / mean lead time.
 */
export function mm2Theory() {
  const lambda = 9, mu = 5, c = 2;
  const q = mmc(lambda, mu, c);
  const quantile = (p) => mmcSojournQuantile(lambda, mu, c, p);
  return {
    lambda,
    rho: q.rho,
    meanWait: q.wq,
    queueLength: q.lq,
    meanLeadTime: q.w,
    wip: q.l,
    flowEfficiency: 1 / mu / q.w,
    leadTimeQuantiles: { p50: quantile(0.5), p85: quantile(0.85), p95: quantile(0.95) },
  };
}

/**
 * Model B: lambda 4 -> S1 (1 x rate 5) -> S2 (3 x rate 5/2.4) -> S3 (2 x rate 5/1.6), back to S2
 * with probability 0.2. Traffic equations: lambda1 = 4, lambda2 = lambda3 = 4 / (1 - 0.2) = 5.
 * WIP = sum of L_i; touch time per item = sum of visits x mean service time.
 */
export function jacksonTheory() {
  const lambda = 4;
  const pBack = 0.2;
  const l23 = lambda / (1 - pBack);
  const stations = {
    S1: { lambda, mean: 1 / 5, ...mmc(lambda, 5, 1) },
    S2: { lambda: l23, mean: 2.4 / 5, ...mmc(l23, 5 / 2.4, 3) },
    S3: { lambda: l23, mean: 1.6 / 5, ...mmc(l23, 5 / 1.6, 2) },
  };
  let l = 0;
  let touch = 0;
  for (const st of Object.values(stations)) {
    l += st.l;
    touch += (st.lambda / lambda) * st.mean;
  }
  const pick = (f) => Object.fromEntries(Object.entries(stations).map(([k, v]) => [k, v[f]]));
  return {
    lambda,
    meanWait: pick('wq'),
    queueLength: pick('lq'),
    utilization: pick('rho'),
    meanLeadTime: l / lambda,
    wip: l,
    flowEfficiency: touch / (l / lambda),
    visitsPerItem: { S1: 1, S2: l23 / lambda, S3: l23 / lambda },
  };
}
