import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_CATALOG } from "../../src/config.js";
import { loadCatalog } from "../../src/engine/catalog/loadCatalog.js";
import { fixtureCatalogRows } from "../../src/engine/fixtures/fixtureCatalog.js";
import { SidLayout } from "../../src/engine/sid/SidLayout.js";

export const layout = new SidLayout();

/** `<|sid_start|><|sid_a|>…<|sid_end|>` from raw token numbers. */
export function sidOf(...tokens: number[]): string {
  return `<|sid_start|>${tokens.map((t) => `<|sid_${t}|>`).join("")}<|sid_end|>`;
}

export async function demoCatalog() {
  return (await loadCatalog(BUILTIN_CATALOG, layout)).catalog;
}

/** Writes a synthetic catalog as JSONL into `dir` and returns its path. */
export function writeFixtureCatalog(dir: string, items: number, seed = 1): string {
  const path = join(dir, `fixture-${items}-${seed}.jsonl`);
  const lines = [...fixtureCatalogRows({ items, seed, layout })].map((row) => JSON.stringify(row));
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
