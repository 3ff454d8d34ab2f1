/**
 * What goes through Redis comes back with the same bits, and --queue never takes a password from
 * the command line. No server needed.
 */
import { describe, expect, it } from "vitest";
import { decode, encode } from "../../src/queue/codec.js";
import { parseQueueAddress, redisOptions } from "../../src/queue/address.js";
import { loadModel } from "../../src/model/load.js";
import { runReplication } from "../../src/flow/replication.js";
import { compile } from "../../src/model/compile.js";

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

describe("the queue's codec", () => {
  it("keeps NaN, the infinities, -0 and every double of a typed array", () => {
    const odd = new Float64Array([NaN, Infinity, -Infinity, -0, 0, 0.1 + 0.2, Number.MIN_VALUE, -1e308]);
    const back = decode<{ a: Float64Array; n: number[]; i: Int32Array }>(encode({ a: odd, n: [NaN, -0, Infinity, 1 / 3], i: new Int32Array([-1, 2 ** 31 - 1]) }));
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(sameBits(back.a, odd)).toBe(true);
    expect(sameBits(back.n, [NaN, -0, Infinity, 1 / 3])).toBe(true);
    expect(Array.from(back.i)).toEqual([-1, 2 ** 31 - 1]);
  });

  it("does not mistake a model's own keys for its markers", () => {
    const tricky = { $n: "NaN", $a: "Float64Array", $b: "AAAAAAAA+H8=", $$x: 1, stages: { $n: { servers: Infinity } } };
    expect(decode(encode(tricky))).toEqual(tricky);
  });

  it("round-trips a validated model and a replication's figures exactly", () => {
    const model = loadModel("test/fixtures/small.yaml", { set: ["stages.dev.servers=unlimited"] });
    const back = decode<typeof model>(encode(model));
    expect(back).toEqual(model);
    expect(back.stages.dev.servers).toBe(Infinity);
    const r = runReplication(compile(model), 7, 3, { maxWip: 10_000 });
    r.trace = null;
    const r2 = decode<typeof r>(encode(r));
    for (const k of ["streams", "stages", "byStream", "reworkBusy"] as const) expect(sameBits(r2[k], r[k]), k).toBe(true);
    expect(sameBits(r2.sketches[0].counts, r.sketches[0].counts)).toBe(true);
    expect({ ...r2.sketches[0], counts: null }).toEqual({ ...r.sketches[0], counts: null });
  });
});

describe("--queue", () => {
  it("reads host, port, database and TLS from the URL, the password from the environment only", () => {
    const a = parseQueueAddress("rediss://vsm@queue.example.org:6380/2", { REDISCLI_AUTH: "s3cret" });
    expect(a).toMatchObject({ host: "queue.example.org", port: 6380, db: 2, username: "vsm", tls: true, password: "s3cret", shown: "rediss://vsm@queue.example.org:6380/2" });
    expect(redisOptions(a, { blocking: true, retrySeconds: 5 })).toMatchObject({ tls: { servername: "queue.example.org" }, password: "s3cret", maxRetriesPerRequest: null });
    expect(parseQueueAddress("redis://127.0.0.1", { VSM_REDIS_PASSWORD: "first", REDISCLI_AUTH: "second" })).toMatchObject({ port: 6379, db: 0, tls: false, password: "first", shown: "redis://127.0.0.1:6379" });
    expect(parseQueueAddress("redis://127.0.0.1:7000", {}).password).toBeUndefined();
  });

  it("refuses a password on the command line, and never shows it", () => {
    expect(() => parseQueueAddress("redis://:hunter2@127.0.0.1:6379", {})).toThrow(
      "--queue must not carry a password (anyone on this machine can read a command line): set VSM_REDIS_PASSWORD in the environment instead",
    );
    for (const bad of ["redis://user:hunter2@", "hunter2@host"]) {
      try {
        parseQueueAddress(bad, {});
        expect.unreachable();
      } catch (e) {
        expect(String((e as Error).message)).not.toContain("hunter2");
      }
    }
    expect(() => parseQueueAddress("http://127.0.0.1:6379", {})).toThrow('--queue must start with redis:// or rediss:// (got "http:")');
    expect(() => parseQueueAddress("redis://127.0.0.1:6379/jobs", {})).toThrow('--queue path must be a database number such as /0 (got "/jobs")');
  });
});
