/**
 * Working time <-> calendar time on one working calendar, given as its working intervals
 * [from[i], to[i]) (ascending, apart). Precomputed once per calendar (model/workcal.ts lays the
 * intervals out from dates and zones); each conversion is a binary search, O(log intervals).
 *
 * Past the last interval (a service that runs beyond the end of the run, never completed in it)
 * time goes on at the calendar's average rate, so a completion there is still later than the end.
 */
export class WorkingTime {
  private readonly from: Float64Array;
  private readonly to: Float64Array;
  /** Working time before from[i], and at to[i]. */
  private readonly before: Float64Array;
  private readonly ends: Float64Array;
  private cursor = 0;
  private readonly total: number;
  private readonly until: number;
  /** Calendar time per unit of working time past the last interval. */
  private readonly rate: number;

  constructor(from: ArrayLike<number>, to: ArrayLike<number>) {
    const n = from.length;
    if (n === 0 || to.length !== n) throw new Error(`WorkingTime: needs at least one interval and as many ends as starts (got ${n} and ${to.length})`);
    this.from = Float64Array.from(from);
    this.to = Float64Array.from(to);
    this.before = new Float64Array(n);
    this.ends = new Float64Array(n);
    let w = 0;
    for (let i = 0; i < n; i++) {
      if (!(this.to[i] > this.from[i]) || (i > 0 && this.from[i] < this.to[i - 1])) {
        throw new Error(`WorkingTime: interval ${i} [${this.from[i]}, ${this.to[i]}) is empty or overlaps the one before`);
      }
      this.before[i] = w;
      w += this.to[i] - this.from[i];
      this.ends[i] = w;
    }
    this.total = w;
    this.until = this.to[n - 1];
    this.rate = this.until / w;
  }

  /** Working time from 0 to calendar time t. */
  worked(t: number): number {
    if (t >= this.until) return this.total + (t - this.until) / this.rate;
    const i = this.index(t);
    return i < 0 ? 0 : this.before[i] + Math.min(t, this.to[i]) - this.from[i];
  }

  /**
   * The last interval starting at or before t (-1: none). The run asks about a clock that only
   * goes forward, so a cursor walks from the last answer, O(1) a call over a run whatever the
   * horizon; a time before the cursor (an item's arrival, for its lead time) is searched for.
   * PERF: against a binary search every time, within the noise of a shared machine on
   * bench/workcal.mjs (60-year tables: 139 -> 135 ns/event); kept for tables past the cache.
   */
  private index(t: number): number {
    const from = this.from;
    let i = this.cursor;
    if (t < from[i]) return this.search(t);
    const n = from.length;
    while (i + 1 < n && from[i + 1] <= t) i++;
    this.cursor = i;
    return i;
  }

  private search(t: number): number {
    if (t < this.from[0]) return -1;
    let lo = 0;
    let hi = this.cursor;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.from[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The calendar time at which `w` working time has been worked since 0: the end of an
   * interval when it runs out there (work done at 17:00 is done at 17:00, not at 09:00 next day). */
  at(w: number): number {
    if (w >= this.total) return this.until + (w - this.total) * this.rate;
    // The first interval whose end reaches w: most work ends a few intervals after the cursor.
    const ends = this.ends;
    const c = this.cursor;
    let lo: number;
    let hi: number;
    if (c > 0 && ends[c - 1] >= w) {
      lo = 0;
      hi = c - 1;
    } else {
      lo = c;
      const stop = Math.min(c + 8, ends.length - 1);
      while (lo < stop && ends[lo] < w) lo++;
      hi = ends[lo] >= w ? lo : ends.length - 1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] >= w) hi = mid;
      else lo = mid + 1;
    }
    return this.from[lo] + (w - this.before[lo]);
  }

  /** In-place form of finish() for the event loop: set `start` and `work`, call done(), read
   * `end`. PERF: the house rule that no double crosses a call in the event loop (Simulation's
   * class comment); no gain measurable on bench/workcal.mjs on a shared machine. */
  start = 0;
  work = 0;
  end = 0;
  done(): void {
    const t = this.start;
    const d = this.work;
    if (d === 0) {
      this.end = t;
      return;
    }
    const c = this.at(this.worked(t) + d);
    this.end = c > t ? c : t;
  }

  /** When work of `d` working time started (or queued for a server) at t is done. */
  finish(t: number, d: number): number {
    if (d === 0) return t;
    // Rounding in worked + d - before must never take the clock back.
    const c = this.at(this.worked(t) + d);
    return c > t ? c : t;
  }
}
