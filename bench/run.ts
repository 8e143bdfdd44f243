/** `npm run bench`: prints performance figures; every section is self-contained and loopback-only. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogBench } from "./catalogBench.js";
import { corpusBench } from "./corpusBench.js";
import { installBench } from "./installBench.js";
import { loadBench } from "./loadBench.js";
import { modelBench } from "./modelBench.js";
import { remoteBench } from "./remoteBench.js";
import { tasteBench } from "./tasteBench.js";

const dir = mkdtempSync(join(tmpdir(), "sidbot-bench-"));
const print = (line: string) => console.log(line);
try {
  print(`sidbot bench — node ${process.version}, ${process.platform}/${process.arch}`);
  await corpusBench(print);
  const catalogPath = await catalogBench(dir, print);
  await (await import("./cliBench.js")).cliBench(dir, catalogPath, print);
  await modelBench(dir, catalogPath, print);
  await loadBench(dir, print);
  await remoteBench(dir, print);
  await tasteBench(dir, print);
  await installBench(print);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
