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
/** A chunk's figures, written by the worker and taken (GETDEL) by the submitter: kept out of the
 * job's return value, which BullMQ also copies into its events stream (up to 10,000 entries kept),
 * where a sweep's chunks of a megabyte each would pile up in Redis's memory. */
export const resultKey = (id: string) => `${QUEUE_PREFIX}:result:${id}`;
/** A result nobody took (its submitter gone) expires after this long. */
export const RESULT_SECONDS = 3600;
export const jobId = (run: string, chunk: number) => `${run}-${chunk}`;

/** A run's spec outlives a submitter that vanished without cleaning up by at most this long. */
export const RUN_SPEC_SECONDS = 24 * 3600;
