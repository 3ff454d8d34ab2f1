#!/usr/bin/env node
/**
 * The `vsm` command. Before it loads the rest of the program (about 0.3 s of modules), it starts
 * the worker threads a run will use, so that they boot on the other cores meanwhile instead of
 * after the models are read (cli/warm.ts).
 */
import { warmThreads } from "./warm.js";

warmThreads(process.argv.slice(2));
const { main } = await import("./program.js");
process.exitCode = await main(process.argv);
