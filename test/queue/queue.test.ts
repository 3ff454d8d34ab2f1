/**
 * The job queue against a real Redis (Debian's redis-server on a free loopback port, started and
 * stopped here): worker processes of the built CLI, one killed in the middle of a chunk, the merged
 * figures equal to a local run's; a worker of another build refusing; Ctrl-C leaving the queue
 * clean; an unreachable server and a password failing fast and clearly. Skips when redis-server is
 * missing, and fails then on CI (CI=true): .ci/run installs it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ROOT, ensureBuilt, hasStackTrace } from "../fixtures/cli.js";
import { REDIS_SERVER, type TestRedis, freePort, redisPresent, startRedis } from "../fixtures/redis.js";
import { loadModel } from "../../src/model/load.js";
import { simulateModels } from "../../src/runner/run.js";
import { compareDocument } from "../../src/report/compare.js";
import { openQueue, parseQueueAddress, startQueueWorker } from "../../src/index.js";
import { QUEUE_NAME, QUEUE_PREFIX } from "../../src/queue/protocol.js";

interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

/** `vsm ...args` as a child process with its own environment; stderr and stdout together in log(). */
function start(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, VSM_REDIS_PASSWORD: "", REDISCLI_AUTH: "", ...env } });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  return { child, log: () => out, exited: new Promise((r) => child.on("close", r)) };
}

/** Resolves when the process has printed a line matching `re` (its match), fails after `ms`. */
async function seen(p: Proc, re: RegExp, ms = 15_000): Promise<RegExpMatchArray> {
  const until = performance.now() + ms;
  for (;;) {
    const m = p.log().match(re);
    if (m) return m;
    if (performance.now() > until || p.child.exitCode !== null) throw new Error(`never printed ${re}:\n${p.log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A comparison's figures without its wall times, as text: equal text, equal doubles. */
const figures = (doc: unknown) => JSON.stringify(doc, (k, v) => (k === "performance" ? undefined : v));

async function clean(url: string): Promise<{ jobs: Record<string, number>; runs: string[] }> {
  const queue = new Queue(QUEUE_NAME, { connection: { host: "127.0.0.1", port: new URL(url).port as unknown as number }, prefix: QUEUE_PREFIX });
  const redis = new Redis(url);
  try {
    const jobs = await queue.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children", "completed", "failed");
    return { jobs, runs: [...(await redis.keys(`${QUEUE_PREFIX}:run:*`)), ...(await redis.keys(`${QUEUE_PREFIX}:result:*`))] };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}
const empty = { jobs: { wait: 0, active: 0, delayed: 0, prioritized: 0, "waiting-children": 0, completed: 0, failed: 0 }, runs: [] };

describe("the Redis job queue", () => {
  it("has redis-server, or says why the queue tests skip", () => {
    if (!redisPresent && process.env.CI === "true") throw new Error(`${REDIS_SERVER} is missing: .ci/run installs Debian's redis-server package; the queue tests must run on CI`);
    if (!redisPresent) console.warn(`queue tests skipped: ${REDIS_SERVER} not found (apt-get install -y redis-server)`);
  });

  it("fails fast and clearly when Redis is unreachable, for a submitter and for a worker", async () => {
    ensureBuilt();
    const url = `redis://127.0.0.1:${await freePort()}`;
    const message = `cannot reach Redis at ${url} (connect ECONNREFUSED 127.0.0.1:${new URL(url).port}): is the server running, and is the address right?`;
    const t = performance.now();
    const p = start(["run", "test/fixtures/small.yaml", "-r", "2", "--queue", url]);
    expect(await p.exited, p.log()).toBe(1);
    expect((performance.now() - t) / 1000).toBeLessThan(15); // a hang detector: ioredis alone would retry forever
    expect(p.log()).toBe(`vsm: ${message}\n`);
    await expect(startQueueWorker(parseQueueAddress(url, {}), { threads: 1 })).rejects.toThrow(message);
  });

  it("refuses a password on the command line as bad input (exit 2), without echoing it", async () => {
    const p = start(["worker", "--queue", "redis://:pw-Zq9-never-shown@127.0.0.1:6379"]);
    expect(await p.exited).toBe(2);
    expect(p.log()).toBe("--queue must not carry a password (anyone on this machine can read a command line): set VSM_REDIS_PASSWORD in the environment instead\n");
  });
});

describe.skipIf(!redisPresent)("the Redis job queue, on a server", () => {
  let redis: TestRedis;
  const workers: Proc[] = [];

  beforeAll(async () => {
    ensureBuilt();
    redis = await startRedis();
    // A dead worker's chunk is taken back after about a second (the default is 30 s).
    for (let i = 0; i < 3; i++) workers.push(start(["worker", "--queue", redis.url, "-w", "1", "--stall-seconds", "1"]));
    await Promise.all(workers.map((w) => seen(w, /listening on redis:/)));
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await redis?.stop();
  });

  it("merges chunks from several workers, one killed mid-chunk, into the local figures to the last digit", async () => {
    const set = ["horizon=40000"]; // ~0.07 s a replication of each model: a kill lands inside a chunk
    const models = [loadModel("test/fixtures/small.yaml", { set }), loadModel("test/fixtures/small.yaml", { set: [...set, "stages.review.servers=2"] })];
    // The first worker to start on a chunk is killed then and there.
    const killed = Promise.any(workers.map((w, i) => seen(w, /chunk (\d+) of run (\S+): replications/, 20_000).then((m) => ({ m, i })))).then(({ m, i }) => {
      workers[i].child.kill("SIGKILL");
      return { m, victim: workers[i], others: workers.filter((_, j) => j !== i) };
    });
    const queue = await openQueue(parseQueueAddress(redis.url, {}), { chunk: 1 });
    let remote;
    try {
      remote = await simulateModels(models, { replications: 6, remote: queue });
    } finally {
      await queue.close();
    }
    const local = await simulateModels(models, { replications: 6, workers: 1 });
    expect(figures(compareDocument(remote))).toBe(figures(compareDocument(local)));
    expect(remote.remote).toBe(`queue ${redis.url}`);
    // The killed worker's chunk was run again by another.
    const { m, victim, others } = await killed;
    const [, chunk, run] = m;
    expect(await victim.exited).toBe(null);
    expect(others.map((w) => w.log()).join("")).toContain(`chunk ${chunk} of run ${run}: replications`);
    expect(await clean(redis.url)).toEqual(empty);
  });

  it("has a worker of another build refuse the run instead of mixing results", async () => {
    const queue = await openQueue(parseQueueAddress(redis.url, {}), { chunk: 1, build: "0".repeat(64) });
    try {
      await expect(simulateModels([loadModel("test/fixtures/small.yaml")], { replications: 2, remote: queue })).rejects.toThrow(
        /^chunk \d \(replications \d\.\.\) failed on a worker: worker \S+ refused chunk \d of run \S+: it runs vsm-sim \S+ build [0-9a-f]{12}, the run was submitted from vsm-sim \S+ build 000000000000; every worker must run the submitter's version$/,
      );
    } finally {
      await queue.close();
    }
    expect(await clean(redis.url)).toEqual(empty);
  });

  it("on Ctrl-C cancels the remaining chunks and leaves the queue clean", async () => {
    const live = workers.filter((w) => w.child.exitCode === null);
    const before = live.map((w) => w.log().length);
    const submit = start(["run", "test/fixtures/small.yaml", "--set", "horizon=20000", "-r", "200", "--queue", redis.url, "-q"]);
    // Interrupt once a worker has started on this run.
    const fresh = () => live.map((w, i) => w.log().slice(before[i])).join("");
    const until = performance.now() + 15_000;
    while (!/chunk \d+ of run/.test(fresh()) && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    const t = performance.now();
    submit.child.kill("SIGINT");
    expect(await submit.exited, submit.log()).toBe(130);
    expect((performance.now() - t) / 1000).toBeLessThan(12); // a hang detector, with room for a crowded machine
    expect(submit.log()).toBe("interrupted: stopped the run; no results were written\n");
    expect(await clean(redis.url)).toEqual(empty);
    // Replications the workers started on: some, not all, and none after the cancel.
    const replications = () => [...fresh().matchAll(/replications (\d+)\.\.(\d+)/g)].reduce((n, m) => n + Number(m[2]) - Number(m[1]) + 1, 0);
    const started = replications();
    await new Promise((r) => setTimeout(r, 300));
    expect(replications()).toBe(started);
    expect(started).toBeGreaterThan(0);
    expect(started).toBeLessThan(200);
  });

  it("takes the password from the environment, and never says it", async () => {
    const secret = "pw-Zq9-never-shown";
    const guarded = await startRedis(["--requirepass", secret]);
    const at = (env: NodeJS.ProcessEnv) => parseQueueAddress(guarded.url, env);
    try {
      const none = openQueue(at({}));
      await expect(none).rejects.toThrow(`Redis at ${guarded.url} needs a password: set VSM_REDIS_PASSWORD in the environment`);
      const wrong = startQueueWorker(at({ VSM_REDIS_PASSWORD: "wrong-one", REDISCLI_AUTH: secret }), { threads: 1 });
      await expect(wrong).rejects.toThrow(`Redis at ${guarded.url} refused the password from VSM_REDIS_PASSWORD or REDISCLI_AUTH`);
      const lines: string[] = [];
      const right = await startQueueWorker(at({ REDISCLI_AUTH: secret }), { threads: 1, log: (l) => lines.push(l) });
      await right.close();
      expect(lines[0]).toMatch(new RegExp(`listening on ${guarded.url.replace(/\./g, "\\.")}$`));
      for (const text of [...lines, String(await none.catch((e) => e.message)), String(await wrong.catch((e) => e.message))]) expect(text).not.toContain(secret);
    } finally {
      await guarded.stop();
    }
  });
});
