/**
 * Preload for the CLI bench (`node --import`): at exit, writes the process's CPU time (user +
 * system, ms) to stderr. Unlike wall time it hardly moves when other work shares the machine.
 */
import { CPU_MARK } from "./cpuMark.js";

process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\n${CPU_MARK}${(user + system) / 1000}\n`);
});
