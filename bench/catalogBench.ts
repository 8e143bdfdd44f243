/**
 * Catalog figures on a 66,097-item synthetic catalog: load time, exact and prefix lookups per
 * second (against the seed's linear scan as baseline), title resolve p50/p99, RSS.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCatalog } from "../src/engine/catalog/loadCatalog.js";
import { matchSid } from "../src/engine/catalog/seedMapping.js";
import { fixtureCatalogRows } from "../src/engine/fixtures/fixtureCatalog.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import { sidLevelTokens } from "../src/engine/sid/sidText.js";
import { TitleIndex } from "../src/engine/titles/TitleIndex.js";
import { resolveGame } from "../src/engine/titles/resolveGame.js";
import { seededRandom } from "../src/util/random.js";
import { fmt, median, opsPerSecond, percentile, rssMb } from "./stats.js";

export const BENCH_ITEMS = 66_097;

export async function catalogBench(dir: string, print: (line: string) => void): Promise<string> {
  const layout = new SidLayout();
  const path = join(dir, "bench-catalog.jsonl");
  writeFileSync(path, [...fixtureCatalogRows({ items: BENCH_ITEMS, seed: 7, layout })].map((r) => JSON.stringify(r)).join("\n"));
  const rssBefore = rssMb();

  const loadTimes: number[] = [];
  let loaded = await loadCatalog(path, layout);
  for (let i = 0; i < 5; i++) {
    loaded = await loadCatalog(path, layout);
    loadTimes.push(loaded.loadMs);
  }
  const { catalog } = loaded;
  print(`catalog: ${catalog.size} items, load median ${fmt(median(loadTimes))} ms (5 runs)`);

  const random = seededRandom(1);
  const sids = Array.from({ length: 4096 }, () => random.pick(catalog.items).sid);
  const exact = opsPerSecond((i) => catalog.get(sids[i & 4095]!));
  print(`  exact lookup: ${fmt(exact)}/s (${fmt(1e6 / exact, 2)} µs each)`);

  // Prefix lookups: SIDs whose last level is wrong, resolved with the seed's fallback.
  const misses = sids.map((sid) => sid.replace(/<\|sid_\d+\|><\|sid_end\|>/, "<|sid_1023|><|sid_end|>"));
  const prefix = opsPerSecond((i) => matchSid(catalog, misses[i & 4095]!));
  // Baseline: the seed's approach, a string startswith scan over every row.
  const allSids = catalog.items.map((it) => it.sid);
  const scan = opsPerSecond((i) => {
    const tokens = sidLevelTokens(misses[i & 4095]!);
    const p = `<|sid_start|>${tokens.slice(0, 3).join("")}`;
    let count = 0;
    for (const s of allSids) if (s.startsWith(p)) count++;
    return count;
  }, 500);
  print(`  prefix lookup (seed fallback): ${fmt(prefix)}/s (${fmt(1e6 / prefix, 2)} µs each); linear scan baseline ${fmt(scan)}/s → ×${fmt(prefix / scan, 0)}`);

  const neighbours = opsPerSecond((i) => catalog.neighbours(catalog.items[(i * 7919) % catalog.size]!.codes, 10), 300);
  print(`  neighbours(k=10): ${fmt(neighbours)}/s`);

  const indexStart = performance.now();
  const titles = new TitleIndex(catalog);
  print(`  title index build: ${fmt(performance.now() - indexStart)} ms`);

  const queries = Array.from({ length: 1000 }, (_, i) => {
    const title = random.pick(catalog.items).title.replace(/ - .*$/, "");
    const typo = i % 3 === 0 ? title.replace(/[aeiou]/, "") : title;
    return i % 2 === 0 ? `something similar to ${typo.toLowerCase()} but for xbox` : typo;
  });
  const times: number[] = [];
  let found = 0;
  for (const q of queries) {
    const t = performance.now();
    if (resolveGame(titles, q).kind === "found") found++;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  print(`  title resolve: p50 ${fmt(percentile(times, 50), 2)} ms, p99 ${fmt(percentile(times, 99), 2)} ms (${queries.length} queries, ${found} confident)`);
  print(`  RSS: ${fmt(rssMb())} MB (catalog + index added ~${fmt(rssMb() - rssBefore)} MB)`);
  return path;
}
