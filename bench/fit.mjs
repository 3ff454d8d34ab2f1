// Speed and memory of `vsm fit` on a large tracker export: writes ROWS synthetic status rows
// (default 500,000) to a temporary CSV, then reads and fits them in a child process (built code,
// dist/) and reports rows per second and the child's peak resident memory.
// Usage: npm run build && node bench/fit.mjs [ROWS]
// Synthetic, not simulated: items arrive 50 a day and pass To Do, In Progress, In Review, Ready for
// QA, In QA (a fifth go back once), Ready to Release, Done, with times from a fixed LCG.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.argv[2] === '--child') {
  const { readStatusMap, tallyTrackerLog, fitTally, fittedModelText } = await import('../dist/index.js');
  const t0 = performance.now();
  const map = readStatusMap(process.argv[4]);
  // As vsm fit does it: one pass, each item reduced as its rows end (a grouped export).
  const { tally, log } = await tallyTrackerLog(process.argv[3], map);
  const t1 = performance.now();
  const text = fittedModelText(fitTally(tally, log));
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ rows: log.rows, items: log.items, grouped: log.grouped, maxHeld: log.maxHeld, readSeconds: (t1 - t0) / 1000, fitSeconds: (t2 - t1) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, modelBytes: text.length }));
  process.exit(0);
}

const target = Number(process.argv[2] ?? 500_000);
const dir = mkdtempSync(join(tmpdir(), 'vsm-bench-fit-'));
const csv = join(dir, 'export.csv');
const map = join(dir, 'map.yaml');
writeFileSync(map, `streams: { Story: story, Bug: bug }
stages: { "In Progress": dev, "In Review": review, "In QA": qa, "Releasing": release }
waits: { "To Do": dev, "Ready for QA": qa, "Ready to Release": release }
done: ["Done"]
`);
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const DAY = 86_400_000;
const t0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', '+00:00');
const out = createWriteStream(csv);
out.write('Issue key,Issue Type,Status,Entered,Left\n');
let rows = 0;
let buf = '';
for (let i = 0; rows < target; i++) {
  let t = t0 + (i / 50) * DAY;
  const type = rnd() < 0.6 ? 'Story' : 'Bug';
  const step = (status, days) => {
    const e = t;
    t += days * DAY;
    buf += `ACME-${i},${type},${status},${iso(e)},${iso(t)}\n`;
    rows++;
  };
  step('To Do', rnd() * 2);
  const passes = rnd() < 0.2 ? 2 : 1;
  for (let p = 0; p < passes; p++) {
    step('In Progress', -Math.log(1 - rnd()) * 2);
    step('In Review', rnd() * 0.5);
    step('Ready for QA', rnd());
    step('In QA', rnd() * 0.8);
  }
  step('Ready to Release', rnd() * 7);
  step('Releasing', 0.01);
  buf += `ACME-${i},${type},Done,${iso(t)},\n`;
  rows++;
  if (buf.length > 1 << 20) {
    if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
    buf = '';
  }
}
out.write(buf);
await new Promise((r) => out.end(r));
const size = statSync(csv).size;
const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', csv, map], { encoding: 'utf8' });
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); else console.log(dir);
if (child.status !== 0) {
  process.stderr.write(child.stderr);
  process.exit(1);
}
const r = JSON.parse(child.stdout);
const total = r.readSeconds + r.fitSeconds;
console.log(`${r.rows} rows (${(size / 1048576).toFixed(1)} MiB, ${r.items} items): read ${r.readSeconds.toFixed(2)} s, fit ${r.fitSeconds.toFixed(2)} s, ${Math.round(r.rows / total)} rows/s; peak RSS ${r.maxRssMiB.toFixed(0)} MiB${r.grouped === undefined ? '' : `; grouped by item: ${r.grouped}, at most ${r.maxHeld} item(s) held`}`);
