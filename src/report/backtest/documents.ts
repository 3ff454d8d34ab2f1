import type { Figure } from "../../stats/interval.js";

/*
 * The document of `vsm backtest --json`: src/fit/backtest.ts computes it, its text and HTML are
 * beside this file. Banded: a simulated figure with the band one run of the log's length falls in.
 */

export interface Banded extends Figure {
  band: [number, number] | null;
}

export interface BacktestDocument {
  model: string;
  log: string;
  timeUnit: string;
  start: string;
  warmup: number;
  horizon: number;
  replications: number;
  seed: number;
  streams: Record<
    string,
    {
      leadTime: {
        observed: { n: number; p50: number; p85: number; p95: number };
        simulated: { p50: Banded; p85: Banded; p95: Banded };
        inside: { p50: boolean; p85: boolean; p95: boolean };
        /** Kolmogorov-Smirnov distance between observed and simulated lead times. */
        ks: number;
        ksCritical: number;
        ksInside: boolean;
        simulatedItems: number;
        /** Percentiles 0..100 of the observed lead times and of the simulated ones (pooled over
         * replications), for the chart of the two distributions; empty with no item. */
        distribution: { observed: number[]; simulated: number[] };
      };
    }
  >;
  stages: Record<string, { wait: { observed: number; visits: number; simulated: Banded; inside: boolean }; wip: { observed: number; simulated: Banded | null; inside: boolean | null } }>;
  flags: string[];
}
