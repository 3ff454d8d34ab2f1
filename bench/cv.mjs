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
//   z, z2, tail: lognormal: the normal Z behind S, Z^2 and 1{Z > z.95}; exponential: the tail
//          1{S > mean ln 20} (E = 0.05 exactly);
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
import { STAGE_FIGURES, STREAM_FIGURES } from '../dist/flow/results.js';
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
const SEGMENTS = 6; // pieces of the window for the segmented env controls

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
    out.push(['z', (s) => z(s), 0], ['z2', (s) => z(s) ** 2, 1], ['tail', (s) => (z(s) > Z95 ? 1 : 0), 0.05]);
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
for (const phase of ['win', 'pre']) {
  plan.forEach((p, i) => {
    if (phase === 'win') columns.push({ name: `arr:${p.id}`, tag: 'arr', stage: -1, stream: i, phase });
    for (const s of p.steps) {
      if (s.bit >= 0) columns.push({ name: `need:${p.id}:${base.stageIds[s.stage]}`, tag: 'need', stage: s.stage, stream: i, phase });
      for (const [tag] of s.g) columns.push({ name: `${tag}:${p.id}:${base.stageIds[s.stage]}:${phase}`, tag, stage: s.stage, stream: i, phase });
    }
  });
}

/** The replication's controls (each of expectation 0), in `columns` order. */
/** Stream i's arrivals in replication `replication` up to time `until`: their times and item numbers,
 * replayed from the stream's own arrival draws (as the simulation makes them). */
function* arrivalsOf(replication, i, until) {
  const arrivals = RandomStream.derive(seed, replication, `arrivals:${plan[i].id}`);
  let t = 0;
  for (let k = 0; ; k++) {
    t += sample(base.interarrival[i], arrivals);
    if (t > until) return;
    yield { t, k };
  }
}

function controls(replication) {
  const keys = drawKeys(base, seed, replication);
  const out = [];
  const windows = [
    [base.warmup, base.end],
    [base.warmup - PRE, base.warmup],
  ];
  for (const [a, b] of windows) {
    plan.forEach((p, i) => {
      const E = p.expected(a, b);
      const sums = p.steps.map((s) => ({ need: 0, g: new Float64Array(s.g.length) }));
      let count = 0;
      for (const { t, k } of arrivalsOf(replication, i, b)) {
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

// ---- Diagnostics, not controls: their expectations are not known --------------------------

const archStage = base.stageIds.indexOf('arch_review');
const envAt = base.stageIds.indexOf('platform_env');
/**
 * The base's environment queue rebuilt from the replayed draws: items reach platform_env when the
 * weekly board has reviewed them (its opening, then 0.05 a design in order of arrival), and its
 * servers take them first come first served (Kiefer-Wolfowitz). Per stream, over its items that
 * arrived in the window, over E[arrivals]: the env wait, and how far the env branch (wait and
 * process time) outlasts dev + security's first-pass process times.
 */
function syntheticEnv(replication) {
  const keys = drawKeys(base, seed, replication);
  const items = [];
  plan.forEach((p, i) => {
    for (const { t, k } of arrivalsOf(replication, i, base.end)) {
      const key = itemKey(keys.item[i], k);
      const need = (s) => s.bit < 0 || (keyedDraw(keys.route[base.optionalStart[i] + s.bit], key, 0) >>> 0) * TWO32 < s.p;
      const draw = (s) => {
        keyStream(rng, keyedDraw(keys.service[s.step], key, 0));
        return sample(s.d, rng);
      };
      const arch = p.steps.find((s) => s.stage === archStage);
      const env = p.steps.find((s) => s.stage === envAt);
      if (!arch || !need(arch)) continue;
      let branch = 0;
      for (const s of p.steps) if (s.stage !== archStage && s.stage !== envAt && s.g.length && need(s)) branch += draw(s);
      items.push({ t, i, env: env && need(env) ? draw(env) : -1, branch });
    }
  });
  items.sort((a, b) => a.t - b.t);
  const every = base.gateEvery[archStage];
  const offset = base.gateOffset[archStage];
  const review = base.service[archStage].mean;
  let open = -Infinity;
  let done = 0;
  const env = [];
  for (const it of items) {
    const o = offset + Math.max(0, Math.ceil((it.t - offset) / every)) * every;
    if (o !== open) {
      open = o;
      done = o;
    }
    done += review;
    if (it.env >= 0) env.push({ ...it, at: done });
  }
  env.sort((a, b) => a.at - b.at);
  const free = new Float64Array(base.servers[envAt]);
  const wait = base.streamIds.map(() => 0);
  const over = base.streamIds.map(() => 0);
  for (const it of env) {
    let f = 0;
    for (let x = 1; x < free.length; x++) if (free[x] < free[f]) f = x;
    const start = Math.max(it.at, free[f]);
    free[f] = start + it.env;
    if (it.t <= base.warmup) continue;
    wait[it.i] += start - it.at;
    over[it.i] += Math.max(0, start - it.at + it.env - it.branch);
  }
  // Exact-expectation controls by time segment (the queue remembers weeks, not the whole year):
  // env work and its square over SEGMENTS pieces of the window and the 30 days before, pooled over
  // streams, each term over its stream's expected arrivals in the piece (Wald, per stream).
  const bounds = [base.warmup - PRE];
  for (let k = 0; k <= SEGMENTS; k++) bounds.push(base.warmup + (k * (base.end - base.warmup)) / SEGMENTS);
  const seg = new Float64Array(2 * (bounds.length - 1));
  for (const it of items) {
    const k = bounds.findIndex((b, x) => x > 0 && it.t <= b) - 1;
    if (k < 0 || it.t <= bounds[0]) continue;
    const E = plan[it.i].expected(bounds[k], bounds[k + 1]);
    const env = plan[it.i].steps.find((st) => st.stage === envAt);
    if (!env) continue;
    if (it.env >= 0) {
      seg[2 * k] += it.env / E;
      seg[2 * k + 1] += (it.env * it.env) / E;
    }
    // centring: each arrival of stream i carries its share p x E[g] of the expectation
    seg[2 * k] -= (env.p * env.d.mean) / E;
    seg[2 * k + 1] -= (env.p * (env.d.variance + env.d.mean ** 2)) / E;
  }
  return {
    syn: [...wait.map((w, i) => w / plan[i].expected(base.warmup, base.end)), ...over.map((w, i) => w / plan[i].expected(base.warmup, base.end))],
    seg: [...seg],
  };
}

// ---- The replay is the simulation's own draws: checked on one replication ---------------------

/** Each stream's arrivals in the window, and every service at platform_env (its process time,
 * matched by the item's number in order of arrival), replayed against the run's trace. */
function checkReplay(replication) {
  const seen = base.streamIds.map(() => 0);
  const started = new Map();
  const took = new Map();
  runReplication(base, seed, replication, {
    observer: {
      step(t, item, stream, stage, what) {
        if (what === 'arrive' && t > base.warmup && t <= base.end) seen[stream]++;
        if (stage !== envAt) return;
        if (what === 'start') started.set(item, t);
        if (what === 'finish') took.set(item, t - started.get(item));
      },
    },
  });
  const keys = drawKeys(base, seed, replication);
  const all = [];
  const counts = base.streamIds.map(() => 0);
  plan.forEach((p, i) => {
    for (const { t, k } of arrivalsOf(replication, i, base.end)) {
      if (t > base.warmup) counts[i]++;
      all.push({ t, i, k });
    }
  });
  all.sort((a, b) => a.t - b.t);
  let matched = 0;
  all.forEach((a, serial) => {
    if (!took.has(serial)) return;
    const s = plan[a.i].steps.find((x) => x.stage === envAt);
    keyStream(rng, keyedDraw(keys.service[s.step], itemKey(keys.item[a.i], a.k), 0));
    const v = sample(s.d, rng);
    if (Math.abs(v - took.get(serial)) > 1e-9 * (1 + v)) throw new Error(`replay: item ${serial}'s platform_env time ${v} is not the run's ${took.get(serial)}`);
    matched++;
  });
  if (counts.join() !== seen.join()) throw new Error(`replay: arrivals in the window ${counts} are not the run's ${seen}`);
  if (matched !== took.size) throw new Error(`replay: ${took.size - matched} platform_env services not replayed`);
  return { arrivals: counts.reduce((a, x) => a + x, 0), envServices: matched };
}

const check = checkReplay(0);

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
  envWait: r.stages[base.stageIds.indexOf('platform_env') * STAGE_FIGURES.length + STAGE_FIGURES.indexOf('wait')],
});

const rows = [];
let simMs = 0;
let replayMs = 0;
let synMs = 0;
const t0 = performance.now();
for (let r = 0; r < n; r++) {
  let t = performance.now();
  const b = figuresOf(base, baseModel, runReplication(base, seed, r));
  simMs += performance.now() - t;
  const s = scenarios.map((m, k) => figuresOf(m, scenarioModels[k], runReplication(m, seed, r)));
  t = performance.now();
  const c = controls(r);
  replayMs += performance.now() - t;
  t = performance.now();
  const { syn, seg } = syntheticEnv(r);
  synMs += performance.now() - t;
  rows.push({ b, s, c, syn, seg, envWait: b.envWait });
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
    const own = rows.map((row) => (row.b.lead[i][0] - sb.R * row.b.lead[i][1]) / sb.C);
    out.push({ name: `${id} mean`, y, of: sb.R, change: ss.R - sb.R, own });
    const p = rows.map((row) => row.s[k].p85[j] - row.b.p85[i]);
    out.push({ name: `${id} p85*`, y: p, of: mean(rows.map((row) => row.b.p85[i])), change: mean(p), own: rows.map((row) => row.b.p85[i]) });
  });
  const y = rows.map((row) => row.s[k].money - row.b.money);
  out.push({ name: 'money total', y, of: mean(rows.map((row) => row.b.money)), change: mean(y), own: rows.map((row) => row.b.money) });
  return out;
}

const N200 = 200;
const report = [];
const mats = SETS.map(([name, set]) => ({ name, X: matrix(set), q: set.length }));
const segX = rows[0].seg.map((_, k) => rows.map((row) => row.seg[k]));
mats.push({ name: `platform_env work and sq by ${SEGMENTS} pieces of the window and the ${PRE} days before, + set 4`, X: [...segX, ...mats[3].X], q: segX.length + mats[3].q });
// Diagnostics (D): what a control would need to explain; none has a known expectation.
const syn = rows[0].syn.map((_, k) => rows.map((row) => row.syn[k]));
mats.push({ name: "D oracle: the base run's own platform_env wait per visit", X: [rows.map((row) => row.envWait)], q: 1 });
mats.push({ name: 'D synthetic env queue: wait and overrun per stream', X: syn, q: syn.length });
mats.push({ name: 'D set 4 + synthetic env queue', X: [...mats[3].X, ...syn], q: mats[3].q + syn.length });
console.log(`models/acme-saas.yaml against scenarios/*.yaml: ${n} replications, seed ${seed}, one thread`);
console.log(`replay checked against replication 0's trace: ${check.arrivals} arrivals in the window and ${check.envServices} platform_env process times, all equal`);
console.log(`replay of the controls: ${(replayMs / n).toFixed(2)} ms a replication against ${(simMs / n).toFixed(2)} ms for the base's simulation (${((100 * replayMs) / simMs).toFixed(1)}%)`);
console.log(`synthetic env queue (diagnostic sets): ${(synMs / n).toFixed(2)} ms a replication`);
console.log('per figure: half-width at 200 replications without controls (% of base); then per set: variance reduction 1/(1-R2adj) [q] -> half-width at 200 with the controls (Lavenberg-Welch loss and t included)');
mats.forEach(({ name, q }, s) =>
  console.log(`  set ${s + 1}: ${name} (q = ${q}; at n = 200 Lavenberg-Welch loss ${((N200 - 2) / (N200 - q - 2)).toFixed(3)}, t ${(t975(N200 - q - 1) / t975(N200 - 1)).toFixed(3)})`),
);
// Every control's mean over the replications, in its own standard errors: exact expectations
// give |t| mostly below 2 and a maximum near sqrt(2 ln columns).
const tStats = columns.map((_, k) => {
  const xs = rows.map((row) => row.c[k]);
  const sd = Math.sqrt(variance(xs));
  return sd > 0 ? mean(xs) / (sd / Math.sqrt(n)) : 0;
});
const worstT = tStats.reduce((a, t, k) => (Math.abs(t) > Math.abs(a.t) ? { t, k } : a), { t: 0, k: -1 });
console.log(`controls' means against their exact expectations: ${tStats.filter((t) => Math.abs(t) > 1.96).length} of ${columns.length} beyond |t| 1.96, largest |t| ${Math.abs(worstT.t).toFixed(2)} (${columns[worstT.k]?.name})`);
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
    // The base's own figure as the control, its mean estimated from N base-only replications
    // (two-phase regression: Cochran, Sampling Techniques, 12.6; Pasupathy et al. 2012): variance
    // s2 (1 - R2) / n x loss + R2 s2 / N. The N that brings the half-width at n = 200 to 1%.
    const { r2: r2own } = rSquared(f.y, [f.own]);
    const adjOwn = 1 - ((1 - r2own) * (n - 1)) / (n - 2);
    const room = (0.01 * Math.abs(f.of) / t975(N200 - 2)) ** 2 - ((1 - adjOwn) * ((N200 - 2) / (N200 - 3)) * v) / N200;
    const needBase = room > 0 ? Math.max(N200, Math.ceil((adjOwn * v) / room)) : Infinity;
    const needPlain = Math.ceil((t975(N200) * Math.sqrt(v) / (0.01 * Math.abs(f.of))) ** 2);
    report.push({ scenario: scenarioFiles[k], figure: f.name, of: f.of, change: f.change, hw200, sets: cells, baseControl: { r2: r2own, needBase }, needPlain });
    console.log(
      `  ${f.name.padEnd(16)} ${hw200.toFixed(2).padStart(5)}%  ` + cells.map((c, s) => `${s + 1}: ${c.factor.toFixed(2)}x ${c.hw.toFixed(2)}%`).join('  ') +
        `  | base as control: R2 ${r2own.toFixed(3)}, base replications for 1% at n=200: ${needBase}; plain paired n for 1%: ${needPlain}`,
    );
  }
}
// --precision watches the pooled p85, whose interval is narrower than the per-replication proxy's:
// the counts are for the means and the money total.
const watched = report.filter((x) => !x.figure.endsWith('p85*'));
const worst = (key) => Math.max(...watched.map(key));
console.log(`\nmeans and money total within 1%: plain paired replications ${worst((x) => x.needPlain)}; with the base as its own control at n = 200 paired, base replications ${worst((x) => x.baseControl.needBase)}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ n, seed, replayMsPerReplication: replayMs / n, simMsPerReplication: simMs / n, sets: mats.map(({ name, q }) => ({ name, q })), report }, null, 1));
