/**
 * Taste (topic) search figures at catalog scale: the compact topic index against the MiniSearch topic
 * search it replaced, in the same run on the same phrasings — build time, memory after gc (JS heap
 * plus typed-array buffers) and per-query p50/p99.
 */
import type { Catalog } from "../src/engine/catalog/Catalog.js";
import { platformByName } from "../src/engine/titles/platforms.js";
import type { TitleIndex } from "../src/engine/titles/TitleIndex.js";
import { buildTopicIndex, metadataText } from "../src/engine/titles/topicIndex.js";
import { seededRandom } from "../src/util/random.js";
import { miniSearchTopics } from "../test/support/miniSearchTopics.js";
import { fmt, median, percentile } from "./stats.js";

const TASTES = [
  "I like cozy farming games",
  "scary survival horror",
  "racing",
  "jrpg with turn based combat",
  "something like a puzzle game please",
  "open world action adventure with crafting",
  "co-op sci-fi shooters",
  "fighting games for ps4",
  "relaxing platformer",
  "strategy on xbox",
];
const ROUNDS = 3;
/** Keeps results alive so the JIT cannot drop the measured calls. */
export let topicSink: unknown;

/** Prints the topic figures for `catalog` (`titles` built over it, its topic index not yet). */
export function topicFigures(name: string, catalog: Catalog, titles: TitleIndex, print: (line: string) => void): void {
  const random = seededRandom(11);
  const tastes = Array.from({ length: 500 }, (_, i) => {
    if (i < TASTES.length) return TASTES[i]!;
    const item = random.pick(catalog.items);
    const words = `${item.title.replace(/ - .*$/, "")} ${metadataText(item)}`.split(/\s+/).filter((w) => w.length > 2);
    const a = random.pick(words);
    const b = random.pick(words);
    return i % 3 === 0 ? `I like ${a} ${b} games` : i % 3 === 1 ? `${a.replace(/[aeiou]/, "")} ${b}` : `${a} games for switch`;
  });

  let before = memory();
  let started = performance.now();
  const index = buildTopicIndex(catalog, titles.snapshot().bareTitles);
  const buildMs = performance.now() - started;
  const indexMem = minus(memory(), before);
  before = memory();
  started = performance.now();
  const reference = miniSearchTopics(catalog);
  const baselineMs = performance.now() - started;
  const baselineMem = minus(memory(), before);
  const total = (m: Memory) => m.heap + m.buffers;
  print(
    `  ${name} topic index build: ${fmt(buildMs)} ms; MiniSearch baseline ${fmt(baselineMs)} ms → ` +
      `×${fmt(baselineMs / buildMs, 1)} faster`,
  );
  print(
    `  ${name} topic index memory: ${fmt(total(indexMem))} MB (heap ${fmt(indexMem.heap)} + typed arrays ` +
      `${fmt(indexMem.buffers)}, after gc); MiniSearch baseline ${fmt(total(baselineMem))} MB → ` +
      `×${fmt(total(baselineMem) / total(indexMem), 1)} smaller`,
  );
  topicSink = index;

  const platform = platformByName("Nintendo Switch");
  for (const [label, search] of [
    ["topic index", (text: string, i: number) => titles.searchTopics(text, { limit: 100, platform: i % 2 ? platform : undefined })],
    [
      "MiniSearch baseline",
      (text: string, i: number) => reference.searchTopics(text, { limit: 100, platform: i % 2 ? platform : undefined }),
    ],
  ] as const) {
    search("warm up", 0); // the topic index is built on first use: not a query's cost
    memory();
    const rounds = tastes.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) {
      tastes.forEach((text, i) => {
        const t = performance.now();
        topicSink = search(text, i);
        rounds[i]!.push(performance.now() - t);
      });
    }
    const times = rounds.map((t) => median(t)).sort((a, b) => a - b);
    print(
      `  ${name} taste search, 100 hits (${label}): p50 ${fmt(percentile(times, 50), 2)} ms, ` +
        `p99 ${fmt(percentile(times, 99), 2)} ms (${tastes.length} tastes)`,
    );
  }
}

interface Memory {
  heap: number;
  buffers: number;
}

/** JS heap and ArrayBuffer bytes after a collection (when `--expose-gc`), in MB. */
function memory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed / 1024 / 1024, buffers: arrayBuffers / 1024 / 1024 };
}

function minus(a: Memory, b: Memory): Memory {
  return { heap: a.heap - b.heap, buffers: a.buffers - b.buffers };
}
