import seedrandom from "seedrandom";
import { standardExponential } from "./exponential.js";

/** Named in every output so a reader knows how the numbers were drawn. */
export const GENERATOR = "arrivals: sfc32, seeded per stream by seedrandom ARC4 from (seed, replication, source); process times, rework and route choices: lowbias32 keyed by (replication, route step, item, rework pass)";

/**
 * One independent stream of uniform numbers: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic
 * generator, 128-bit state, passes PractRand), chosen because it is four 32-bit integer ops per
 * draw in plain JavaScript.
 *
 * Each source of randomness in a model (a stream's arrivals, a stage's process times, a stage's
 * rework draws, a stream's route choices) gets its own RandomStream, keyed by its *name* rather
 * than its position, so adding or changing one stage never shifts the numbers another sees:
 * that is what keeps paired scenario comparisons sharp.
 */
export class RandomStream {
  /** The standard exponential that drawExponential() drew last. */
  exponential = -0;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** The stream for `source` in replication `replication` of a run seeded with `seed`. */
  static derive(seed: number, replication: number, source: string): RandomStream {
    const arc4 = seedrandom(`vsm-sim/${seed}/${replication}/${source}`);
    const stream = new RandomStream(arc4.int32(), arc4.int32(), arc4.int32(), arc4.int32());
    // Discard the first outputs: sfc32's state needs a few rounds to mix a fresh seed.
    for (let i = 0; i < 12; i++) stream.nextUint32();
    return stream;
  }

  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform on [0, 1), with 32 random bits: the next output, unsigned, over 2^32. */
  next(): number {
    return (this.nextInt32() >>> 0) * 2.3283064365386963e-10;
  }

  /**
   * The next output as a signed 32-bit integer: `(nextInt32() >>> 0) * 2 ** -32` is exactly the
   * number next() would have returned. PERF: a small integer is never boxed, so a hot loop that
   * draws this way allocates nothing even where V8 does not inline the call (a double returned
   * from a call is a HeapNumber: ~10% of M/M/2 time in allocation and GC).
   */
  nextInt32(): number {
    const a = this.s0;
    const b = this.s1;
    const c = this.s2;
    const d = (this.s3 + 1) | 0;
    const t = (((a + b) | 0) + d) | 0;
    this.s3 = d;
    this.s0 = b ^ (b >>> 9);
    this.s1 = (c + (c << 3)) | 0;
    this.s2 = (((c << 21) | (c >>> 11)) + t) | 0;
    return t;
  }

  /**
   * Draws a standard exponential from the next output (see exponential.ts) into `exponential`.
   * PERF: for event loops too large for V8 to inline every draw (flow/specialize.ts writes one
   * per stage): a double returned from a call V8 does not inline is a new HeapNumber, a double
   * field is written in place.
   */
  drawExponential(): void {
    this.exponential = standardExponential(this.nextInt32());
  }

  /** As drawExponential(), from a given 32-bit number (a keyed draw, engine/keyed.ts) instead of
   * the next output; the stream's state is untouched. PERF: as drawExponential(). */
  drawExponentialOf(x: number): void {
    this.exponential = standardExponential(x);
  }

  /** Replaces the state (engine/keyed.ts sets a stream up for a keyed draw). */
  setState(s0: number, s1: number, s2: number, s3: number): void {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** The state, so a stream can be saved and resumed exactly with `new RandomStream(...state)`. */
  state(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }
}
