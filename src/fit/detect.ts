import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";

/**
 * The patterns a fit looks for in a log, each from plain numbers: whether arrivals are Poisson,
 * how many servers a stage's concurrency shows, a gate's schedule in departures from a wait, and
 * which stages run at once.
 */

/** Servers: the most items at work at once for at least this share of the time any are. */
const SERVER_LEVEL_SHARE = 0.02;
/** A gate: at least this share of departures from the wait within GATE_HOURS of one time of the week (or day). */
const GATE_SHARE = 0.5;
const GATE_MIN_DEPARTURES = 8;
const GATE_HOURS = 3;
/** Poisson arrivals are rejected below this two-sided p-value of the dispersion test. */
const DISPERSION_ALPHA = 0.01;

export interface DispersionTest {
  /** Days per bin: chosen so each bin expects about five arrivals. */
  bin: number;
  bins: number;
  /** Variance over mean of the counts: 1 for Poisson arrivals. */
  index: number;
  /** Two-sided p-value of (bins - 1) x index against chi-square with bins - 1 degrees of freedom. */
  p: number;
  poisson: boolean;
}

export interface Servers {
  estimate: number;
  max: number;
  meanBusy: number;
}

export interface Gate {
  every: number;
  offset: number;
  share: number;
  departures: number;
}

/** Consecutive route stages worked at once, split into branches of sequential stages. */
export interface Parallel {
  stages: string[];
  branches: string[][];
}

/** A fork starts where most items that visit two consecutive stages are in both at once. */
const PARALLEL_SHARE = 0.5;
/** Below this share of items, being in two stages at once is noise (a late status change). */
const OVERLAP_NOISE = 0.05;

/**
 * Groups of consecutive stages of which some run at once: a group starts where most items are in
 * a stage and the next at once, and takes in each following stage that some items (beyond noise)
 * are in at once with a member: the fork lasts until a stage starts after all of it (the join).
 * Within a group, each stage joins the first branch none of whose stages it overlaps (a branch is
 * a sequence), else starts a new one.
 */
export function parallelGroups(order: string[], overlap: (a: string, b: string) => { items: number; of: number }): Parallel[] {
  const share = (a: string, b: string) => {
    const o = overlap(a, b);
    return o.of > 0 ? o.items / o.of : 0;
  };
  const groups: Parallel[] = [];
  for (let i = 0; i + 1 < order.length; ) {
    if (share(order[i], order[i + 1]) < PARALLEL_SHARE) {
      i++;
      continue;
    }
    const stages = [order[i], order[i + 1]];
    let j = i + 2;
    while (j < order.length && stages.some((s) => share(s, order[j]) >= OVERLAP_NOISE)) stages.push(order[j++]);
    const branches: string[][] = [];
    for (const s of stages) {
      const branch = branches.find((b) => b.every((x) => share(x, s) < OVERLAP_NOISE));
      if (branch) branch.push(s);
      else branches.push([s]);
    }
    if (branches.length > 1) groups.push({ stages, branches });
    i = j;
  }
  return groups;
}

/**
 * Index-of-dispersion test of arrival counts in equal bins (Cox & Lewis 1966, ch. 6); `counted`:
 * how many arrivals each time stands for (1 each without it).
 */
export function dispersionTest(sorted: ArrayLike<number>, from: number, end: number, rate: number, counted?: ArrayLike<number>): DispersionTest {
  const bin = Math.max(1, 5 / rate);
  const bins = Math.floor((end - from) / bin);
  if (bins < 3) return { bin, bins, index: NaN, p: NaN, poisson: true };
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < sorted.length; i++) {
    const b = Math.floor((sorted[i] - from) / bin);
    if (b >= 0 && b < bins) counts[b] += counted ? counted[i] : 1;
  }
  const mean = counts.reduce((a, b) => a + b, 0) / bins;
  const ss = counts.reduce((a, c) => a + (c - mean) ** 2, 0);
  const index = ss / (bins - 1) / mean;
  const f = chisquareCdf(ss / mean, bins - 1);
  const p = 2 * Math.min(f, 1 - f);
  return { bin, bins, index, p, poisson: p >= DISPERSION_ALPHA };
}

/** Time-weighted levels of work in progress at a stage, from its work statuses' spans. */
export function concurrency(spans: [number, number][]): Servers {
  const events: [number, number][] = [];
  for (const [a, b] of spans) if (b > a) events.push([a, 1], [b, -1]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const times: number[] = [];
  const changes: number[] = [];
  for (const [t, d] of events) {
    if (times.length && times[times.length - 1] === t) changes[changes.length - 1] += d;
    else times.push(t), changes.push(d);
  }
  return levels(times, changes);
}

/**
 * concurrency from the net change in work in progress at each event time, in order: a time's
 * ends and starts taken at once (no dip to count, no peak that lasts no time).
 */
export function levels(times: number[], changes: number[]): Servers {
  const timeAt: number[] = [];
  let level = 0;
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    level += changes[i];
    max = Math.max(max, level);
    const dt = i + 1 < times.length ? times[i + 1] - times[i] : 0;
    timeAt[level] = (timeAt[level] ?? 0) + dt;
  }
  let busy = 0;
  let area = 0;
  for (let l = 1; l < timeAt.length; l++) {
    busy += timeAt[l] ?? 0;
    area += l * (timeAt[l] ?? 0);
  }
  let estimate = 1;
  let atLeast = 0;
  for (let l = timeAt.length - 1; l >= 1; l--) {
    atLeast += timeAt[l] ?? 0;
    if (atLeast >= SERVER_LEVEL_SHARE * busy) {
      estimate = l;
      break;
    }
  }
  return { estimate: Math.max(1, estimate), max, meanBusy: busy > 0 ? area / busy : 0 };
}

/**
 * A weekly, else daily, schedule in departures from a wait (days since a Monday 00:00): at least
 * half of them within GATE_HOURS of the same time of the week (or day). A gate releases a batch
 * at once, but its items may then queue for the stage's servers for a while.
 */
export function findGate(departures: number[]): Gate | null {
  return gateIn(departures.length, (every) => {
    const hours = every * 24;
    const counts = new Array<number>(hours).fill(0);
    const earliest = new Array<number>(hours).fill(Infinity);
    for (const t of departures) {
      const p = ((t % every) + every) % every;
      // A second's slack: 10:00 must not fall into 09:00's hour by rounding.
      const h = Math.min(hours - 1, Math.floor(p * 24 + 1 / 3600));
      counts[h]++;
      earliest[h] = Math.min(earliest[h], p);
    }
    return { counts, earliest };
  });
}

/**
 * findGate on departures already counted by hour of the week or day, with the earliest phase
 * (days) in each hour: the form a long log is kept in (sample.ts WeekClock).
 */
export function gateIn(departures: number, byHour: (every: 7 | 1) => { counts: number[]; earliest: number[] }): Gate | null {
  if (departures < GATE_MIN_DEPARTURES) return null;
  for (const every of [7, 1] as const) {
    const hours = every * 24;
    const { counts, earliest } = byHour(every);
    let best = 0;
    let bestCount = -1;
    for (let h = 0; h < hours; h++) {
      let sum = 0;
      for (let k = 0; k < GATE_HOURS; k++) sum += counts[(h + k) % hours];
      if (sum > bestCount) [best, bestCount] = [h, sum];
    }
    const share = bestCount / departures;
    if (share >= GATE_SHARE) {
      // The opening is the earliest departure of the window (the first item through the gate),
      // to the minute.
      let first = Infinity;
      for (let k = 0; k < GATE_HOURS; k++) first = Math.min(first, earliest[(best + k) % hours]);
      return { every, offset: Math.round(first * 1440) / 1440, share, departures };
    }
  }
  return null;
}
