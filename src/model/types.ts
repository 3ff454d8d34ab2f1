import type { DistName } from "../engine/distributions.js";
import type { TimeUnit } from "./units.js";

/**
 * A validated model: every default filled, every time converted to the model's time unit, every
 * reference checked. Plain data, so it crosses to worker threads as it is. The simulation never
 * reads the raw file; it reads the compiled form of this (compile.ts).
 */
export interface Model {
  name: string;
  description: string;
  /** The file the model came from (a scenario's own file for a scenario). */
  source: string;
  /** Every file read to make it (a scenario's bases included), so outputs never overwrite one. */
  files?: string[];
  /** ISO 8601 date-time (with offset) of time 0, when the model says; calendar meaning only. */
  start?: string;
  timeUnit: TimeUnit;
  warmup: number;
  horizon: number;
  replications: number;
  seed: number;
  /** Insertion order is the order of the file, and of every report. */
  stages: Record<string, StageSpec>;
  streams: Record<string, StreamSpec>;
}

export interface DistSpec {
  dist: DistName;
  /** fixed: value; exponential, lognormal, gamma: mean; uniform/triangular: min, mode, max. */
  value?: number;
  mean?: number;
  cv?: number;
  min?: number;
  mode?: number;
  max?: number;
  values?: number[];
}

export type GateSpec =
  | { kind: "schedule"; every: number; offset: number; max: number | null }
  | { kind: "size"; size: number; timeout: number | null };

export interface StageSpec {
  name: string;
  /** Infinity for "unlimited": a pure delay with no queue. */
  servers: number;
  processTime: DistSpec;
  policy: "fifo" | "priority";
  batch: GateSpec | null;
  rework: { probability: number; to: string | null } | null;
}

export type RouteStep =
  | { kind: "stage"; stage: string; probability: number }
  | { kind: "parallel"; branches: RouteStep[][] };

export interface StreamSpec {
  name: string;
  arrivals: { kind: "poisson"; rate: number } | { kind: "renewal"; interarrival: DistSpec };
  priority: number;
  route: RouteStep[];
}

/** Defaults for everything a model may leave out, in one place. */
export const MODEL_DEFAULTS = {
  timeUnit: "day" as TimeUnit,
  warmup: 0,
  replications: 30,
  seed: 1,
  policy: "fifo" as const,
  priority: 0,
  gateOffset: 0,
};
