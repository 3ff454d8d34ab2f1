/**
 * The event calendar: a binary min-heap kept in three parallel typed arrays.
 *
 * Order is total and deterministic: by time, then by `rank` (the caller's same-time order for
 * event kinds), then by insertion sequence. No random numbers are ever spent on ties.
 *
 * An event is a small integer `kind` (0..7) and one integer argument `a` (0..2^28), packed in one
 * int. Nothing is allocated per event: `pop()` copies the head into the public fields `time`,
 * `kind` and `a`, and returns false when the calendar is empty.
 */
export class Calendar {
  /** Fields of the event last popped. */
  time = 0;
  kind = 0;
  a = 0;

  private times: Float64Array;
  // rank * 2^40 + sequence: one number compares rank first, then insertion order.
  // Exact while sequence < 2^40 (a trillion events) and rank < 2^12.
  private keys: Float64Array;
  // a * 8 + kind
  private payloads: Int32Array;
  private n = 0;
  private sequence = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity | 0);
    this.times = new Float64Array(c);
    this.keys = new Float64Array(c);
    this.payloads = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the next event, or Infinity when there is none. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  schedule(time: number, rank: number, kind: number, a: number): void {
    if (!(time >= this.time)) this.refuse(time, kind);
    if (this.n === this.times.length) this.grow();
    const key = rank * 1099511627776 + this.sequence++;
    const payload = a * 8 + kind;
    const times = this.times;
    const keys = this.keys;
    const payloads = this.payloads;
    // Sift up with a hole instead of swaps.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = times[p];
      if (tp < time || (tp === time && keys[p] < key)) break;
      times[i] = tp;
      keys[i] = keys[p];
      payloads[i] = payloads[p];
      i = p;
    }
    times[i] = time;
    keys[i] = key;
    payloads[i] = payload;
  }

  pop(): boolean {
    const n = this.n;
    if (n === 0) return false;
    const times = this.times;
    const keys = this.keys;
    const payloads = this.payloads;
    this.time = times[0];
    const head = payloads[0];
    this.kind = head & 7;
    this.a = head >> 3;
    const last = n - 1;
    this.n = last;
    if (last === 0) return true;
    // Sift the last element down from the root.
    const t = times[last];
    const k = keys[last];
    const pl = payloads[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last) {
        const tr = times[r];
        const tc = times[c];
        if (tr < tc || (tr === tc && keys[r] < keys[c])) c = r;
      }
      const tc = times[c];
      if (t < tc || (t === tc && k < keys[c])) break;
      times[i] = tc;
      keys[i] = keys[c];
      payloads[i] = payloads[c];
      i = c;
    }
    times[i] = t;
    keys[i] = k;
    payloads[i] = pl;
    return true;
  }

  private refuse(time: number, kind: number): never {
    throw new Error(`event calendar: cannot schedule kind ${kind} at ${time}, before the clock (${this.time})`);
  }

  private grow(): void {
    const c = this.times.length * 2;
    const times = new Float64Array(c);
    const keys = new Float64Array(c);
    const payloads = new Int32Array(c);
    times.set(this.times);
    keys.set(this.keys);
    payloads.set(this.payloads);
    this.times = times;
    this.keys = keys;
    this.payloads = payloads;
  }
}
