import type { RedisOptions } from "bullmq";

/**
 * Where the job queue lives, from `--queue redis://HOST:PORT[/DB]` or `rediss://` (TLS), and the
 * password from the environment: VSM_REDIS_PASSWORD, else REDISCLI_AUTH (redis-cli's own variable,
 * so an operator's shell that already talks to the server needs nothing more). A password is never
 * taken from the command line, where `ps` and shell history would show it to anyone on the machine.
 */
export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  tls: boolean;
  password?: string;
  /** The address as it may be printed: no password, ever. */
  shown: string;
}

export const PASSWORD_VARIABLES = ["VSM_REDIS_PASSWORD", "REDISCLI_AUTH"] as const;

/** A mistake in --queue itself: the CLI's bad input (exit 2). */
export class QueueAddressError extends Error {}

/** A queue that cannot be used (unreachable, refused the password): the run fails (exit 1). */
export class QueueError extends Error {}

export function parseQueueAddress(text: string, env: NodeJS.ProcessEnv = process.env): QueueAddress {
  const bad = (why: string) => new QueueAddressError(`--queue ${why}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(`must be a URL such as redis://127.0.0.1:6379 or rediss://queue.example.org:6380 (got ${JSON.stringify(shownRaw(text))})`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw bad(`must start with redis:// or rediss:// (got ${JSON.stringify(url.protocol)})`);
  if (url.password) throw bad(`must not carry a password (anyone on this machine can read a command line): set ${PASSWORD_VARIABLES[0]} in the environment instead`);
  if (!url.hostname) throw bad("names no host");
  const port = url.port ? Number(url.port) : 6379;
  const path = url.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d+$/.test(path)) throw bad(`path must be a database number such as /0 (got ${JSON.stringify(url.pathname)})`);
  const password = env[PASSWORD_VARIABLES[0]] || env[PASSWORD_VARIABLES[1]] || undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  return {
    host,
    port,
    db: path === "" ? 0 : Number(path),
    username,
    tls: url.protocol === "rediss:",
    password,
    shown: `${url.protocol}//${username ? `${url.username}@` : ""}${url.hostname}:${port}${path ? `/${path}` : ""}`,
  };
}

/** A URL that failed to parse may still hold a password: show it without what follows "//". */
function shownRaw(text: string): string {
  return text.includes("@") ? `${text.slice(0, text.indexOf("//") + 2)}…` : text;
}

/** How long a connection attempt may take before the queue counts as unreachable. */
export const CONNECT_SECONDS = 3;

/**
 * ioredis options for the address. `blocking` connections (a worker, the event listener) must
 * wait on the server indefinitely, which BullMQ requires (maxRetriesPerRequest null); they retry a
 * lost connection for `retrySeconds` and then give up, so a queue that goes away mid-run ends the
 * run with an error rather than a hang.
 */
export function redisOptions(a: QueueAddress, o: { blocking: boolean; retrySeconds: number }): RedisOptions {
  const give = Math.max(1, Math.ceil((o.retrySeconds * 1000) / 500));
  return {
    host: a.host,
    port: a.port,
    db: a.db,
    username: a.username,
    password: a.password,
    tls: a.tls ? { servername: a.host } : undefined,
    connectTimeout: CONNECT_SECONDS * 1000,
    // ioredis waits this long (2 s by default) for a closed connection's socket before it lets the
    // process exit: a failed `vsm run --queue` would linger for nothing.
    disconnectTimeout: 200,
    maxRetriesPerRequest: o.blocking ? null : 1,
    retryStrategy: (times: number) => (times > give ? null : 500),
  };
}
