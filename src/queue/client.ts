import { randomUUID } from "node:crypto";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { ReplicationResult } from "../flow/results.js";
import type { RemoteExecutor, RunSpec } from "../runner/protocol.js";
import { type QueueAddress, QueueError, redisOptions } from "./address.js";
import { connect } from "./connection.js";
import { decode, encode } from "./codec.js";
import { type ChunkJob, QUEUE_NAME, QUEUE_PREFIX, RUN_SPEC_SECONDS, jobId, resultKey, runKey } from "./protocol.js";
import { buildHere } from "./version.js";

export interface QueueRunOptions {
  /** Replications per chunk; default about CHUNK_SECONDS of work, and at least MIN_CHUNKS chunks. */
  chunk?: number;
  /** Chunks enqueued and not yet back, at most: what this process may have to hold. */
  inFlight?: number;
  /** Notes for the user (no worker listening yet). */
  onNote?: (line: string) => void;
  /** For the version-check test only: submit as another build. */
  build?: string;
}

/** Work per chunk: a job costs a few round trips to Redis (bench/queue.mjs), a chunk should
 * dwarf them; a smaller chunk balances better and loses less when a worker dies. */
export const CHUNK_SECONDS = 0.25;
/** A run is cut into at least this many chunks, so that many machines share it. */
const MIN_CHUNKS = 64;
const IN_FLIGHT = 256;
/** How often the submitter looks for chunks whose completion it did not hear (a trimmed events
 * stream, a reconnection), and how long it waits for chunks still running after a cancel. */
const WATCH_SECONDS = 2;
const DRAIN_SECONDS = 15;
/** A lost connection is retried this long before the run fails. */
const RETRY_SECONDS = 5;

/**
 * The submitting side of the job queue: cuts a run's replications into chunks, enqueues them as
 * BullMQ jobs, hears each come back (QueueEvents) and hands its figures to the runner, which merges
 * them in replication order. Ctrl-C (the signal) or a failure removes the chunks still queued,
 * waits for those already running, and deletes the run's spec: the queue is left as found.
 */
export class QueueExecutor implements RemoteExecutor {
  readonly where: string;
  private constructor(
    private readonly address: QueueAddress,
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly options: QueueRunOptions,
    private readonly build: { build: string; version: string },
  ) {
    this.where = `queue ${address.shown}`;
  }

  /** Connects now: an unreachable server fails here, within seconds, with a QueueError. */
  static async open(address: QueueAddress, options: QueueRunOptions = {}): Promise<QueueExecutor> {
    const redis = await connect(address);
    const queue = new Queue(QUEUE_NAME, { connection: redisOptions(address, { blocking: false, retrySeconds: RETRY_SECONDS }), prefix: QUEUE_PREFIX });
    queue.on("error", () => {}); // each command that fails says so to its caller
    const here = buildHere();
    const executor = new QueueExecutor(address, redis, queue, options, { build: options.build ?? here.build, version: here.version });
    // CLIENT LIST may be denied to a restricted ACL user: then nothing is said.
    const workers = await queue.getWorkersCount().catch(() => null);
    if (workers === 0) options.onNote?.(`no vsm worker is listening on ${address.shown} yet: the chunks wait for one (vsm worker --queue ${address.shown})`);
    return executor;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }

  async runRange(
    spec: RunSpec,
    range: { from: number; to: number; secondsPerReplication: number },
    deliver: (first: number, results: ReplicationResult[][]) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    if (signal?.aborted) throw new DOMException("The run was interrupted", "AbortError");
    const run = randomUUID();
    const n = range.to - range.from;
    const size = this.options.chunk ?? Math.max(1, Math.min(Math.round(CHUNK_SECONDS / range.secondsPerReplication), Math.ceil(n / MIN_CHUNKS)));
    const chunks: { first: number; count: number }[] = [];
    for (let f = range.from; f < range.to; f += size) chunks.push({ first: f, count: Math.min(size, range.to - f) });
    // Events after this point are heard even if they come before the listener's first read.
    const last = (await this.redis.xrevrange(`${QUEUE_PREFIX}:${QUEUE_NAME}:events`, "+", "-", "COUNT", 1))[0]?.[0] ?? "0-0";
    const events = new QueueEvents(QUEUE_NAME, { connection: redisOptions(this.address, { blocking: true, retrySeconds: RETRY_SECONDS }), prefix: QUEUE_PREFIX, lastEventId: last });
    const outstanding = new Map<string, number>(); // job id -> chunk index
    let nextChunk = 0;
    let done = 0;
    let watch: NodeJS.Timeout | undefined;
    let stop: () => void = () => {};
    // attempts 2: a worker thread that dies costs its chunk one retry; a chunk whose worker process
    // dies comes back through BullMQ's stalled-job check, not through attempts.
    const job = (c: number) => ({ name: "chunk", data: { run, chunk: c, ...chunks[c], ...this.build } satisfies ChunkJob, opts: { jobId: jobId(run, c), attempts: 2, removeOnComplete: true, removeOnFail: true } });
    const enqueue = async (list: number[]) => {
      for (const c of list) outstanding.set(jobId(run, c), c);
      await this.queue.addBulk(list.map(job));
    };
    const topUp = () => {
      const list: number[] = [];
      while (nextChunk < chunks.length && outstanding.size + list.length < (this.options.inFlight ?? IN_FLIGHT)) list.push(nextChunk++);
      return list.length ? enqueue(list) : Promise.resolve();
    };
    try {
      await this.redis.set(runKey(run), encode(spec), "EX", RUN_SPEC_SECONDS);
      await new Promise<void>((resolve, reject) => {
        const fail = (e: unknown) => reject(e);
        const onAbort = () => reject(new DOMException("The run was interrupted", "AbortError"));
        signal?.addEventListener("abort", onAbort, { once: true });
        /** Takes a chunk's figures if they are there; false if not (yet). */
        const collect = async (id: string): Promise<boolean> => {
          const c = outstanding.get(id);
          if (c === undefined) return true; // another run's, or a copy already heard
          const text = await this.redis.getdel(resultKey(id));
          if (text === null || !outstanding.has(id)) return text !== null; // a second copy's: the first took it
          outstanding.delete(id);
          deliver(chunks[c].first, decode<ReplicationResult[][]>(text));
          if (++done === chunks.length) resolve();
          else await topUp();
          return true;
        };
        const completed = ({ jobId: id }: { jobId: string }) => collect(id).then(() => {});
        const failed = async ({ jobId: id, failedReason }: { jobId: string; failedReason: string }) => {
          if (!outstanding.has(id)) return;
          // A failure with an attempt left puts the job back in line; only the last one counts.
          const state = await this.queue.getJobState(id).catch(() => "unknown");
          if (state === "failed" || state === "unknown") reject(new QueueError(`chunk ${outstanding.get(id)} (replications ${chunks[outstanding.get(id)!].first}..) failed on a worker: ${failedReason}`));
        };
        events.on("completed", (a) => void completed(a).catch(fail));
        events.on("failed", (a) => void failed(a));
        events.on("error", () => {}); // a lost connection is retried; the watch below notices if it stays lost
        stop = () => {
          signal?.removeEventListener("abort", onAbort);
          events.removeAllListeners("completed");
          events.removeAllListeners("failed");
        };
        let missing = new Set<string>();
        watch = setInterval(() => {
          this.lost(outstanding.keys())
            .then((gone) => {
              // Gone twice in a row (not just finished, its event on the way): heard nothing of
              // it, so it runs again. A copy that also finishes is merged once.
              const again = gone.filter((id) => missing.has(id));
              missing = new Set(gone);
              return Promise.all(again.map((id) => collect(id).then((took) => (took ? null : id))));
            })
            .then((again) => {
              const lostIds = (again ?? []).filter((id): id is string => id !== null && outstanding.has(id));
              if (lostIds.length) return this.queue.addBulk(lostIds.map((id) => job(outstanding.get(id)!)));
            })
            .catch((e) => reject(new QueueError(`lost the connection to Redis at ${this.address.shown} (${String(e?.message ?? e)})`)));
        }, WATCH_SECONDS * 1000);
        events
          .waitUntilReady()
          .then(() => topUp())
          .catch(() => reject(new QueueError(`lost the connection to Redis at ${this.address.shown}`)));
      });
    } finally {
      stop();
      clearInterval(watch);
      await this.cleanUp(run, [...outstanding.keys()]);
      await events.close();
    }
  }

  /** Of these jobs, those no longer in Redis. */
  private async lost(ids: Iterable<string>): Promise<string[]> {
    const list = [...ids];
    if (list.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of list) p.exists(`${QUEUE_PREFIX}:${QUEUE_NAME}:${id}`);
    const res = (await p.exec()) ?? [];
    return list.filter((_, i) => res[i]?.[1] === 0);
  }

  /**
   * Leaves the queue as it was found: the run's spec deleted (a worker that takes a chunk of it
   * later drops it), its waiting chunks removed, and a wait for those running now, which remove
   * themselves when they finish.
   */
  private async cleanUp(run: string, ids: string[]): Promise<void> {
    try {
      await this.redis.del(runKey(run));
      for (const id of ids) await this.queue.remove(id).catch(() => 0);
      const deadline = performance.now() + DRAIN_SECONDS * 1000;
      for (let left = await this.lost(ids); ids.length - left.length > 0 && performance.now() < deadline; left = await this.lost(ids)) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // What the chunks that were running wrote, nobody will read.
      if (ids.length) await this.redis.del(...ids.map(resultKey));
    } catch {
      // Redis is gone: nothing to clean, and the spec expires on its own (RUN_SPEC_SECONDS).
    }
  }
}
