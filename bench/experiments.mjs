// Speed of `vsm sweep` and `vsm place` on the example (models/acme-saas.yaml, 30 replications):
// wall time of each in a fresh process (built code, dist/, loading included), points per second
// (a point is one model run for every replication, the base counted), and peak resident memory.
// Usage: npm run build && node bench/experiments.mjs [WORKERS] [ROUNDS]
// Results by hand in bench/EXPERIMENTS.md; never timed in a test.
import { spawnSync } from 'node:child_process';

if (process.argv[2] === '--child') {
  const { loadModel, parseVary, pointModels, sweep, place } = await import('../dist/index.js');
  const [, , , kind, workers] = process.argv;
  const file = 'models/acme-saas.yaml';
  const t0 = performance.now();
  const base = loadModel(file);
  let points;
  let detail;
  if (kind === 'sweep') {
    const vary = [parseVary('stages.security.servers=2..5'), parseVary('stages.security.policy=fifo,priority'), parseVary('stages.qa.servers=5,6')];
    const { changes, models } = pointModels(file, vary);
    const doc = await sweep(base, models, changes, vary.map((v) => v.path), { workers: Number(workers) });
    points = doc.points.length + 1;
    detail = `${doc.points.length} points x ${doc.base.replications} replications`;
  } else {
    const doc = await place(base, { hires: 2, workers: Number(workers) });
    // Screened at screenReplications, verified at full: counted in full-replication points.
    points = ((doc.screened + 1) * doc.screenReplications + (Math.min(doc.screened || 8, 8) + 1) * doc.replications) / doc.replications;
    detail = `${doc.screened} placements screened at ${doc.screenReplications}, best 8 at ${doc.replications}; best ${JSON.stringify(doc.placements[0].hires)}`;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ kind, workers: Number(workers), seconds, points, detail, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const workers = Number(process.argv[2] ?? 1);
const rounds = Number(process.argv[3] ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| experiment | workers | wall s (median) | points per s | peak RSS MiB | what |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const kind of ['sweep', 'place']) {
  const runs = [];
  for (let i = 0; i < rounds; i++) {
    const r = spawnSync(process.execPath, ['bench/experiments.mjs', '--child', kind, String(workers)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    runs.push(JSON.parse(r.stdout));
  }
  const s = median(runs.map((r) => r.seconds));
  const last = runs[runs.length - 1];
  console.log(`| ${kind} | ${workers} | ${s.toFixed(2)} | ${(last.points / s).toFixed(1)} | ${Math.round(median(runs.map((r) => r.maxRssMiB)))} | ${last.detail} |`);
}
