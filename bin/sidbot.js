#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the "prepare" script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/src/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error("sidbot is not built yet: run `npm ci` (or `npm run build`) in the project folder.");
  process.exit(1);
}
const { main } = await import(cli.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; a library timer or socket left behind must not keep the process
// alive (a supervisor waits for the exit to restart it). Unref'd: a clean exit is not delayed.
setTimeout(() => process.exit(code), 1000).unref();
