import { RandomStream } from "../engine/random.js";

/**
 * Bounded summaries of what a log holds, so that fitting it takes memory for the items in flight
 * and not for the length of the log: exact running sums, a uniform sample of fixed size, counts by
 * time that coarsen when they would grow, and departures by minute of the week.
 */

/** Largest sample kept for a distribution fit or a quantile: the KS critical distance there is 0.0096. */
export const SAMPLE_SIZE = 20_000;
/** Most distinct times a TimeCounts keeps before it halves its resolution. */
export const TIME_BINS = 1 << 16;
/** Times a TimeCounts takes in before it sorts them into its bins. */
const BATCH = 4096;

/** Count, sum and sum of squared deviations (Welford 1962): a mean and variance in one pass. */
export class Moments {
  n = 0;
  sum = 0;
  private mean = 0;
  private m2 = 0;
  add(x: number): void {
    this.n++;
    this.sum += x;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  /** NaN when empty. */
  average(): number {
    return this.n ? this.sum / this.n : NaN;
  }
  /** Sum of squared deviations over `n - ddof`. */
  variance(ddof: 0 | 1): number {
    return this.n > ddof ? this.m2 / (this.n - ddof) : NaN;
  }
}

/**
 * A uniform sample of at most `size` of the values added (Vitter's algorithm R), drawn from a
 * fixed-seed stream named after what it samples: the same log gives the same sample.
 */
export class Reservoir {
  readonly values: number[] = [];
  seen = 0;
  private readonly random: RandomStream;
  constructor(name: string, readonly size = SAMPLE_SIZE) {
    this.random = RandomStream.derive(0, 0, `fit/${name}`);
  }
  add(x: number): void {
    this.seen++;
    if (this.values.length < this.size) this.values.push(x);
    else {
      const j = Math.floor(this.random.next() * this.seen);
      if (j < this.size) this.values[j] = x;
    }
  }
}

/**
 * Sums of values by time (ms), to the millisecond until more than `bins` distinct times are held;
 * then the resolution halves as often as needed, and a time stands for its bin's start. A time
 * whose sum comes back to zero stays: it is an event time all the same.
 * PERF: typed arrays, new times merged in sorted batches: a Map keyed by ms holds a boxed number
 * per key and cost twice the memory and time on bench/fit.mjs.
 */
export class TimeCounts {
  /** Milliseconds per bin. */
  width = 1;
  private keys = new Float64Array(0);
  private sums = new Float64Array(0);
  private n = 0;
  private readonly newKeys = new Float64Array(BATCH);
  private readonly newValues = new Float64Array(BATCH);
  private pending = 0;
  constructor(readonly bins = TIME_BINS) {}
  add(ms: number, value = 1): void {
    this.newKeys[this.pending] = Math.floor(ms / this.width);
    this.newValues[this.pending++] = value;
    if (this.pending === BATCH) this.flush();
  }
  private flush(): void {
    const m = this.pending;
    const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => this.newKeys[a] - this.newKeys[b]);
    const keys = new Float64Array(this.n + m);
    const sums = new Float64Array(this.n + m);
    let i = 0;
    let j = 0;
    let k = 0;
    const put = (key: number, v: number) => {
      if (k > 0 && keys[k - 1] === key) sums[k - 1] += v;
      else {
        keys[k] = key;
        sums[k++] = v;
      }
    };
    while (i < this.n || j < m) {
      if (j === m || (i < this.n && this.keys[i] <= this.newKeys[order[j]])) put(this.keys[i], this.sums[i++]);
      else {
        put(this.newKeys[order[j]], this.newValues[order[j]]);
        j++;
      }
    }
    this.pending = 0;
    this.n = k;
    while (this.n > this.bins) {
      this.width *= 2;
      let w = 0;
      for (let r = 0; r < this.n; r++) {
        const h = Math.floor(keys[r] / 2);
        if (w > 0 && keys[w - 1] === h) sums[w - 1] += sums[r];
        else {
          keys[w] = h;
          sums[w++] = sums[r];
        }
      }
      this.n = w;
    }
    this.keys = keys.slice(0, this.n);
    this.sums = sums.slice(0, this.n);
  }
  /** Bin start times (ms) in order, with their sums. */
  sorted(): { times: number[]; values: number[] } {
    if (this.pending) this.flush();
    return { times: Array.from(this.keys, (k) => k * this.width), values: Array.from(this.sums) };
  }
  get size(): number {
    if (this.pending) this.flush();
    return this.n;
  }
}

const MINUTE = 60_000;
const WEEK_MINUTES = 7 * 1440;
/** 1970-01-05, the first Monday of Unix time. */
const MONDAY_MS = 4 * 86_400_000;
const WEEK_MS = WEEK_MINUTES * MINUTE;

/**
 * Times (ms) by minute of the UTC week from a Monday 00:00: per minute, how many and the earliest
 * phase, apart for those in the minute's last second (the gate finder's second of slack moves them
 * on to the next minute's hour). Exact for any UTC offset in whole minutes, which is every offset
 * ISO 8601 can write.
 */
export class WeekClock {
  n = 0;
  private readonly count = new Int32Array(WEEK_MINUTES);
  private readonly late = new Int32Array(WEEK_MINUTES);
  private readonly earliest = new Float64Array(WEEK_MINUTES).fill(Infinity);
  private readonly earliestLate = new Float64Array(WEEK_MINUTES).fill(Infinity);
  add(ms: number): void {
    const phase = (((ms - MONDAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS;
    const m = Math.floor(phase / MINUTE);
    this.n++;
    if (phase - m * MINUTE >= MINUTE - 1000) {
      this.late[m]++;
      if (phase < this.earliestLate[m]) this.earliestLate[m] = phase;
    } else {
      this.count[m]++;
      if (phase < this.earliest[m]) this.earliest[m] = phase;
    }
  }
  /**
   * Counts and earliest phase (days) by hour of a cycle of `every` days (7 or 1) starting at a
   * Monday 00:00 of the given UTC offset, with the gate finder's second of slack: a time within a
   * second before the hour counts in the next hour (never past the cycle's last hour).
   */
  hours(every: 7 | 1, offsetMinutes: number): { counts: number[]; earliest: number[] } {
    const hours = every * 24;
    const cycle = every * 86_400_000;
    const counts = new Array<number>(hours).fill(0);
    const earliest = new Array<number>(hours).fill(Infinity);
    const put = (h: number, n: number, phase: number) => {
      counts[h] += n;
      if (n > 0) earliest[h] = Math.min(earliest[h], phase / 86_400_000);
    };
    for (let m = 0; m < WEEK_MINUTES; m++) {
      if (!this.count[m] && !this.late[m]) continue;
      const local = (((m + offsetMinutes) % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
      const shift = (local - m) * MINUTE;
      const phaseOf = (p: number) => ((((p + shift) % WEEK_MS) + WEEK_MS) % WEEK_MS) % cycle;
      const lm = local % (every * 1440);
      if (this.count[m]) put(Math.floor(lm / 60), this.count[m], phaseOf(this.earliest[m]));
      if (this.late[m]) put(Math.min(hours - 1, Math.floor((lm + 1) / 60)), this.late[m], phaseOf(this.earliestLate[m]));
    }
    return { counts, earliest };
  }
}
