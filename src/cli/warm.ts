import { availableParallelism } from "node:os";

/** Commands that run replications on the local worker pool. */
const POOLED = new Set(["run", "compare", "report", "sweep", "place", "portfolio"]);

/**
 * Starts the pool threads a command line's run will want (runner/executor.ts prestart), from the
 * raw arguments, before the program that parses them properly is loaded: on 2 cores the helper
 * thread is then up when the first replication starts, where it used to join ~0.3 s later.
 * Anything unclear (help, a queue, a malformed worker count) starts nothing: the real parse
 * decides and reports. Threads that the run turns out not to need (a run too small for a pool)
 * sit idle and never hold the process open.
 */
export function warmThreads(args: readonly string[]): void {
  const command = args.find((a) => !a.startsWith("-"));
  if (command === undefined || !POOLED.has(command)) return;
  if (args.some((a) => a === "-h" || a === "--help" || a === "--queue" || a.startsWith("--queue="))) return;
  const workers = workersOption(args);
  if (workers === null || workers < 2) return;
  import("../runner/executor.js").then((e) => e.prestart(workers - 1)).catch(() => {});
}

/** The -w / --workers value (the machine's parallelism when absent); null when it is not a whole number. */
export function workersOption(args: readonly string[]): number | null {
  let text: string | undefined;
  args.forEach((a, i) => {
    if (a === "-w" || a === "--workers") text = args[i + 1];
    else if (a.startsWith("--workers=")) text = a.slice("--workers=".length);
    else if (/^-w\d/.test(a)) text = a.slice(2);
  });
  if (text === undefined) return args.some((a) => a === "-w" || a === "--workers") ? null : availableParallelism();
  return /^\d+$/.test(text) ? Number(text) : null;
}
