/**
 * The event calendar: a binary min-heap kept in three parallel typed arrays.
 *
 * Order is total and deterministic: by time, then by `rank` (the caller's same-time order for
 * event kinds), then by insertion sequence. No random numbers are ever spent on ties. Because
 * that order is total, which heap layout holds the events never changes which event comes next.
 *
 * An event is a small integer `kind` (0..7) and one integer argument `a` (0..2^28), packed in one
 * int. Nothing is allocated per event: `pop()` copies the head into the public fields `time`,
 * `kind` and `a`, and returns false when the calendar is empty.
 *
 * `calendarSource` (below) writes add() and pop() out as source for generated event loops; it
 * reads and writes the private fields here by name (times, keys, payloads, n, hole, sequence,
 * time) and calls fillHole(), grow() and refuse(). Change them together.
 */
export class Calendar {
  /** Fields of the event last popped. PERF: `time` starts as -0, a double, because 0 would be
   * stored as a small integer: the first real time would then change the calendar's hidden
   * class and throw away all the optimized code that uses it (one deoptimization of every
   * handler, paid again by every fresh worker thread while it warms up). */
  time = -0;
  kind = 0;
  a = 0;
  /** The time of the event the next add() schedules: `at = t; add(rank, kind, a)` is
   * `schedule(t, rank, kind, a)`. PERF: a call that V8 does not inline boxes every double
   * argument (a HeapNumber per event: ~10% of M/M/2 time in allocation and GC); a double
   * field is written in place, so the event loop hands times over here and passes add()
   * integers only, whatever V8 decides to inline. */
  at = NaN;

  private times: Float64Array;
  // rank * 2^40 + sequence: one number compares rank first, then insertion order.
  // Exact while sequence < 2^40 (a trillion events) and rank < 2^12.
  private keys: Float64Array;
  // a * 8 + kind
  private payloads: Int32Array;
  /** Slots in use, counting a vacated root (see `hole`). */
  private n = 0;
  // PERF: pop() leaves its root slot empty; the next schedule() fills it by sifting down from
  // the root, so an event that schedules one more (most do) costs one sift instead of two
  // (bench/scale.mjs hold model: 42 -> 35 ns an event at 10 pending, 93 -> 86 at 1,000;
  // bench/peers child.mjs, Jackson: +5-9%).
  private hole = false;
  private sequence = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity | 0);
    this.times = new Float64Array(c);
    this.keys = new Float64Array(c);
    this.payloads = new Int32Array(c);
  }

  get size(): number {
    return this.hole ? this.n - 1 : this.n;
  }

  schedule(time: number, rank: number, kind: number, a: number): void {
    this.at = time;
    this.add(rank, kind, a);
  }

  /** Schedule an event at `at` (see there). */
  add(rank: number, kind: number, a: number): void {
    const time = this.at;
    if (!(time >= this.time)) this.refuse(time, kind);
    const key = rank * 1099511627776 + this.sequence++;
    const payload = a * 8 + kind;
    if (this.hole) {
      this.hole = false;
      this.times[0] = time;
      this.keys[0] = key;
      this.payloads[0] = payload;
      this.siftDown(this.n);
      return;
    }
    if (this.n === this.times.length) this.grow();
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
    if (this.hole) this.fillHole();
    if (this.n === 0) return false;
    this.time = this.times[0];
    const head = this.payloads[0];
    this.kind = head & 7;
    this.a = head >> 3;
    this.hole = true;
    return true;
  }

  /** Put back the event pop() just returned, so that it is pending again: for a run that ends
   * before it. Valid only straight after a pop() that returned true, and only to end a run: the
   * clock (`time`) stays at the event put back, so nothing earlier can be scheduled after it. */
  unpop(): void {
    this.hole = false;
  }

  /** Every pending event, in no particular order (for bookkeeping outside the event loop). */
  forEach(visit: (time: number, kind: number, a: number) => void): void {
    for (let i = this.hole ? 1 : 0; i < this.n; i++) visit(this.times[i], this.payloads[i] & 7, this.payloads[i] >> 3);
  }

  /** Move the last event into the vacated root and sift it down. */
  private fillHole(): void {
    this.hole = false;
    const last = --this.n;
    if (last === 0) return;
    this.times[0] = this.times[last];
    this.keys[0] = this.keys[last];
    this.payloads[0] = this.payloads[last];
    this.siftDown(last);
  }

  /** Sift the root of the first n slots down to its place. Takes no double, so a call that V8
   * does not inline allocates nothing. */
  private siftDown(n: number): void {
    const times = this.times;
    const keys = this.keys;
    const payloads = this.payloads;
    const t = times[0];
    const k = keys[0];
    const pl = payloads[0];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
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

/**
 * add() and pop() as JavaScript source, for event loops written out per model
 * (flow/specialize.ts) that call them where V8 would not inline the methods: one event loop
 * with every call site of add() inlined runs M/M/2 13% faster (bench/peers child.mjs, 7 paired
 * fresh processes). The same algorithm as the methods above, statement for statement, on the
 * same fields: test/engine/calendar.test.ts runs both on random schedules and compares every
 * event they return. `cal` names a Calendar; the other arguments are source expressions.
 */
export const calendarSource = {
  /** Statements: `time` (a new const) is the next event's time; `empty` runs when there is none. */
  peek: (cal: string, time: string, empty: string) => `if (${cal}.hole) ${cal}.fillHole();
if (${cal}.n === 0) ${empty}
const ${time} = ${cal}.times[0];`,

  /** Statements: take the event peek() found, as pop() does: `kind` (a new const) and `a` (a new let). */
  take: (cal: string, time: string, kind: string, a: string) => `${cal}.hole = true;
${cal}.time = ${time};
const ${kind} = ${cal}.payloads[0] & 7;
let ${a} = ${cal}.payloads[0] >> 3;`,

  /** A block: schedule(time, rank, kind, a). */
  add: (cal: string, time: string, rank: string, kind: string, a: string) => `{
  const time = ${time};
  if (!(time >= ${cal}.time)) ${cal}.refuse(time, ${kind});
  const key = ${rank} * 1099511627776 + ${cal}.sequence++;
  const payload = ${a} * 8 + ${kind};
  if (${cal}.hole) {
    ${cal}.hole = false;
    const times = ${cal}.times;
    const keys = ${cal}.keys;
    const payloads = ${cal}.payloads;
    const n = ${cal}.n;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const tr = times[r];
        const tc = times[c];
        if (tr < tc || (tr === tc && keys[r] < keys[c])) c = r;
      }
      const tc = times[c];
      if (time < tc || (time === tc && key < keys[c])) break;
      times[i] = tc;
      keys[i] = keys[c];
      payloads[i] = payloads[c];
      i = c;
    }
    times[i] = time;
    keys[i] = key;
    payloads[i] = payload;
  } else {
    if (${cal}.n === ${cal}.times.length) ${cal}.grow();
    const times = ${cal}.times;
    const keys = ${cal}.keys;
    const payloads = ${cal}.payloads;
    let i = ${cal}.n++;
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
}`,
};
