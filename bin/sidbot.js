#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the "prepare" script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dist = new URL("../dist/src/", import.meta.url);
if (!existsSync(fileURLToPath(new URL("cli.js", dist)))) {
  console.error("sidbot is not built yet: run `npm ci` (or `npm run build`) in the project folder.");
  process.exit(1);
}
// Before the CLI's imports: a SIGTERM/SIGINT while the process is still starting becomes an
// orderly stop (exit 0) once the command's lifecycle is installed, instead of exit 143.
// Output piped into a reader that quits early (`sidbot find … | head`): stop quietly, as Unix tools do.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});
const { holdStartupSignals } = await import(new URL("ops/ProcessLifecycle.js", dist).href);
holdStartupSignals();
const { main } = await import(new URL("cli.js", dist).href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; a library timer or socket left behind must not keep the process
// alive (a supervisor waits for the exit to restart it). Unref'd: a clean exit is not delayed.
setTimeout(() => process.exit(code), 1000).unref();
