// Draws per second of the normal, lognormal and gamma variates: the engine's (dist/, the ziggurat
// of src/engine/normal.ts) against the Box-Muller code it replaced (copied below as it was at
// commit 0f33102), side by side in one process, alternating, on the same streams.
// Usage: npm run build && node bench/variates.mjs [rounds=7] [draws=2000000]
// Prints one line per case: medians over the rounds of ns per draw, old and new, old / new (the
// ratio of the medians) and the median of the per-round ratios (steadier on a shared machine, where
// the load changes between rounds). The first row runs the same code on both sides: its ratio is
// how far from 1.00x the machine's noise alone takes a row.
import { standardExponential } from '../dist/engine/exponential.js';
import { standardNormal } from '../dist/engine/normal.js';
import { RandomStream } from '../dist/engine/random.js';
import * as D from '../dist/engine/distributions.js';

// ---- The code before: Box-Muller, Marsaglia-Tsang's fixed squeeze, Math.pow boost. ----
function oldNormal(rng) {
  return Math.sqrt(2 * standardExponential(rng.nextInt32())) * Math.cos(6.283185307179586 * rng.next());
}
function oldGammaDraw(shape, rng) {
  if (shape < 1) return oldGammaDraw(shape + 1, rng) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x;
    let v;
    do {
      x = oldNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
// The same dispatch shape as the engine's sample() for a non-exponential distribution.
function oldSample(d, rng) {
  switch (d.kind) {
    case D.DIST.lognormal:
      return Math.exp(d.p1 + d.p2 * oldNormal(rng));
    case D.DIST.gamma:
      return oldGammaDraw(d.p1, rng) * d.p2;
    default:
      throw new Error(`bench/variates.mjs: kind ${d.kind}`);
  }
}

const rounds = Number(process.argv[2] ?? 7);
const n = Number(process.argv[3] ?? 2_000_000);

const cases = [
  // A yardstick for the machine's state: the same code on both sides (exponential.ts documents 9.6 ns).
  ['exponential (both sides the same)', (rng) => standardExponential(rng.nextInt32()), (rng) => standardExponential(rng.nextInt32())],
  ['normal', (rng) => oldNormal(rng), (rng) => standardNormal(rng)],
  ...[
    ['lognormal cv 0.8', D.lognormal(4, 0.8)],
    ['lognormal cv 2', D.lognormal(1.4, 2)],
    ['gamma cv 0.5 (shape 4)', D.gamma(2, 0.5)],
    ['gamma cv 0.6 (shape 2.78)', D.gamma(1.2, 0.6)],
    ['gamma cv 1.5 (shape 0.44)', D.gamma(1, 1.5)],
  ].map(([name, d]) => [name, (rng) => oldSample(d, rng), (rng) => D.sample(d, rng)]),
];

// Each case and side gets its own copy of the loop (new Function: its own type feedback), so the
// call to its draw is monomorphic and V8 can inline it, as in the event loop.
const makeLoop = () => new Function('draw', 'rng', 'n', 'let sum = 0;\nfor (let i = 0; i < n; i++) sum += draw(rng);\nreturn sum;');

function time(loop, draw, source) {
  const rng = RandomStream.derive(1, 0, source);
  const t0 = process.hrtime.bigint();
  const sum = loop(draw, rng, n);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (!Number.isFinite(sum)) throw new Error('bench/variates.mjs: a draw was not finite');
  return ns;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

console.log(`node ${process.version}, ${rounds} rounds of ${n.toLocaleString('en')} draws; ns per draw, medians`);
console.log('| variate | old ns | new ns | old / new | per-round old / new |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, oldDraw, newDraw] of cases) {
  const olds = [];
  const news = [];
  const oldLoop = makeLoop();
  const newLoop = makeLoop();
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always runs on a warmer or cooler machine.
    if (r % 2 === 0) {
      olds.push(time(oldLoop, oldDraw, name));
      news.push(time(newLoop, newDraw, name));
    } else {
      news.push(time(newLoop, newDraw, name));
      olds.push(time(oldLoop, oldDraw, name));
    }
  }
  const o = median(olds);
  const w = median(news);
  const perRound = median(olds.map((x, r) => x / news[r]));
  console.log(`| ${name} | ${o.toFixed(1)} | ${w.toFixed(1)} | ${(o / w).toFixed(2)}x | ${perRound.toFixed(2)}x |`);
}
