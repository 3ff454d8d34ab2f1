/**
 * Models and replication figures as text for Redis, exactly: JSON loses what the figures hold
 * (NaN for a figure a replication could not measure, Infinity for unlimited servers, -0) and turns
 * a Float64Array into an object of strings. Typed arrays travel as their bytes in base64, so every
 * double arrives with the same bits and a merged result equals a local one to the last digit.
 * A model's own keys that begin with "$" (a stage may be named anything) get one more "$" on the
 * way, so they are never mistaken for the markers.
 */
const NUMBER = "$n";
const ARRAY = "$a";
const BYTES = "$b";

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;
const TYPED: Record<string, new (b: ArrayBuffer) => Typed> = { Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array };

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : { [NUMBER]: Object.is(v, -0) ? "-0" : String(v) };
    if (ArrayBuffer.isView(v)) {
      const name = v.constructor.name;
      if (!(name in TYPED)) throw new TypeError(`cannot send a ${name} through the queue`);
      return { [ARRAY]: name, [BYTES]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
    }
    if (v instanceof Map || v instanceof Set) throw new TypeError("cannot send a Map or Set through the queue");
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).some((k) => k.startsWith("$"))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.startsWith("$") ? `$${k}` : k, x]));
    }
    return v;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === NUMBER) return Number(o[NUMBER]);
    if (keys.length === 2 && typeof o[ARRAY] === "string" && typeof o[BYTES] === "string") {
      const bytes = Buffer.from(o[BYTES] as string, "base64");
      // A fresh, aligned buffer: a Buffer's own may be a slice of a shared pool at any offset.
      const copy = new ArrayBuffer(bytes.byteLength);
      new Uint8Array(copy).set(bytes);
      return new TYPED[o[ARRAY] as string](copy);
    }
    if (!keys.some((k) => k.startsWith("$"))) return v;
    return Object.fromEntries(keys.map((k) => [k.startsWith("$$") ? k.slice(1) : k, o[k]]));
  }) as T;
}
