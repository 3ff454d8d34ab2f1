/** Types for the simjs oracle (plain JavaScript, shared with bench/). */
export interface SimjsJacksonResult {
  meanWait: Record<"S1" | "S2" | "S3", number>;
  waitCount: Record<"S1" | "S2" | "S3", number>;
  utilization: Record<"S1" | "S2" | "S3", number>;
  meanLeadTime: number;
  leadCount: number;
  throughput: number;
}
export function runSimjsJacksonUntil(options: { until: number; warmup?: number; seed?: number }): SimjsJacksonResult;
export const STATION_NAMES: ["S1", "S2", "S3"];
