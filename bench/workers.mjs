// Two workers against one on the example's compare, as a user runs it: wall time of the whole
// process (start-up, loading, replications, output), fresh processes, alternating, medians.
// Usage: node bench/workers.mjs [rounds=5] [--ceiling] [main.js ...]   (default: dist/cli/main.js)
// Several builds (e.g. the commit before a change, built into /tmp/old: git archive <commit> | tar
// -x -C /tmp/old, link node_modules, npx tsc -p tsconfig.build.json && node scripts/stamp-build.mjs)
// are measured round by round in turn, so they share the machine's moods.
//
// --ceiling also measures, in the same rounds, what this machine gives the perfect split: two
// independent `-w 1` processes started together, each running 100 replications (seeds 42 and 4242:
// the same work as the 200 to within 0.4% of events, and no shared work), against one process
// running all 200. No pool can beat that. Then one such half alone (how much slower each runs side
// by side), and `-w 1` under `node --single-threaded` (V8 without its background compiler and
// garbage-collector threads): how much of the second core a single worker already uses.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const argv = process.argv.slice(2);
const ceiling = argv.includes('--ceiling');
const [roundsArg = '5', ...mains] = argv.filter((a) => a !== '--ceiling');
const builds = mains.length ? mains : ['dist/cli/main.js'];
const rounds = Number(roundsArg);
const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`);
const args = (w, r = 200, seed = 42) => ['compare', 'models/acme-saas.yaml', ...scenarios, '-r', String(r), '-w', String(w), '--seed', String(seed), '-q'];

function wall(main, w, flags = []) {
  const start = performance.now();
  execFileSync(process.execPath, [...flags, main, ...args(w)], { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - start) / 1000;
}
const child = (main, seed) =>
  new Promise((done, fail) => {
    const c = spawn(process.execPath, [main, ...args(1, 100, seed)], { stdio: ['ignore', 'ignore', 'inherit'] });
    c.on('error', fail).on('exit', (code) => (code === 0 ? done() : fail(new Error(`exit ${code}`))));
  });
async function half(main) {
  const start = performance.now();
  await child(main, 42);
  return (performance.now() - start) / 1000;
}
async function halves(main) {
  const start = performance.now();
  await Promise.all([child(main, 42), child(main, 4242)]);
  return (performance.now() - start) / 1000;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const kinds = ceiling ? ['1', '2', 'halves', 'half', 'single-threaded'] : ['1', '2'];
const times = builds.map(() => Object.fromEntries(kinds.map((k) => [k, []])));
for (let r = 0; r < rounds; r++) {
  for (const [b, main] of builds.entries()) {
    // Rotate which kind goes first.
    const order = kinds.map((_, i) => kinds[(i + r) % kinds.length]);
    for (const k of order) {
      if (k === 'halves') times[b][k].push(await halves(main));
      else if (k === 'half') times[b][k].push(await half(main));
      else if (k === 'single-threaded') times[b][k].push(wall(main, 1, ['--single-threaded']));
      else times[b][k].push(wall(main, Number(k)));
    }
  }
}
console.log(`compare models/acme-saas.yaml + ${scenarios.length} scenarios -r 200; ${rounds} rounds; seconds of wall time`);
builds.forEach((main, b) => {
  const t = times[b];
  const f = (xs) => xs.map((x) => x.toFixed(2)).join(' ');
  const m = (k) => median(t[k]);
  console.log(`${main}\n  -w 1: median ${m('1').toFixed(2)} (${f(t['1'])})\n  -w 2: median ${m('2').toFixed(2)} (${f(t['2'])})\n  -w 1 / -w 2: ${(m('1') / m('2')).toFixed(2)}x`);
  if (!ceiling) return;
  console.log(`  two -w 1 processes at once, -r 100 each: median ${m('halves').toFixed(2)} (${f(t.halves)})`);
  console.log(`  -w 1 / two halves at once (the perfect split's ceiling here): ${(m('1') / m('halves')).toFixed(2)}x`);
  console.log(`  -w 2 reaches ${((100 * m('halves')) / m('2')).toFixed(0)}% of that ceiling`);
  console.log(`  one half alone: median ${m('half').toFixed(2)} (${f(t.half)}); side by side each takes ${((100 * (m('halves') - m('half'))) / m('half')).toFixed(0)}% longer`);
  console.log(`  -w 1 with node --single-threaded: median ${m('single-threaded').toFixed(2)} (${f(t['single-threaded'])}); V8's background threads take ${((100 * (m('single-threaded') - m('1'))) / m('single-threaded')).toFixed(0)}% off a single worker's time`);
});
