import type { RandomStream } from "./random.js";

/**
 * Counter-based draws: a random number that is a function of *what* it is for (a source, an
 * item, the item's visit there), not of how many numbers came before it.
 *
 * Why: under common random numbers a scenario and its base should give the same item the same
 * process time at a stage. A stream shared by all of a stage's items hands out its k-th number to
 * whichever item is served k-th; once a change upstream reorders the queue, the twins' draws part
 * and the pairing weakens. Keyed draws stay in step whatever the order of service.
 *
 * A draw is hash32(sourceKey ^ itemKey ^ visit x golden), where
 *  - sourceKey names the source (e.g. "service:security:payments") in one replication
 *    (hashString of the name seeded by the replication's key);
 *  - itemKey = streamKey + n x golden for the stream's n-th arrival (a Weyl sequence, as SplitMix's
 *    counter: the hash does the mixing): a bijection of n, so two items of one stream never share
 *    a key; items of different streams draw under different source keys (sources are route steps);
 *  - hash32 is Chris Wellons' "lowbias32" (hash-prospector), a bijection on 32-bit integers: two
 *    multiplies, no state.
 * bench/crn.mjs measures what a draw costs against a stream's next number.
 */
export const KEYED_GENERATOR = "keyed draws: lowbias32 hash of (replication, source, item number, pass)";

/** 2^32 / golden ratio: spreads consecutive counters across the 32-bit range before the hash. */
export const GOLDEN = 0x9e3779b9 | 0;

/** Wellons' lowbias32 (github.com/skeeto/hash-prospector): a bijection on 32-bit integers, two
 * multiplies. PERF: triple32 (bias 0.021, three multiplies) cost M/M/2 7% against the streams it
 * replaced, lowbias32 (bias 0.17, still below MurmurHash3's finalizer's 0.26) about half that
 * (bench/example-pair.mjs); test/engine/keyed.test.ts checks what the simulation relies on.
 * Its cost in quality, measured: one item's draws at two sources (keys xor-apart by a random
 * difference), binned 32 x 32 over 2^20 items, give a chi-square about 2% above its 1,023
 * degrees of freedom on average (triple32: 0.4%); a dependence far below what a figure can show. */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x;
}

/** keyedDraw(sourceKey, itemKey, pass) as JavaScript statements for generated code (flow/specialize.ts),
 * leaving the draw in `out` (declared here with let). PERF: written out, not called: the call cost
 * M/M/2 13% against 7% written out (bench/example-pair.mjs, medians of 21-31 rounds). */
export function keyedDrawSource(out: string, sourceKey: string, itemKey: string, pass: string): string {
  const x = pass === "0" ? `${sourceKey} ^ ${itemKey}` : `${sourceKey} ^ ${itemKey} ^ Math.imul(${pass}, ${GOLDEN})`;
  return `let ${out} = ${x}; ${out} ^= ${out} >>> 16; ${out} = Math.imul(${out}, ${0x7feb352d}); ${out} ^= ${out} >>> 15; ${out} = Math.imul(${out}, ${0x846ca68b | 0}); ${out} ^= ${out} >>> 16;`;
}

/** FNV-1a over the string's UTF-16 code units, seeded, then hashed: a name's key. */
export function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return hash32(h);
}

/** The key of replication `replication` of a run seeded with `seed`. */
export function replicationKey(seed: number, replication: number): number {
  return hashString(`vsm-sim/${seed}/${replication}`, 0);
}

/** The key of the source named `name` in the replication keyed `replicationKey`. */
export function sourceKey(replicationKey: number, name: string): number {
  return hashString(name, replicationKey);
}

/** The key of the n-th item (from 0) of the stream keyed `streamKey`. */
export function itemKey(streamKey: number, n: number): number {
  return (streamKey + Math.imul(n, GOLDEN)) | 0;
}

/** The 32-bit draw (signed, as RandomStream.nextInt32) of an item at its `visit`-th visit (from 0)
 * to a source. */
export function keyedDraw(sourceKey: number, itemKey: number, visit: number): number {
  return hash32(sourceKey ^ itemKey ^ Math.imul(visit, GOLDEN));
}

/**
 * Sets `rng` up so that its next output is the keyed draw `u`, and the ones after it (for a
 * distribution that needs more than one: a normal's rejection, a gamma's) follow from u: sfc32's
 * first output is s0 + s1 + s3 + 1, so s3 is chosen to make it u, with s0, s1, s2 hashes of u.
 * A draw that takes one number (exponential) thus sees exactly u, whichever path samples it.
 */
export function keyStream(rng: RandomStream, u: number): void {
  const a = hash32(u ^ 0x5bd1e995);
  const b = hash32(u ^ 0x27d4eb2f);
  const c = hash32(u ^ 0x165667b1);
  rng.setState(a, b, c, (u - a - b - 1) | 0);
}
