import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Process-level tests run the built CLI (bin/sidbot.js → dist/): build it once per test run so it is never stale. */
export default function setup(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
}
