/**
 * Taste quality of the catalog backend on real product data, read from ../shared/data (research
 * data: read in place, never copied into the project; the section is skipped when it is absent).
 *
 * - `catalog_sample_1000.jsonl`: 1,000 Amazon Video Games products in the meta_Video_Games
 *   shape. SIDs come from a deterministic generator keyed on parent_asin (they carry no meaning,
 *   so this measures the text side). The mapping written for the run has only parent_asin,
 *   semantic_id and title, like the Hugging Face mapping; the metadata join reads categories,
 *   description and features (the sample's labelled `genre` field is never indexed). Queries are
 *   "I like {genre} games" for every genre label with at least 8 products; an answer is relevant
 *   when the product carries that label (unlabelled products count as misses). Figures:
 *   precision@3 and @10, titles only vs metadata joined.
 * - `eugeneyan_sid_title_anchors.csv`: 59 real SID→title pairs. "similar to" each: how many
 *   answered items share no SID level and no title word with the asked one (must be 0), and how
 *   often the answer says nothing is close.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { PROJECT_ROOT } from "../src/config.js";
import { CatalogBackend, sharedLevelCount } from "../src/engine/catalog/CatalogBackend.js";
import { loadCatalog } from "../src/engine/catalog/loadCatalog.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import { bareTerms, TitleIndex } from "../src/engine/titles/TitleIndex.js";
import { fmt } from "./stats.js";

const DATA_DIR = join(PROJECT_ROOT, "..", "shared", "data");
const SAMPLE = join(DATA_DIR, "catalog_sample_1000.jsonl");
const ANCHORS = join(DATA_DIR, "eugeneyan_sid_title_anchors.csv");
const MIN_LABELLED = 8;

interface SampleRow {
  parent_asin: string;
  title: string;
  genre?: string[] | null;
}

/** FNV-1a of the ASIN → three codes; the fourth level de-duplicates, as in the real mapping. */
export function sidsByAsin(asins: readonly string[], layout: SidLayout): Map<string, string> {
  const out = new Map<string, string>();
  const collisions = new Map<string, number>();
  for (const asin of asins) {
    let h = 0x811c9dc5;
    for (let i = 0; i < asin.length; i++) h = Math.imul(h ^ asin.charCodeAt(i), 0x01000193) >>> 0;
    const prefix = [h % layout.codesPerLevel, (h >>> 8) % layout.codesPerLevel, (h >>> 16) % layout.codesPerLevel];
    const key = prefix.join(",");
    const c4 = collisions.get(key) ?? 0;
    collisions.set(key, c4 + 1);
    out.set(asin, layout.format([...prefix, c4 % layout.codesPerLevel]));
  }
  return out;
}

export async function tasteBench(dir: string, print: (line: string) => void): Promise<void> {
  if (!existsSync(SAMPLE)) {
    print(`taste quality: skipped (no ${SAMPLE}; the research data is read in place, never copied in)`);
  } else {
    await sampleBench(dir, print);
  }
  if (!existsSync(ANCHORS)) print(`similar-to on real anchors: skipped (no ${ANCHORS})`);
  else await anchorBench(dir, print);
}

async function sampleBench(dir: string, print: (line: string) => void): Promise<void> {
  const layout = new SidLayout();
  const lines = readFileSync(SAMPLE, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const rows = lines
    .map((l) => JSON.parse(l) as SampleRow)
    .filter((r) => typeof r.parent_asin === "string" && typeof r.title === "string" && r.title.trim() !== "");
  const sids = sidsByAsin(
    rows.map((r) => r.parent_asin),
    layout,
  );
  const mappingPath = join(dir, "taste-mapping.jsonl");
  writeFileSync(
    mappingPath,
    `${rows.map((r) => JSON.stringify({ parent_asin: r.parent_asin, semantic_id: sids.get(r.parent_asin), title: r.title })).join("\n")}\n`,
  );

  const titlesOnly = (await loadCatalog(mappingPath, layout)).catalog;
  const joinedLoad = await loadCatalog(mappingPath, layout, { metadataPath: SAMPLE });
  const joined = joinedLoad.catalog;
  const backends = {
    "titles only": new CatalogBackend(titlesOnly, new TitleIndex(titlesOnly)),
    "metadata joined": new CatalogBackend(joined, new TitleIndex(joined)),
  };
  const genresOf = new Map(rows.map((r) => [sids.get(r.parent_asin)!, new Set(r.genre ?? [])]));
  const counts = new Map<string, number>();
  for (const r of rows) for (const g of r.genre ?? []) counts.set(g, (counts.get(g) ?? 0) + 1);
  const labels = [...counts]
    .filter(([, n]) => n >= MIN_LABELLED)
    .map(([g]) => g)
    .sort();

  print(
    `taste quality: ${rows.length} real products (${SAMPLE}), ${joinedLoad.metadata?.joined ?? 0} ` +
      `joined; ${labels.length} queries "I like {genre} games" (genres with ≥ ${MIN_LABELLED} labelled ` +
      `products)`,
  );
  for (const [name, backend] of Object.entries(backends)) {
    const at = { 3: 0, 10: 0 };
    const judged = { 3: 0, 10: 0 };
    let empty = 0;
    for (const label of labels) {
      const { items } = backend.answer({ kind: "tastes", text: `I like ${label.toLowerCase()} games`, k: 10 });
      if (items.length === 0) empty++;
      for (const k of [3, 10] as const) at[k] += items.slice(0, k).filter((i) => genresOf.get(i.sid)?.has(label)).length / k;
      // Among labelled products only (an unlabelled one may well be relevant).
      const labelled = items.filter((i) => (genresOf.get(i.sid)?.size ?? 0) > 0);
      for (const k of [3, 10] as const)
        judged[k] += labelled.length
          ? labelled.slice(0, k).filter((i) => genresOf.get(i.sid)!.has(label)).length / Math.min(k, labelled.length)
          : 0;
    }
    const n = labels.length;
    print(
      `  ${name.padEnd(16)} precision@3 ${fmt(at[3] / n, 3)}, precision@10 ${fmt(at[10] / n, 3)} ` +
        `(unlabelled = miss); among labelled answers @3 ${fmt(judged[3] / n, 3)}, @10 ` +
        `${fmt(judged[10] / n, 3)}; no answer for ${empty}/${n}`,
    );
  }
}

async function anchorBench(dir: string, print: (line: string) => void): Promise<void> {
  const records = parseCsv(readFileSync(ANCHORS), { columns: true, bom: true }) as { semantic_id: string; title: string }[];
  const path = join(dir, "anchors.jsonl");
  writeFileSync(path, `${records.map((r) => JSON.stringify({ semantic_id: r.semantic_id, title: r.title })).join("\n")}\n`);
  const { catalog } = await loadCatalog(path, new SidLayout());
  const backend = new CatalogBackend(catalog, new TitleIndex(catalog));
  let answered = 0;
  let unrelated = 0;
  let nothing = 0;
  let sharing = 0;
  for (const asked of catalog.items) {
    const answer = backend.answer({ kind: "similar", items: [asked], k: 3 });
    if (answer.items.length === 0) nothing++;
    const words = new Set(bareTerms(asked.title));
    for (const item of answer.items) {
      answered++;
      if (sharedLevelCount(item, asked) > 0) sharing++;
      else if (!bareTerms(item.title).some((w) => words.has(w))) unrelated++;
    }
  }
  print(
    `similar-to on ${catalog.size} real anchors (titles only): ${answered} items answered, ${sharing} ` +
      `share a SID level, ${unrelated} share neither a level nor a title word; "nothing close" for ` +
      `${nothing}`,
  );
}
