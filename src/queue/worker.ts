import { hostname } from "node:os";
import { UnrecoverableError, Worker } from "bullmq";
import { pool } from "../runner/executor.js";
import type { RunSpec } from "../runner/protocol.js";
import { type QueueAddress, redisOptions } from "./address.js";
import { connect } from "./connection.js";
import { decode, encode } from "./codec.js";
import { type ChunkJob, QUEUE_NAME, QUEUE_PREFIX, RESULT_SECONDS, resultKey, runKey } from "./protocol.js";
import { buildHere } from "./version.js";

export interface WorkerOptions {
  /** Worker threads; each holds up to two chunks. */
  threads: number;
  /** How long a chunk's lock lasts without renewal before another worker may take the chunk
   * back: a worker that dies costs about this much. BullMQ's default is 30 s. */
  stallSeconds?: number;
  log?: (line: string) => void;
  /** For the version-check test only: act as another build. */
  build?: string;
}

/** Chunks of this many runs keep their spec here, so a run's spec is read once per worker. */
const SPECS_KEPT = 8;

/**
 * `vsm worker`: takes chunks from the queue and runs them on its own thread pool. The pool's threads
 * keep this process's event loop free, so the chunk locks are renewed while replications run; a
 * worker that dies stops renewing, and another worker's stalled-job check puts its chunk back in
 * line (BullMQ moves a stalled job back to waiting).
 */
export async function startWorker(address: QueueAddress, o: WorkerOptions): Promise<{ name: string; close(): Promise<void> }> {
  const log = o.log ?? (() => {});
  const redis = await connect(address);
  const here = buildHere();
  const build = o.build ?? here.build;
  const name = `${hostname()}:${process.pid}`;
  const threads = pool(o.threads);
  const specs = new Map<string, RunSpec>();
  const lockMs = (o.stallSeconds ?? 30) * 1000;

  const spec = async (run: string): Promise<RunSpec> => {
    const kept = specs.get(run);
    if (kept) return kept;
    const text = await redis.get(runKey(run));
    // The submitter deletes the spec when the run ends or is cancelled: the chunk is dropped.
    if (text === null) throw new UnrecoverableError(`run ${run} is over (finished or cancelled): chunk dropped`);
    const s = decode<RunSpec>(text);
    specs.set(run, s);
    if (specs.size > SPECS_KEPT) specs.delete(specs.keys().next().value!);
    return s;
  };

  const worker = new Worker<ChunkJob, string>(
    QUEUE_NAME,
    async (job) => {
      const d = job.data;
      if (d.build !== build) {
        const why = `worker ${name} refused chunk ${d.chunk} of run ${d.run}: it runs vsm-sim ${here.version} build ${build.slice(0, 12)}, the run was submitted from vsm-sim ${d.version} build ${String(d.build).slice(0, 12)}; every worker must run the submitter's version`;
        log(why);
        throw new UnrecoverableError(why);
      }
      log(`chunk ${d.chunk} of run ${d.run}: replications ${d.first}..${d.first + d.count - 1}`);
      const s = await spec(d.run);
      const res = await threads.run({ ...s, first: d.first, count: d.count });
      await redis.set(resultKey(job.id!), encode(res.results), "EX", RESULT_SECONDS);
      return "";
    },
    {
      connection: redisOptions(address, { blocking: true, retrySeconds: 3600 }),
      prefix: QUEUE_PREFIX,
      // Two chunks a thread, as the local pool keeps two tasks a thread (runner/executor.ts): the
      // next chunk is in hand when a thread finishes, instead of a round trip to Redis later.
      concurrency: 2 * o.threads,
      name,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A chunk is put back each time its worker dies; only a chunk that kills several is failed.
      maxStalledCount: 3,
    },
  );
  worker.on("error", (e) => log(`queue error: ${e.message}`));
  await worker.waitUntilReady();
  log(`worker ${name}: ${o.threads} thread${o.threads === 1 ? "" : "s"}, vsm-sim ${here.version} build ${build.slice(0, 12)}, listening on ${address.shown}`);
  return {
    name,
    async close() {
      // Chunks in hand are finished and handed back first (BullMQ's close waits for them).
      await worker.close();
      await threads.close();
      redis.disconnect();
    },
  };
}
