// What merging one replication of the example against its scenarios costs the main thread: the
// Summaries and PairedDiffs fed 100 recorded replications, CPU ms per replication, median of 15.
// Usage: node bench/merge.mjs [dist folder=dist] (e.g. /tmp/old/dist for the build before a change)
const dist = new URL(process.argv[2] ?? "dist", `file://${process.cwd()}/`).pathname.replace(/\/$/, "");
const { loadModels, simulateModels } = await import(dist + "/index.js");
const { Summary, PairedDiff } = await import(dist + "/runner/summary.js");
const fs = await import("node:fs");
const files = ["models/acme-saas.yaml", ...fs.readdirSync("scenarios").map(f => "scenarios/" + f)];
const { models } = loadModels(files);
const reps = [];
await simulateModels(models, { replications: 100, workers: 2, onReplication: (r) => reps.push([...r]) });
const ids = models.map((m) => ({ streams: Object.keys(m.streams), stages: Object.keys(m.stages) }));
const once = () => {
  const summaries = ids.map((i) => new Summary(i.streams.length, i.stages.length));
  const diffs = ids.slice(1).map((i, k) => new PairedDiff(ids[0].streams, ids[0].stages, i.streams, i.stages, { base: summaries[0], scenario: summaries[k + 1] }));
  for (const results of reps) {
    for (let i = 1; i < results.length; i++) diffs[i - 1].add(results[0], results[i]);
    results.forEach((r, i) => summaries[i].add(r));
  }
  return diffs[0].stream(0, "leadTimeP85").difference.figure.ci95;
};
const times = [];
for (let i = 0; i < 15; i++) { const c = process.cpuUsage(); once(); const d = process.cpuUsage(c); times.push((d.user + d.system) / 1000 / reps.length); }
times.sort((a, b) => a - b);
console.log(dist, "merge ms per replication (6 models), median of 15:", times[7].toFixed(3), "ci", once());
