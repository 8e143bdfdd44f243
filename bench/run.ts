/**
 * `npm run bench [-- section …]`: prints performance figures, every section or the named ones.
 * Sections are self-contained and loopback-only, except `install`, which downloads packages from
 * the npm registry (SIDBOT_BENCH_INSTALL=0 skips that part).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogBench } from "./catalogBench.js";
import { cliBench } from "./cliBench.js";
import { corpusBench } from "./corpusBench.js";
import { installBench } from "./installBench.js";
import { loadBench } from "./loadBench.js";
import { memoryBench } from "./memoryBench.js";
import { modelBench } from "./modelBench.js";
import { remoteBench } from "./remoteBench.js";
import { subCatalogBench } from "./subCatalogBench.js";
import { tasteBench } from "./tasteBench.js";

const wanted = new Set(process.argv.slice(2));
const run = (section: string) => wanted.size === 0 || wanted.has(section);
const dir = mkdtempSync(join(tmpdir(), "sidbot-bench-"));
const print = (line: string) => console.log(line);
try {
  print(`sidbot bench — node ${process.version}, ${process.platform}/${process.arch}`);
  if (run("corpus")) await corpusBench(print);
  // The 66k catalog the later sections use is written by the catalog section.
  const catalogPath = await catalogBench(dir, run("catalog") ? print : () => {});
  if (run("cli")) await cliBench(dir, catalogPath, print);
  if (run("model")) await modelBench(dir, catalogPath, print);
  // Also part of `model`; `subcatalog` runs it alone.
  if (run("model") || run("subcatalog")) await subCatalogBench(dir, catalogPath, print);
  if (run("memory")) await memoryBench(dir, catalogPath, print);
  if (run("load")) await loadBench(dir, print);
  if (run("remote")) await remoteBench(dir, print);
  if (run("taste")) await tasteBench(dir, print);
  if (run("install")) await installBench(print);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
