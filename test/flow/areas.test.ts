import { describe, expect, it } from "vitest";
import { BY_STREAM_FIGURES, STAGE_FIGURES, STREAM_FIGURES, compile, loadModel, runReplication, type TraceRow } from "../../src/index.js";

// The time-averaged figures (WIP, items waiting, servers busy) are kept as sums of durations with
// a correction scan at each end of the measured window (src/flow/measure.ts). Here they are
// rebuilt the slow, obvious way from a full trace: every interval an item spends in the system,
// waiting at a stage or in service, clipped to the window. The example model has every kind of
// step (weekly and size gates, priority queues, rework, optional and parallel steps), and the
// window's ends cut through work in flight on purpose. A trace runs the general loop; the loop
// written out per model gives the same figures to the bit (test/flow/specialize.test.ts).

/** Total length of the intervals [from, to) clipped to [w, e]. */
function clipped(intervals: Array<[number, number]>, w: number, e: number): number {
  let sum = 0;
  for (const [from, to] of intervals) sum += Math.max(0, Math.min(to, e) - Math.max(from, w));
  return sum;
}

/** Areas by stream and stage, from the trace rows of one replication that ended at `e`. */
function areasFromTrace(rows: TraceRow[], e: number) {
  const inSystem = new Map<string, Array<[number, number]>>();
  const waiting = new Map<string, Array<[number, number]>>();
  const busy = new Map<string, Array<[number, number]>>();
  const arrived = new Map<number, number>();
  const entered = new Map<string, number>(); // item/stage -> time
  const started = new Map<string, number>();
  const add = (map: Map<string, Array<[number, number]>>, key: string, from: number, to: number) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key)!.push([from, to]);
  };
  for (const r of rows) {
    const key = `${r.item}/${r.stage}`;
    if (r.what === "arrive") arrived.set(r.item, r.time);
    else if (r.what === "done") {
      add(inSystem, r.stream, arrived.get(r.item)!, r.time);
      arrived.delete(r.item);
    } else if (r.what === "enter") entered.set(key, r.time);
    else if (r.what === "start") {
      add(waiting, r.stage!, entered.get(key)!, r.time);
      add(waiting, `${r.stream}/${r.stage}`, entered.get(key)!, r.time);
      entered.delete(key);
      started.set(key, r.time);
    } else if (r.what === "finish") {
      add(busy, r.stage!, started.get(key)!, r.time);
      started.delete(key);
    }
  }
  // Still open at the end: in the system, waiting, in service.
  const streamOf = new Map(rows.map((r) => [r.item, r.stream]));
  for (const [item, t] of arrived) add(inSystem, streamOf.get(item)!, t, e);
  for (const [key, t] of entered) {
    const stage = key.slice(key.indexOf("/") + 1);
    add(waiting, stage, t, e);
    add(waiting, `${streamOf.get(Number(key.slice(0, key.indexOf("/"))))}/${stage}`, t, e);
  }
  for (const [key, t] of started) add(busy, key.slice(key.indexOf("/") + 1), t, e);
  return { inSystem, waiting, busy };
}

describe("WIP, queue length and utilization from sums of durations", () => {
  // The third makes the weekly board's gate a priority gate (its items held by rank).
  for (const [warmup, horizon, ...set] of [
    [30.3, 61.7],
    [0, 45.1],
    [20.2, 50.9, "stages.arch_review.policy=priority"],
  ] as [number, number, ...string[]][]) {
    it(`agree with the trace's intervals clipped to the window (warm-up ${warmup}, horizon ${horizon}${set.length ? `, ${set}` : ""})`, () => {
      const model = loadModel("models/acme-saas.yaml", { set: [`warmup=${warmup}`, `horizon=${horizon}`, ...set] });
      const m = compile(model);
      const r = runReplication(m, 11, 0, { trace: true });
      const w = warmup;
      const e = warmup + horizon;
      const span = e - w;
      const { inSystem, waiting, busy } = areasFromTrace(r.trace!, e);
      const close = (actual: number, expected: number, what: string) => {
        expect(expected, what).toBeGreaterThan(0); // every area here is a real one, so the check can fail
        expect(Math.abs(actual - expected) / expected, what).toBeLessThan(1e-9);
      };
      const sf = (name: string) => STREAM_FIGURES.indexOf(name as never);
      const gf = (name: string) => STAGE_FIGURES.indexOf(name as never);
      m.streamIds.forEach((id, i) => {
        close(r.streams[i * STREAM_FIGURES.length + sf("wip")] * span, clipped(inSystem.get(id) ?? [], w, e), `wip of ${id}`);
      });
      m.stageIds.forEach((id, s) => {
        const o = s * STAGE_FIGURES.length;
        close(r.stages[o + gf("utilization")] * m.servers[s] * span, clipped(busy.get(id) ?? [], w, e), `busy servers at ${id}`);
        const queued = clipped(waiting.get(id) ?? [], w, e);
        if (queued > 0) close(r.stages[o + gf("queueLength")] * span, queued, `waiting at ${id}`);
        else expect(r.stages[o + gf("queueLength")], `waiting at ${id}`).toBe(0);
      });
      // Each stream's items waiting at each stage (byStream), and its visits summing to the stage's.
      const K = BY_STREAM_FIGURES.length;
      const bf = (name: string) => BY_STREAM_FIGURES.indexOf(name as never);
      let streamAreas = 0;
      m.stageIds.forEach((stage, s) => {
        let visits = 0;
        m.streamIds.forEach((stream, i) => {
          const o = (i * m.stageIds.length + s) * K;
          visits += r.byStream[o + bf("visits")];
          const queued = clipped(waiting.get(`${stream}/${stage}`) ?? [], w, e);
          if (queued > 0) {
            close(r.byStream[o + bf("waiting")] * span, queued, `${stream}'s items waiting at ${stage}`);
            streamAreas++;
          } else expect(r.byStream[o + bf("waiting")], `${stream}'s items waiting at ${stage}`).toBe(0);
        });
        expect(visits, `visits at ${stage}`).toBe(r.stages[s * STAGE_FIGURES.length + gf("visits")]);
      });
      expect(streamAreas).toBeGreaterThan(10);
    });
  }
});
