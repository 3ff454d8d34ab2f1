import { availableParallelism } from "node:os";

/** Commands that run replications on the local worker pool. */
const POOLED = new Set(["run", "compare", "report", "sweep", "place", "portfolio"]);
/** Commands that run many models at once: large enough for a pool whatever the replications. */
const MANY = new Set(["sweep", "place"]);
/** Replications asked for on the command line from which a run of the example is worth a pool. */
export const WARM_REPLICATIONS = 100;

/**
 * Starts the pool threads a command line's run will want (runner/executor.ts prestart), from the
 * raw arguments, before the program that parses them properly is loaded: on 2 cores the helper
 * thread is then up when the first replication starts, where it used to join ~0.3 s later.
 * Anything unclear (help, a queue, a malformed worker count) starts nothing: the real parse
 * decides and reports. Threads that the run turns out not to need sit idle and never hold the
 * process open, but booting them took ~0.07 s from a small run's 0.6 s on 2 cores: so threads
 * start early only for what the command line shows to be large (--precision, many replications,
 * a sweep or a placement); the rest start them, if at all, once the models are read.
 */
export function warmThreads(args: readonly string[]): void {
  const threads = threadsToWarm(args);
  if (threads > 0) import("../runner/executor.js").then((e) => e.prestart(threads)).catch(() => {});
}

/** How many pool threads to start before the program loads (the main thread is a worker too); 0 for none. */
export function threadsToWarm(args: readonly string[]): number {
  const command = args.find((a) => !a.startsWith("-"));
  if (command === undefined || !POOLED.has(command)) return 0;
  if (args.some((a) => a === "-h" || a === "--help" || a === "--queue" || a.startsWith("--queue="))) return 0;
  const large = MANY.has(command) || args.some((a) => a.startsWith("--precision")) || (replicationsOption(args) ?? 0) >= WARM_REPLICATIONS;
  const workers = workersOption(args);
  return large && workers !== null && workers >= 2 ? workers - 1 : 0;
}

/** The -r / --replications value; null when absent or not a whole number. */
export function replicationsOption(args: readonly string[]): number | null {
  return wholeOption(args, "-r", "--replications");
}

/** The -w / --workers value (the machine's parallelism when absent); null when it is not a whole number. */
export function workersOption(args: readonly string[]): number | null {
  const given = args.some((a) => a === "-w" || a === "--workers" || a.startsWith("--workers=") || /^-w\d/.test(a));
  return given ? wholeOption(args, "-w", "--workers") : availableParallelism();
}

/** A whole-number option's value as `-x N`, `-xN`, `--long N` or `--long=N` (the last one given); null if absent or malformed. */
function wholeOption(args: readonly string[], short: string, long: string): number | null {
  let text: string | undefined;
  args.forEach((a, i) => {
    if (a === short || a === long) text = args[i + 1] ?? "";
    else if (a.startsWith(`${long}=`)) text = a.slice(long.length + 1);
    else if (a.startsWith(short) && /^\d/.test(a.slice(short.length))) text = a.slice(short.length);
  });
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}
