/** Request understanding on the labelled corpus (test/corpus/requests.jsonl): accuracy per category. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BUILTIN_CATALOG } from "../src/config.js";
import { parseCorpus, scoreCorpus } from "../src/bot/requestCorpus.js";
import { loadCatalog } from "../src/engine/catalog/loadCatalog.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import { TitleIndex } from "../src/engine/titles/TitleIndex.js";

export async function corpusBench(print: (line: string) => void): Promise<void> {
  // .bench/bench/corpusBench.js and bench/corpusBench.ts both sit two levels below the repository root.
  const path = fileURLToPath(new URL("../../test/corpus/requests.jsonl", import.meta.url));
  const fallback = fileURLToPath(new URL("../test/corpus/requests.jsonl", import.meta.url));
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = readFileSync(fallback, "utf8");
  }
  const catalog = (await loadCatalog(BUILTIN_CATALOG, new SidLayout())).catalog;
  const titles = new TitleIndex(catalog);
  const started = performance.now();
  const entries = parseCorpus(text);
  const score = scoreCorpus(entries, titles, catalog);
  const ms = performance.now() - started;
  print("");
  print(`request understanding — labelled corpus, ${score.total} utterances, demo catalog (${(ms / score.total).toFixed(2)} ms each)`);
  for (const c of score.categories)
    print(
      `  ${c.category.padEnd(10)} ${String(c.correct).padStart(3)}/${String(c.total).padEnd(3)} ` +
        `${((100 * c.correct) / c.total).toFixed(1)} %`,
    );
  print(
    `  ${"overall".padEnd(10)} ${String(score.correct).padStart(3)}/${String(score.total).padEnd(3)} ` +
      `${((100 * score.correct) / score.total).toFixed(1)} %`,
  );
  for (const c of score.categories) for (const f of c.failures) print(`  ✗ [${c.category}] ${JSON.stringify(f.text)}: ${f.why.join("; ")}`);
}
