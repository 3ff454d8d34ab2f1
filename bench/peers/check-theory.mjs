// Checks every peer implementation against queueing theory before its speed is worth quoting.
// Usage: node bench/peers/check-theory.mjs [--reps N] [--quick]
// Each figure: mean over N independent seeds, 95% Student-t half-width, theory, and whether the
// theory value lies inside the interval. Runs are sequential in this process (not timed).
import { runMinimalJackson, runMinimalMM2 } from './minimal-loop.mjs';
import { runSimjsJackson, runSimjsJacksonUntil, runSimjsMM2 } from './simjs-models.mjs';
import { jacksonTheory, mm2Theory } from './theory.mjs';

// Two-sided 95% Student t quantiles, df = 1..30 (then 1.96).
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
  2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052,
  2.048, 2.045, 2.042];

/** Mean and 95% half-width of a sample (Welford). */
export function meanCI(xs) {
  let n = 0, mean = 0, m2 = 0;
  for (const x of xs) {
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  if (n < 2) return { n, mean, half: null };
  const t = T975[n - 2] ?? 1.96;
  return { n, mean, half: t * Math.sqrt(m2 / (n - 1) / n) };
}

function row(label, xs, theory) {
  const { n, mean, half } = meanCI(xs);
  const ok = half === null ? '?' : Math.abs(mean - theory) <= half ? 'ok' : 'OUTSIDE';
  const hw = half === null ? 'n/a' : half.toFixed(4);
  console.log(`${label.padEnd(38)} n=${String(n).padStart(2)}  ${mean.toFixed(4)} ± ${hw}  theory ${theory.toFixed(4)}  ${ok}`);
  return ok !== 'OUTSIDE';
}

function seeds(n) {
  return Array.from({ length: n }, (_, i) => 1000 + i);
}

function main() {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const repsAt = args.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : quick ? 5 : 10;
  const scale = quick ? 0.1 : 1;
  const mm2 = mm2Theory();
  const jk = jacksonTheory();
  let allOk = true;

  const mmN = Math.round(2_000_000 * scale);
  const jkN = Math.round(1_000_000 * scale);
  console.log(`Model A M/M/2 (lambda 9, mu 5, rho 0.9), ${mmN} completions per seed`);
  allOk = row('minimal  mean lead time', seeds(reps).map((seed) => runMinimalMM2({ completions: mmN, seed }).meanLeadTime), mm2.meanLeadTime) && allOk;
  const sjA = seeds(Math.max(2, Math.ceil(reps / 2))).map((seed) => runSimjsMM2({ completions: mmN, seed }));
  allOk = row('simjs    mean lead time', sjA.map((r) => r.meanLeadTime), mm2.meanLeadTime) && allOk;
  allOk = row('simjs    mean wait', sjA.map((r) => r.meanWait.S), mm2.meanWait) && allOk;

  console.log(`\nModel B Jackson network, ${jkN} completions per seed`);
  allOk = row('minimal  mean lead time', seeds(reps).map((seed) => runMinimalJackson({ completions: jkN, seed }).meanLeadTime), jk.meanLeadTime) && allOk;
  const sjB = seeds(Math.max(2, Math.ceil(reps / 2))).map((seed) => runSimjsJackson({ completions: jkN, seed }));
  allOk = row('simjs    mean lead time', sjB.map((r) => r.meanLeadTime), jk.meanLeadTime) && allOk;
  for (const s of ['S1', 'S2', 'S3']) {
    allOk = row(`simjs    mean wait ${s}`, sjB.map((r) => r.meanWait[s]), jk.meanWait[s]) && allOk;
  }

  const until = 250_000 * scale;
  const warmup = 2_000 * scale;
  console.log(`\nOracle runSimjsJacksonUntil, until ${until}, warmup ${warmup}`);
  const orc = seeds(reps).map((seed) => runSimjsJacksonUntil({ until, warmup, seed }));
  allOk = row('oracle   mean lead time', orc.map((r) => r.meanLeadTime), jk.meanLeadTime) && allOk;
  allOk = row('oracle   throughput', orc.map((r) => r.throughput), 4) && allOk;
  for (const s of ['S1', 'S2', 'S3']) {
    allOk = row(`oracle   mean wait ${s}`, orc.map((r) => r.meanWait[s]), jk.meanWait[s]) && allOk;
    allOk = row(`oracle   utilization ${s}`, orc.map((r) => r.utilization[s]), jk.utilization[s]) && allOk;
  }
  // With 95% intervals, about 1 row in 20 lands OUTSIDE by chance alone; rerun with other --reps.
  console.log(allOk ? '\nall figures inside their 95% intervals' : '\nsome figure OUTSIDE its 95% interval');
  process.exitCode = allOk ? 0 : 1;
}

main();
