// The command line's start-up: wall time of `vsm --version` and `vsm validate models/acme-saas.yaml`
// in fresh processes, builds alternating round by round, medians.
// Usage: node bench/startup.mjs [rounds=9] [main.js ...]   (default: dist/cli/main.js)
import { execFileSync } from 'node:child_process';

const [roundsArg = '9', ...mains] = process.argv.slice(2);
const builds = mains.length ? mains : ['dist/cli/main.js'];
const commands = [['--version'], ['validate', 'models/acme-saas.yaml']];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = builds.map(() => commands.map(() => []));
for (let r = 0; r < Number(roundsArg); r++) {
  for (const [b, main] of builds.entries()) {
    commands.forEach((args, c) => {
      const start = performance.now();
      execFileSync(process.execPath, [main, ...args], { stdio: 'ignore' });
      times[b][c].push(performance.now() - start);
    });
  }
}
builds.forEach((main, b) => console.log(`${main}: ${commands.map((a, c) => `vsm ${a.join(' ')} ${median(times[b][c]).toFixed(0)} ms`).join(', ')}`));
