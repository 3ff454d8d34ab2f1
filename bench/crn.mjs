// How much common random numbers narrow a comparison: for every scenario of the example and every
// stream, the unpaired 95% half-width of the change in mean lead time (base's and scenario's own
// half-widths in quadrature, as two independent runs would give) over the paired one (the change
// replication by replication), under two builds side by side: "before" (one random stream per
// stage, handed out in service order) and "after" (keyed draws per item, engine/keyed.ts).
// Also the replications --precision 0.01 takes on the comparison under each build.
// Usage: node bench/crn.mjs <before dist/index.js> <after dist/index.js> [replications=100] [seed=1]
// "before" is main's build from before the change, e.g.:
//   git archive <commit> | tar -x -C /tmp/before && cd /tmp/before && ln -s <repo>/node_modules && npx tsc -p tsconfig.build.json
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [beforeLib, afterLib, repsArg = '100', seedArg = '1'] = process.argv.slice(2);
if (!beforeLib || !afterLib) {
  process.stderr.write('usage: node bench/crn.mjs <before dist/index.js> <after dist/index.js> [replications] [seed]\n');
  process.exit(2);
}
const replications = Number(repsArg);
const seed = Number(seedArg);
const scenarioFiles = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();

async function ratios(lib) {
  const m = await import(pathToFileURL(resolve(lib)).href);
  const base = m.loadModel(resolve('models/acme-saas.yaml'));
  const scenarios = scenarioFiles.map((f) => m.loadModel(resolve('scenarios', f)));
  const t0 = performance.now();
  const doc = await m.compare(base, scenarios, { replications, seed, workers: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const out = {};
  doc.scenarios.forEach((s, i) => {
    out[scenarioFiles[i]] = {};
    for (const id of Object.keys(doc.base.streams)) {
      const d = s.diff.streams[id]?.leadTime.mean;
      if (!d || d.ci95 == null) continue;
      const unpaired = Math.hypot(doc.base.streams[id].leadTime.mean.ci95, s.run.streams[id].leadTime.mean.ci95);
      out[scenarioFiles[i]][id] = unpaired / d.ci95;
    }
  });
  const precise = await m.compare(base, scenarios, { precision: 0.01, seed, workers: 1, maxReplications: 5000 });
  return { out, seconds, precision: { replications: precise.base.replications, ...precise.base.precision } };
}

const before = await ratios(beforeLib);
const after = await ratios(afterLib);
console.log(`models/acme-saas.yaml against scenarios/*.yaml, ${replications} replications, seed ${seed}, one thread`);
console.log('unpaired / paired 95% half-width of the change in mean lead time, by stream: before -> after');
for (const f of scenarioFiles) {
  const cells = Object.keys(after.out[f]).map((id) => `${id} ${before.out[f][id]?.toFixed(1) ?? '-'} -> ${after.out[f][id].toFixed(1)}`);
  console.log(`  ${f.padEnd(36)} ${cells.join(', ')}`);
}
console.log(`--precision 0.01 on the comparison: before ${JSON.stringify(before.precision)}, after ${JSON.stringify(after.precision)}`);
