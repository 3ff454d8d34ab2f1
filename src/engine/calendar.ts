/**
 * The event calendar: a binary min-heap kept in parallel typed arrays.
 *
 * Order is total and deterministic: by time, then by `rank` (the caller's same-time order for
 * event kinds), then by insertion sequence. No random numbers are ever spent on ties.
 *
 * An event carries a small integer `kind` and two integer arguments. Nothing is allocated per
 * event: `pop()` copies the head into the public fields `time`, `kind`, `a`, `b` and returns
 * false when the calendar is empty.
 */
export class Calendar {
  /** Fields of the event last popped. */
  time = 0;
  kind = 0;
  a = 0;
  b = 0;

  private times: Float64Array;
  // rank * 2^40 + sequence: one number compares rank first, then insertion order.
  // Exact while sequence < 2^40 (a trillion events) and rank < 2^12.
  private order: Float64Array;
  private kinds: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  private n = 0;
  private sequence = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity | 0);
    this.times = new Float64Array(c);
    this.order = new Float64Array(c);
    this.kinds = new Int32Array(c);
    this.as = new Int32Array(c);
    this.bs = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the next event, or Infinity when there is none. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  schedule(time: number, rank: number, kind: number, a: number, b: number): void {
    if (!(time >= this.time)) {
      throw new Error(`event calendar: cannot schedule kind ${kind} at ${time}, before the clock (${this.time})`);
    }
    if (this.n === this.times.length) this.grow();
    const key = rank * 1099511627776 + this.sequence++;
    // Sift up with a hole instead of swaps.
    const times = this.times;
    const order = this.order;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = times[p];
      if (tp < time || (tp === time && order[p] < key)) break;
      this.move(p, i);
      i = p;
    }
    times[i] = time;
    order[i] = key;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
  }

  pop(): boolean {
    const n = this.n;
    if (n === 0) return false;
    const times = this.times;
    const order = this.order;
    this.time = times[0];
    this.kind = this.kinds[0];
    this.a = this.as[0];
    this.b = this.bs[0];
    const last = n - 1;
    this.n = last;
    if (last === 0) return true;
    // Sift the last element down from the root.
    const t = times[last];
    const k = order[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (times[r] < times[c] || (times[r] === times[c] && order[r] < order[c]))) c = r;
      const tc = times[c];
      if (t < tc || (t === tc && k < order[c])) break;
      this.move(c, i);
      i = c;
    }
    times[i] = t;
    order[i] = k;
    this.kinds[i] = this.kinds[last];
    this.as[i] = this.as[last];
    this.bs[i] = this.bs[last];
    return true;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.order[to] = this.order[from];
    this.kinds[to] = this.kinds[from];
    this.as[to] = this.as[from];
    this.bs[to] = this.bs[from];
  }

  private grow(): void {
    const c = this.times.length * 2;
    const grow64 = (x: Float64Array) => {
      const y = new Float64Array(c);
      y.set(x);
      return y;
    };
    const grow32 = (x: Int32Array) => {
      const y = new Int32Array(c);
      y.set(x);
      return y;
    };
    this.times = grow64(this.times);
    this.order = grow64(this.order);
    this.kinds = grow32(this.kinds);
    this.as = grow32(this.as);
    this.bs = grow32(this.bs);
  }
}
