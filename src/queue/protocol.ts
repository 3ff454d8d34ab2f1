/**
 * What travels through the job queue. A run's models, seed and settings are stored once, under
 * runKey(run); each job is one chunk of replications of that run. Jobs carry models and seeds,
 * never another run's results, and their ids (run id and chunk index) make adding a chunk twice a
 * no-op in BullMQ.
 */
export const QUEUE_NAME = "replications";
/** BullMQ's key prefix; the run specs live beside its keys. */
export const QUEUE_PREFIX = "vsm";

export interface ChunkJob {
  run: string;
  chunk: number;
  /** Replications first .. first + count - 1. */
  first: number;
  count: number;
  /** The submitter's build (runner/build.ts): a worker of another build refuses the job. */
  build: string;
  version: string;
}

export const runKey = (run: string) => `${QUEUE_PREFIX}:run:${run}`;
export const jobId = (run: string, chunk: number) => `${run}-${chunk}`;

/** A run's spec outlives a submitter that vanished without cleaning up by at most this long. */
export const RUN_SPEC_SECONDS = 24 * 3600;
