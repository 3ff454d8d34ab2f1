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

/** Model A: M/M/2, lambda 9, mu 5. */
export function mm2Theory() {
  const q = mmc(9, 5, 2);
  return { rho: q.rho, meanWait: q.wq, meanLeadTime: q.w };
}

/**
 * Model B: lambda 4 -> S1 (1 x rate 5) -> S2 (3 x rate 5/2.4) -> S3 (2 x rate 5/1.6), back to S2
 * with probability 0.2. Traffic equations: lambda1 = 4, lambda2 = lambda3 = 4 / (1 - 0.2) = 5.
 */
export function jacksonTheory() {
  const lambda = 4;
  const pBack = 0.2;
  const l23 = lambda / (1 - pBack);
  const stations = {
    S1: { lambda, ...mmc(lambda, 5, 1) },
    S2: { lambda: l23, ...mmc(l23, 5 / 2.4, 3) },
    S3: { lambda: l23, ...mmc(l23, 5 / 1.6, 2) },
  };
  let l = 0;
  for (const st of Object.values(stations)) l += st.l;
  const pick = (f) => Object.fromEntries(Object.entries(stations).map(([k, v]) => [k, v[f]]));
  return {
    meanWait: pick('wq'),
    utilization: pick('rho'),
    meanLeadTime: l / lambda,
    visitsPerItem: { S1: 1, S2: l23 / lambda, S3: l23 / lambda },
  };
}
