// Control variates for paired comparisons (issue #16): how much of the variance of a scenario's
// paired change a replication's controls would explain, before anything is built.
//
// For every scenario of the example against the base, over n replications (seed fixed, one
// thread), per replication: Y = the paired change in each stream's mean lead time (linearised as
// the ratio estimator the summary uses: (L - R C) / mean(C), scenario minus base), in each stream's
// p85 (the replication's own quantiles, a proxy: the pooled p85's interval is not a mean over
// replications), and in the economics total (runner/money.ts replicationTotal). Controls C: the
// base model's keyed draws replayed for every item that arrived, at every step of its route,
// whether or not the run reached it (engine/keyed.ts, flow/draws.ts), so E[C] is exact:
//   work   per (stream, stage): sum over arrivals of need x S, over E[arrivals], minus p x E[S]
//          (Wald: the draws are independent of the count; the count's expectation is exact for
//          Poisson arrivals and, for the platform stream's Erlang-4 renewal, up to e^-180);
//   sq     the same of S^2 (Pollaczek-Khinchine: a queue's wait grows with E[S^2]);
//   tail   lognormal: the normal Z behind S, Z^2 and 1{Z > z.95}; exponential: 1{S > mean ln 20};
//   need   the count of requests at an optional step (need alone);
//   arr    each stream's arrival count, over its expectation, minus 1;
//   pre    work, sq and tail of the items that arrived in the last 30 days of the warm-up (the
//          backlog the window starts with).
// Pooled: one control per stage (the streams' columns summed), or one in all (work).
// For each set of q controls: R^2 by least squares on the n replications, adjusted
// (1 - (1 - R^2)(n - 1)/(n - q - 1)); the variance reduction 1 / (1 - R^2_adj); Lavenberg and
// Welch's loss (n - 2)/(n - q - 2) at n = 200 and the t quantile's; and the half-width at 200
// replications with the controls, as % of the base's value.
// Usage: npm run build && node bench/cv.mjs [replications=300] [seed=1] [--json out.json]
import { readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadModel } from '../dist/model/load.js';
import { compile } from '../dist/model/compile.js';
import { runReplication } from '../dist/flow/replication.js';
import { replicationTotal } from '../dist/runner/money.js';
import { STREAM_FIGURES } from '../dist/flow/results.js';
import { drawKeys } from '../dist/flow/draws.js';
import { itemKey, keyedDraw, keyStream } from '../dist/engine/keyed.js';
import { RandomStream } from '../dist/engine/random.js';
import { DIST, sample } from '../dist/engine/distributions.js';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null;
const n = Number(args[0] ?? 300);
const seed = Number(args[1] ?? 1);
const TWO32 = 2 ** -32;
const Z95 = 1.6448536269514722;
const PRE = 30; // days of warm-up whose arrivals give the "pre" controls

const scenarioFiles = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();
const baseModel = loadModel(resolve('models/acme-saas.yaml'));
const base = compile(baseModel);
const scenarioModels = scenarioFiles.map((f) => loadModel(resolve('scenarios', f)));
const scenarios = scenarioModels.map((m) => compile(m));

// ---- Controls by replay -------------------------------------------------------------------

/** The stage steps of a stream's route (branches in place), with their optional bit or -1. */
function stageSteps(m, stream) {
  const out = [];
  const walk = (r) => {
    for (let p = 0; p < m.routeLength[r]; p++) {
      const j = m.routeStart[r] + p;
      if (m.stepKind[j] === 2) {
        for (let b = 0; b < m.stepBranchCount[j]; b++) walk(m.stepBranchStart[j] + b);
        continue;
      }
      const d = m.serviceByStep[m.stepStage[j]] ? m.stepService[j] : m.service[m.stepStage[j]];
      out.push({ step: j, stage: m.stepStage[j], bit: m.stepKind[j] === 1 ? m.stepBit[j] : -1, d });
    }
  };
  walk(m.mainRoute[stream]);
  return out;
}

/** g-values with exact expectations for a draw S of distribution d: [name, value, E]. */
function transforms(d) {
  const mean = d.mean;
  const m2 = d.variance + mean * mean;
  if (d.kind === DIST.fixed) return [];
  const out = [
    ['work', (s) => s, mean],
    ['sq', (s) => s * s, m2],
  ];
  if (d.kind === DIST.lognormal) {
    const z = (s) => (Math.log(s) - d.p1) / d.p2;
    out.push(['tail', (s) => z(s), 0], ['tail', (s) => z(s) ** 2, 1], ['tail', (s) => (z(s) > Z95 ? 1 : 0), 0.05]);
  } else if (d.kind === DIST.exponential) {
    out.push(['tail', (s) => (s > mean * Math.log(20) ? 1 : 0), 0.05]);
  }
  return out;
}

const rng = new RandomStream(0, 0, 0, 0);
const plan = base.streamIds.map((id, i) => {
  const steps = stageSteps(base, i);
  const d = base.interarrival[i];
  return {
    id,
    steps: steps.map((s) => ({ ...s, g: transforms(s.d), p: s.bit < 0 ? 1 : base.optionalProbability[base.optionalStart[i] + s.bit] })),
    // Expected arrivals in (a, b]: Poisson exactly; a renewal's stationary rate (see the header).
    expected: (a, b) => (b - a) / d.mean,
  };
});

/** Column names of the controls, in order, and their group tags. */
const columns = [];
for (const [phase, from, to] of [['win', base.warmup, base.end], ['pre', base.warmup - PRE, base.warmup]]) {
  plan.forEach((p, i) => {
    if (phase === 'win') columns.push({ name: `arr:${p.id}`, tag: 'arr', stage: -1, stream: i, phase });
    for (const s of p.steps) {
      if (s.bit >= 0) columns.push({ name: `need:${p.id}:${base.stageIds[s.stage]}`, tag: 'need', stage: s.stage, stream: i, phase });
      for (const [tag] of s.g) columns.push({ name: `${tag}:${p.id}:${base.stageIds[s.stage]}:${phase}`, tag, stage: s.stage, stream: i, phase });
    }
  });
  void from;
  void to;
}

/** The replication's controls (each of expectation 0), in `columns` order. */
function controls(replication) {
  const keys = drawKeys(base, seed, replication);
  const out = [];
  const windows = [
    [base.warmup, base.end],
    [base.warmup - PRE, base.warmup],
  ];
  for (const [a, b] of windows) {
    plan.forEach((p, i) => {
      const arrivals = RandomStream.derive(seed, replication, `arrivals:${p.id}`);
      const E = p.expected(a, b);
      const sums = p.steps.map((s) => ({ need: 0, g: new Float64Array(s.g.length) }));
      let t = 0;
      let count = 0;
      for (let k = 0; ; k++) {
        t += sample(base.interarrival[i], arrivals);
        if (t > b) break;
        if (t <= a) continue;
        count++;
        const key = itemKey(keys.item[i], k);
        p.steps.forEach((s, x) => {
          let need = 1;
          if (s.bit >= 0) {
            const u = (keyedDraw(keys.route[base.optionalStart[i] + s.bit], key, 0) >>> 0) * TWO32;
            need = u < s.p ? 1 : 0;
            sums[x].need += need;
          }
          if (!need || s.g.length === 0) return;
          keyStream(rng, keyedDraw(keys.service[s.step], key, 0));
          const v = sample(s.d, rng);
          s.g.forEach(([, f], y) => (sums[x].g[y] += f(v)));
        });
      }
      if (a === base.warmup) out.push(count / E - 1);
      p.steps.forEach((s, x) => {
        if (s.bit >= 0 && a === base.warmup) out.push(sums[x].need / E - s.p);
        s.g.forEach(([, , e], y) => out.push(sums[x].g[y] / E - s.p * e));
      });
    });
  }
  return out;
}

// ---- Replications ---------------------------------------------------------------------------

const SF = STREAM_FIGURES.length;
const iLead = STREAM_FIGURES.indexOf('leadSum');
const iDone = STREAM_FIGURES.indexOf('completed');
const iP85 = STREAM_FIGURES.indexOf('leadTimeP85');
const figuresOf = (m, model, r) => ({
  lead: m.streamIds.map((_, i) => [r.streams[i * SF + iLead], r.streams[i * SF + iDone]]),
  p85: m.streamIds.map((_, i) => r.streams[i * SF + iP85]),
  money: replicationTotal(model, r),
  unstable: r.unstable !== null,
});

const rows = [];
let simMs = 0;
let replayMs = 0;
const t0 = performance.now();
for (let r = 0; r < n; r++) {
  let t = performance.now();
  const b = figuresOf(base, baseModel, runReplication(base, seed, r));
  simMs += performance.now() - t;
  const s = scenarios.map((m, k) => figuresOf(m, scenarioModels[k], runReplication(m, seed, r)));
  t = performance.now();
  const c = controls(r);
  replayMs += performance.now() - t;
  rows.push({ b, s, c });
  if ((r + 1) % 50 === 0) process.stderr.write(`${r + 1}/${n} replications, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

// ---- Least squares --------------------------------------------------------------------------

const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
const variance = (xs) => {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};

/** R^2 of y on the columns of X (with an intercept), by modified Gram-Schmidt; columns that are
 * (numerically) in the span of earlier ones are dropped. Returns R^2 and the rank used. */
function rSquared(y, X) {
  const len = y.length;
  const centre = (v) => {
    const m = mean(v);
    return v.map((x) => x - m);
  };
  let res = centre(y);
  const sst = res.reduce((a, x) => a + x * x, 0);
  const basis = [];
  for (const col of X) {
    let v = centre(col);
    const norm0 = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    for (const q of basis) {
      const d = v.reduce((a, x, i) => a + x * q[i], 0);
      v = v.map((x, i) => x - d * q[i]);
    }
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    if (!(norm > 1e-9 * norm0) || norm0 === 0) continue;
    const q = v.map((x) => x / norm);
    basis.push(q);
    const d = res.reduce((a, x, i) => a + x * q[i], 0);
    res = res.map((x, i) => x - d * q[i]);
  }
  const sse = res.reduce((a, x) => a + x * x, 0);
  void len;
  return { r2: 1 - sse / sst, q: basis.length };
}

// Student t 0.975 quantile (Hill 1970's expansion, ample for df >= 20).
function t975(df) {
  const z = 1.959963984540054;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
}

// ---- Control sets -----------------------------------------------------------------------------

const idx = (pred) => columns.map((c, k) => (pred(c) ? k : -1)).filter((k) => k >= 0);
const envStage = base.stageIds.indexOf('platform_env');
/** A set: a list of controls, each a list of column indexes summed (pooling). */
const single = (ks) => ks.map((k) => [k]);
const byStage = (ks) => {
  const groups = new Map();
  for (const k of ks) {
    const c = columns[k];
    const key = `${c.tag}:${c.stage}:${c.phase}:${c.name.split(':')[0]}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(k);
  }
  return [...groups.values()];
};
const win = (c) => c.phase === 'win';
const SETS = [
  ['work pooled (one control)', [idx((c) => c.tag === 'work' && win(c))]],
  ['work per stage', byStage(idx((c) => c.tag === 'work' && win(c)))],
  ['work + sq per stage', byStage(idx((c) => (c.tag === 'work' || c.tag === 'sq') && win(c)))],
  ['work + sq + tail + need per stage, + arr', byStage(idx((c) => (c.tag !== 'arr' && win(c)) || c.tag === 'arr'))],
  ['the same + pre', byStage(idx(() => true))],
  ['work + sq + tail + need per stream and stage, + arr', single(idx((c) => win(c)))],
  ['all per stream and stage, + pre', single(idx(() => true))],
  ['platform_env only: work, sq, tail, need per stream, + arr', single(idx((c) => (c.stage === envStage && win(c)) || c.tag === 'arr'))],
];

function matrix(set) {
  return set.map((group) => rows.map((row) => group.reduce((a, k) => a + row.c[k], 0)));
}

// ---- Figures ----------------------------------------------------------------------------------

function ys(k) {
  const out = [];
  const included = rows.filter((row) => !row.b.unstable && !row.s[k].unstable);
  if (included.length !== rows.length) throw new Error(`scenario ${scenarioFiles[k]}: ${rows.length - included.length} unstable replications; this bench assumes none`);
  const sm = scenarios[k];
  base.streamIds.forEach((id, i) => {
    const j = sm.streamIds.indexOf(id);
    if (j < 0) return;
    const ratio = (pick) => {
      const L = mean(rows.map((row) => pick(row)[0]));
      const C = mean(rows.map((row) => pick(row)[1]));
      return { R: L / C, C };
    };
    const sb = ratio((row) => row.b.lead[i]);
    const ss = ratio((row) => row.s[k].lead[j]);
    const y = rows.map((row) => (row.s[k].lead[j][0] - ss.R * row.s[k].lead[j][1]) / ss.C - (row.b.lead[i][0] - sb.R * row.b.lead[i][1]) / sb.C);
    out.push({ name: `${id} mean`, y, of: sb.R, change: ss.R - sb.R });
    const p = rows.map((row) => row.s[k].p85[j] - row.b.p85[i]);
    out.push({ name: `${id} p85*`, y: p, of: mean(rows.map((row) => row.b.p85[i])), change: mean(p) });
  });
  const y = rows.map((row) => row.s[k].money - row.b.money);
  out.push({ name: 'money total', y, of: mean(rows.map((row) => row.b.money)), change: mean(y) });
  return out;
}

const N200 = 200;
const report = [];
const mats = SETS.map(([name, set]) => ({ name, X: matrix(set), q: set.length }));
console.log(`models/acme-saas.yaml against scenarios/*.yaml: ${n} replications, seed ${seed}, one thread`);
console.log(`replay of the controls: ${(replayMs / n).toFixed(2)} ms a replication against ${(simMs / n).toFixed(2)} ms for the base's simulation (${((100 * replayMs) / simMs).toFixed(1)}%)`);
console.log('per figure: half-width at 200 replications without controls (% of base); then per set: variance reduction 1/(1-R2adj) [q] -> half-width at 200 with the controls (Lavenberg-Welch loss and t included)');
SETS.forEach(([name], s) => console.log(`  set ${s + 1}: ${name} (q = ${mats[s].q})`));
for (let k = 0; k < scenarios.length; k++) {
  console.log(`\n${scenarioFiles[k]}`);
  for (const f of ys(k)) {
    const v = variance(f.y);
    const hw200 = (100 * t975(N200 - 1) * Math.sqrt(v / N200)) / Math.abs(f.of);
    const cells = mats.map(({ X }) => {
      const { r2, q } = rSquared(f.y, X);
      const adj = 1 - ((1 - r2) * (n - 1)) / (n - q - 1);
      const factor = 1 / (1 - adj);
      const loss = (N200 - 2) / (N200 - q - 2);
      const hw = (100 * t975(N200 - q - 1) * Math.sqrt(((1 - adj) * loss * v) / N200)) / Math.abs(f.of);
      return { r2, adj, q, factor, hw };
    });
    report.push({ scenario: scenarioFiles[k], figure: f.name, of: f.of, change: f.change, hw200, sets: cells });
    console.log(
      `  ${f.name.padEnd(16)} ${hw200.toFixed(2).padStart(5)}%  ` + cells.map((c, s) => `${s + 1}: ${c.factor.toFixed(2)}x ${c.hw.toFixed(2)}%`).join('  '),
    );
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ n, seed, replayMsPerReplication: replayMs / n, simMsPerReplication: simMs / n, sets: SETS.map(([name], s) => ({ name, q: mats[s].q })), report }, null, 1));
