// How many replications `compare --precision 0.01` takes for one future state at a time, the
// workshop's question ("and what if security had an intake checklist?"), by build, seed and size
// of the first round; and the whole process's wall time for the default command. Replication
// counts do not depend on the machine; the wall times are medians of fresh processes, alternating
// builds round by round.
// Usage: node bench/rounds.mjs [dist ...]   (default: dist; e.g. /tmp/before/dist dist)
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const builds = process.argv.slice(2).length ? process.argv.slice(2) : ['dist'];
const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`);
const seeds = [42, 1, 2, 3, 4];
const firsts = [10, 30];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const counts = {}; // build -> scenario -> first -> [replications per seed]
for (const dist of builds) {
  const lib = await import(resolve(dist, 'index.js'));
  counts[dist] = {};
  for (const file of scenarios) {
    const { models } = lib.loadModels(['models/acme-saas.yaml', file]);
    counts[dist][file] = {};
    for (const first of firsts) {
      counts[dist][file][first] = [];
      for (const seed of seeds) {
        const o = await lib.simulateModels(models, { replications: first, precision: 0.01, seed, workers: 1 });
        counts[dist][file][first].push({ n: o.replications, achieved: o.precision.worst, reached: o.precision.reached });
      }
    }
  }
}
console.log(`compare models/acme-saas.yaml <one scenario> --precision 0.01: replications (seeds ${seeds.join(', ')}), median and worst achieved half-width`);
for (const file of scenarios) {
  for (const first of firsts) {
    const cells = builds.map((dist) => {
      const runs = counts[dist][file][first];
      const ns = runs.map((r) => r.n);
      const missed = runs.filter((r) => !r.reached).length;
      return `${dist}: ${ns.join(' ')} (median ${median(ns)}, total ${ns.reduce((a, b) => a + b, 0)}; widest ±${(100 * Math.max(...runs.map((r) => r.achieved))).toFixed(2)}%${missed ? `, ${missed} not reached` : ''})`;
    });
    console.log(`${file.replace('scenarios/', '').padEnd(36)} -r ${String(first).padStart(2)}  ${cells.join('   ')}`);
  }
}

// Wall time of the whole process for the default command (first round 30), one scenario.
const rounds = 5;
const wall = {};
for (const file of ['scenarios/security-intake-checklist.yaml', 'scenarios/daily-arch-review.yaml']) {
  wall[file] = Object.fromEntries(builds.map((d) => [d, []]));
  for (let r = 0; r < rounds; r++) {
    for (const dist of r % 2 ? [...builds].reverse() : builds) {
      const start = performance.now();
      execFileSync(process.execPath, [resolve(dist, 'cli/main.js'), 'compare', 'models/acme-saas.yaml', file, '--precision', '0.01', '-q'], { stdio: 'ignore' });
      wall[file][dist].push((performance.now() - start) / 1000);
    }
  }
  console.log(`wall, vsm compare models/acme-saas.yaml ${file} --precision 0.01 (medians of ${rounds}): ${builds.map((d) => `${d} ${median(wall[file][d]).toFixed(2)} s`).join(', ')}`);
}
