// Two workers against one on the example's compare, as a user runs it: wall time of the whole
// process (start-up, loading, replications, output), fresh processes, alternating, medians.
// Usage: node bench/workers.mjs [rounds=5] [main.js ...]   (default: dist/cli/main.js)
// Several builds (e.g. the commit before a change, built into /tmp/old: git archive <commit> | tar
// -x -C /tmp/old, link node_modules, npx tsc -p tsconfig.build.json && node scripts/stamp-build.mjs)
// are measured round by round in turn, so they share the machine's moods.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const [roundsArg = '5', ...mains] = process.argv.slice(2);
const builds = mains.length ? mains : ['dist/cli/main.js'];
const rounds = Number(roundsArg);
const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`);
const args = (w) => ['compare', 'models/acme-saas.yaml', ...scenarios, '-r', '200', '-w', String(w), '-q'];

function wall(main, w) {
  const start = performance.now();
  execFileSync(process.execPath, [main, ...args(w)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - start) / 1000;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const times = builds.map(() => ({ 1: [], 2: [] }));
for (let r = 0; r < rounds; r++) {
  for (const [b, main] of builds.entries()) {
    // Alternate which worker count goes first.
    for (const w of r % 2 === 0 ? [1, 2] : [2, 1]) times[b][w].push(wall(main, w));
  }
}
console.log(`compare models/acme-saas.yaml + ${scenarios.length} scenarios -r 200; ${rounds} rounds; seconds of wall time`);
builds.forEach((main, b) => {
  const t = times[b];
  const f = (xs) => xs.map((x) => x.toFixed(2)).join(' ');
  console.log(`${main}\n  -w 1: median ${median(t[1]).toFixed(2)} (${f(t[1])})\n  -w 2: median ${median(t[2]).toFixed(2)} (${f(t[2])})\n  -w 1 / -w 2: ${(median(t[1]) / median(t[2])).toFixed(2)}x`);
});
