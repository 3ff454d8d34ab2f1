import { Redis, type RedisOptions as ClientOptions } from "ioredis";
import { PASSWORD_VARIABLES, type QueueAddress, QueueError, redisOptions } from "./address.js";

/**
 * A plain connection, made now: an unreachable server, a refused password or a server that needs
 * one fails here with a message naming the address (never the password) within CONNECT_SECONDS.
 */
export async function connect(a: QueueAddress): Promise<Redis> {
  const client = new Redis({ ...(redisOptions(a, { blocking: false, retrySeconds: 0 }) as ClientOptions), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  // The cause comes as an "error" event; the rejection that follows says only "Connection is closed".
  let cause: unknown = null;
  client.on("error", (e) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
    client.removeAllListeners("error");
    client.on("error", () => {}); // later losses are retried, and reported by the commands that fail
    return client;
  } catch (e) {
    client.disconnect();
    throw new QueueError(unreachable(a, cause ?? e));
  }
}

function unreachable(a: QueueAddress, e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  if (/WRONGPASS|invalid password|invalid username-password/i.test(text)) return `Redis at ${a.shown} refused the password from ${PASSWORD_VARIABLES.join(" or ")}`;
  if (/NOAUTH|Authentication required/i.test(text)) return `Redis at ${a.shown} needs a password: set ${PASSWORD_VARIABLES[0]} in the environment`;
  return `cannot reach Redis at ${a.shown} (${text.replace(/\s+/g, " ").slice(0, 200)}): is the server running, and is the address right?`;
}
