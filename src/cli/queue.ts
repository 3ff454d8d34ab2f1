import type { Command } from "commander";
import type { ReplicationResult } from "../flow/results.js";
import type { RemoteExecutor, RunSpec } from "../runner/protocol.js";
import { safeText } from "../report/format.js";
import { parseQueueAddress } from "../queue/address.js";
import type { QueueExecutor } from "../queue/client.js";
import { whole } from "./parse.js";

const opened: QueueExecutor[] = [];

/**
 * --queue on run, compare, report, sweep, place and portfolio: the address is checked at once (bad
 * input, exit 2, before any work); the connection is made when the run starts, once per command
 * however many runs it makes, and closed by closeQueues.
 */
export function remoteFor(url: string | undefined, quiet: boolean | undefined): RemoteExecutor | undefined {
  if (url === undefined) return undefined;
  const address = parseQueueAddress(url);
  let open: Promise<QueueExecutor> | null = null;
  const onNote = quiet ? undefined : (l: string) => process.stderr.write(`note: ${safeText(l)}\n`);
  return {
    where: `queue ${address.shown}`,
    async runRange(spec: RunSpec, range, deliver: (first: number, results: ReplicationResult[][]) => void, signal) {
      // Loaded on use: BullMQ and ioredis take ~0.25 s to load, which no other command should pay.
      open ??= import("../queue/client.js")
        .then(({ QueueExecutor }) => QueueExecutor.open(address, { onNote })).then((q) => (opened.push(q), q));
      return (await open).runRange(spec, range, deliver, signal);
    },
  };
}

export async function closeQueues(): Promise<void> {
  await Promise.all(opened.splice(0).map((q) => q.close().catch(() => {})));
}


/** `vsm worker --queue redis://HOST:PORT`: runs chunks for any submitter until Ctrl-C or SIGTERM. */
export function registerWorkerCommand(program: Command, signal: AbortSignal, availableThreads: () => number): void {
  program
    .command("worker")
    .description("run replications for vsm run|compare|sweep|place --queue, on this machine's threads, until Ctrl-C")
    .requiredOption("--queue <url>", "the queue: redis://HOST:PORT or rediss://HOST:PORT (password from VSM_REDIS_PASSWORD or REDISCLI_AUTH)")
    .option("-w, --workers <n>", "worker threads, each holding up to two chunks (default: available parallelism)", whole("--workers", 1))
    .option("--stall-seconds <n>", "how long a dead worker holds its chunk before another takes it (default 30)", whole("--stall-seconds", 1))
    .option("-q, --quiet", "nothing on stderr but errors")
    .action(async (o: { queue: string; workers?: number; stallSeconds?: number; quiet?: boolean }) => {
      const address = parseQueueAddress(o.queue);
      const log = o.quiet ? undefined : (l: string) => process.stderr.write(`${safeText(l)}\n`);
      const { startWorker } = await import("../queue/worker.js");
      const worker = await startWorker(address, { threads: o.workers ?? availableThreads(), stallSeconds: o.stallSeconds, log });
      // Ctrl-C, or SIGTERM from a service manager: finish the chunks in hand, then leave.
      await new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
        process.once("SIGTERM", () => resolve());
      });
      log?.(`worker ${worker.name}: stopping after the chunks in hand`);
      await worker.close();
      log?.(`worker ${worker.name}: stopped`);
    });
}
