import { Welford } from "../stats/welford.js";
import { BY_STREAM_FIGURES, type ByStreamFigure, STAGE_FIGURES, STREAM_FIGURES, type ReplicationResult } from "../flow/results.js";

const NS = STREAM_FIGURES.length;
const NG = STAGE_FIGURES.length;

/**
 * Figures of one model across replications, accumulated in replication order (so the numbers
 * are the same to the last digit whatever the number of workers). A figure a replication could
 * not measure (NaN: no item completed, an unlimited stage's utilization) is left out of its mean.
 */
export class Summary {
  readonly streams: Welford[];
  readonly stages: Welford[];
  replications = 0;
  events = 0;
  /** Each stream's use of each stage: (stream * nStages + stage) * BY_STREAM_FIGURES.length + f. */
  readonly byStream: Welford[];
  /** Replications stopped by the work-in-progress cap, by the stage where work piled up. */
  readonly unstable = new Map<string, number>();

  constructor(
    readonly nStreams: number,
    readonly nStages: number,
  ) {
    this.streams = Array.from({ length: nStreams * NS }, () => new Welford());
    this.stages = Array.from({ length: nStages * NG }, () => new Welford());
    this.byStream = Array.from({ length: nStreams * nStages * BY_STREAM_FIGURES.length }, () => new Welford());
  }

  add(r: ReplicationResult): void {
    this.replications++;
    this.events += r.events;
    addAll(this.streams, r.streams);
    addAll(this.stages, r.stages);
    addAll(this.byStream, r.byStream);
    if (r.unstable) this.unstable.set(r.unstable.stage, (this.unstable.get(r.unstable.stage) ?? 0) + 1);
  }

  stream(i: number, f: (typeof STREAM_FIGURES)[number]): Welford {
    return this.streams[i * NS + STREAM_FIGURES.indexOf(f)];
  }

  stage(s: number, f: (typeof STAGE_FIGURES)[number]): Welford {
    return this.stages[s * NG + STAGE_FIGURES.indexOf(f)];
  }

  /** Stream i's figure f at stage s. */
  streamStage(i: number, s: number, f: ByStreamFigure): Welford {
    return this.byStream[(i * this.nStages + s) * BY_STREAM_FIGURES.length + BY_STREAM_FIGURES.indexOf(f)];
  }
}

function addAll(acc: Welford[], values: Float64Array): void {
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) acc[i].add(values[i]);
}

/**
 * Paired differences, scenario minus base, replication by replication: under common random
 * numbers each replication of the scenario is the twin of the base's, so the variance of the
 * difference is far below the sum of the two variances. Streams and stages are matched by id.
 */
export class PairedDiff {
  readonly summary: Summary;
  private readonly streamPairs: [number, number][];
  private readonly stagePairs: [number, number][];

  constructor(baseStreams: string[], baseStages: string[], streams: string[], stages: string[]) {
    this.streamPairs = pairs(baseStreams, streams);
    this.stagePairs = pairs(baseStages, stages);
    this.summary = new Summary(baseStreams.length, baseStages.length);
  }

  add(base: ReplicationResult, scenario: ReplicationResult): void {
    this.summary.replications++;
    diff(this.summary.streams, this.streamPairs, NS, base.streams, scenario.streams);
    diff(this.summary.stages, this.stagePairs, NG, base.stages, scenario.stages);
  }
}

function pairs(base: string[], other: string[]): [number, number][] {
  const out: [number, number][] = [];
  base.forEach((id, i) => {
    const j = other.indexOf(id);
    if (j >= 0) out.push([i, j]);
  });
  return out;
}

function diff(acc: Welford[], idx: [number, number][], width: number, base: Float64Array, scen: Float64Array): void {
  for (const [i, j] of idx) {
    for (let f = 0; f < width; f++) {
      const d = scen[j * width + f] - base[i * width + f];
      if (!Number.isNaN(d)) acc[i * width + f].add(d);
    }
  }
}
