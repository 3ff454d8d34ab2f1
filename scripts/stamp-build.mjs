// After tsc: records in dist/build-id.json which sources dist/ was compiled from, so that worker
// threads (which always run dist/) refuse to join a caller running newer sources (src/runner/build.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { writeBuildId } from "../dist/runner/build.js";

const at = (p) => fileURLToPath(new URL(p, import.meta.url));
writeBuildId(at("../src"), at("../dist"), JSON.parse(readFileSync(at("../package.json"), "utf8")).version);
