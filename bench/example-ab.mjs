// Events per second of the example model under two builds, in fresh processes, alternating:
// `vsm run <model> -w 1 -r <reps> --json`, performance.eventsPerSecond, medians and their ratio.
// Usage: node bench/example-ab.mjs <old main.js> <new main.js> [rounds=7] [reps=50] [model=models/acme-saas.yaml]
// e.g. build the commit before a change into /tmp/old (git archive <commit> | tar -x -C /tmp/old,
// link node_modules, npx tsc -p tsconfig.build.json), then
// node bench/example-ab.mjs /tmp/old/dist/cli/main.js dist/cli/main.js
import { execFileSync } from 'node:child_process';

const [oldMain, newMain, roundsArg = '7', repsArg = '50', model = 'models/acme-saas.yaml'] = process.argv.slice(2);
if (!oldMain || !newMain) {
  process.stderr.write('usage: node bench/example-ab.mjs <old main.js> <new main.js> [rounds] [reps] [model]\n');
  process.exit(2);
}
const rounds = Number(roundsArg);

function eventsPerSecond(main) {
  const out = execFileSync(process.execPath, [main, 'run', model, '-w', '1', '-r', repsArg, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out).performance.eventsPerSecond;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const olds = [];
const news = [];
for (let r = 0; r < rounds; r++) {
  // Alternate which build goes first, so neither always runs on a warmer or cooler machine.
  if (r % 2 === 0) {
    olds.push(eventsPerSecond(oldMain));
    news.push(eventsPerSecond(newMain));
  } else {
    news.push(eventsPerSecond(newMain));
    olds.push(eventsPerSecond(oldMain));
  }
}
const m = (xs) => (median(xs) / 1e6).toFixed(3);
console.log(`${model}, -w 1 -r ${repsArg}, ${rounds} rounds; M events/s`);
console.log(`old: median ${m(olds)} (${olds.map((x) => (x / 1e6).toFixed(2)).join(' ')})`);
console.log(`new: median ${m(news)} (${news.map((x) => (x / 1e6).toFixed(2)).join(' ')})`);
console.log(`new / old: ${(median(news) / median(olds)).toFixed(3)}x`);
