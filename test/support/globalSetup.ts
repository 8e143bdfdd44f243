import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Process-level tests run the built CLI (bin/sidbot.js → dist/) and fork children that use the
 * loopback fakes: build both once per test run so they are never stale. The fakes go to .cache/,
 * never into the published dist/.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  for (const project of ["tsconfig.build.json", "tsconfig.fakes.json"])
    execFileSync(process.execPath, [tsc, "-p", project], { cwd: root, stdio: "inherit" });
}
