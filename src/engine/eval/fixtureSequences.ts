/**
 * Synthetic eval rows with a known structure, so the eval harness itself can be tested. Each row
 * is a history of 2–5 items and the item that came next:
 *
 * - The last history item `a` is drawn uniformly; each earlier one, half the time from `a`'s
 *   close group (sharing two SID levels with it: a coherent session), else uniformly.
 * - Structured rows (`structuredShare` of the rows where it is possible): `next` is drawn
 *   uniformly from `a`'s neighbourhood — the items sharing ≥ 2 levels with `a`, other than the
 *   history and other editions of it (items sharing 3 levels with a history item). The row
 *   records `"structured": true` and the neighbourhood's size, so a test can compute what a
 *   recommender that knows the neighbourhood but not the draw achieves: Hit@10 = min(1, 10 / size).
 * - Other rows: `next` is drawn uniformly from the rest of the catalog (`"structured": false`).
 *
 * With `noise`, some history entries are written as their titles (only titles one item has, so
 * they resolve) and about one row in twenty is bad on purpose: not JSON, an unknown or malformed
 * SID, an unknown title, an empty history. A bad row says what it is in `"noise"` (except the
 * line that is not JSON).
 */
import { seededRandom, type Random } from "../../util/random.js";
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";

export interface FixtureSequencesOptions {
  catalog: Catalog;
  /** Rows to write. */
  n: number;
  seed: number;
  /** Share of rows (where a neighbourhood exists) whose next item comes from it. @defaultValue 0.8 */
  structuredShare?: number;
  /** Titles in histories and some bad rows. @defaultValue false */
  noise?: boolean;
}

/** The ground truth a generated row carries besides `history` and `next`. */
export interface SequenceTruth {
  structured: boolean;
  /** Size of the neighbourhood `next` was drawn from (structured rows). */
  neighbourhood?: number;
  /** What is wrong with the row on purpose (noise rows). */
  noise?: string;
}

const NOISE_SHARE = 0.05;
const TITLE_SHARE = 0.15;
const NOISE_KINDS = ["not JSON", "unknown SID", "malformed SID", "unknown title", "empty history"] as const;

/** The rows as JSONL lines (no newlines inside). */
export function* fixtureSequences({ catalog, n, seed, structuredShare = 0.8, noise = false }: FixtureSequencesOptions): Generator<string> {
  if (catalog.size < 6) throw new RangeError("fixture sequences need a catalog of at least 6 items");
  const random = seededRandom(seed);
  const uniqueTitles = noise ? titlesOfOneItem(catalog) : new Set<string>();
  const entry = (item: CatalogItem) => (noise && uniqueTitles.has(item.title) && random.chance(TITLE_SHARE) ? item.title : item.sid);
  for (let row = 0; row < n; row++) {
    if (noise && random.chance(NOISE_SHARE)) {
      yield noiseRow(catalog, random);
      continue;
    }
    const history = drawHistory(catalog, random);
    const last = history.at(-1)!;
    const neighbourhood = neighbourhoodOf(catalog, last, history);
    const structured = neighbourhood.length > 0 && random.chance(structuredShare);
    const next = structured ? random.pick(neighbourhood) : drawOther(catalog, random, history);
    const truth: SequenceTruth = structured ? { structured, neighbourhood: neighbourhood.length } : { structured };
    yield JSON.stringify({ history: history.map(entry), next: next.sid, ...truth });
  }
}

function drawHistory(catalog: Catalog, random: Random): CatalogItem[] {
  const length = 2 + random.int(4);
  const last = random.pick(catalog.items);
  const close = [...catalog.withPrefix(last.codes, 2)].filter((i) => i !== last);
  const chosen = new Set<CatalogItem>([last]);
  for (let tries = 0; chosen.size < length && tries < length * 20; tries++) {
    chosen.add(close.length > 0 && random.chance(0.5) ? random.pick(close) : random.pick(catalog.items));
  }
  // `last` was drawn first but comes last.
  return [...chosen].slice(1).concat(last);
}

/** Items sharing ≥ 2 levels with `last`, other than the history and other editions of it (3 shared levels). */
export function neighbourhoodOf(catalog: Catalog, last: CatalogItem, history: readonly CatalogItem[]): CatalogItem[] {
  const editions = new Set(history.map((h) => catalog.layout.packCodes(h.codes, 3)));
  return [...catalog.withPrefix(last.codes, 2)].filter((i) => !history.includes(i) && !editions.has(catalog.layout.packCodes(i.codes, 3)));
}

function drawOther(catalog: Catalog, random: Random, history: readonly CatalogItem[]): CatalogItem {
  for (;;) {
    const item = random.pick(catalog.items);
    if (!history.includes(item)) return item;
  }
}

function titlesOfOneItem(catalog: Catalog): Set<string> {
  const counts = new Map<string, number>();
  for (const item of catalog.items) {
    const key = item.title.trim().toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Set(catalog.items.filter((i) => counts.get(i.title.trim().toLowerCase()) === 1).map((i) => i.title));
}

function noiseRow(catalog: Catalog, random: Random): string {
  const kind = random.pick(NOISE_KINDS);
  const a = random.pick(catalog.items);
  const next = random.pick(catalog.items).sid;
  const { layout } = catalog;
  switch (kind) {
    case "not JSON":
      return `{"history": ["${a.sid}"], "next": `;
    case "unknown SID": {
      let codes: number[];
      do codes = Array.from({ length: layout.levels }, () => random.int(layout.codesPerLevel));
      while (catalog.get(layout.format(codes)));
      return JSON.stringify({ history: [a.sid, layout.format(codes)], next, structured: false, noise: kind });
    }
    case "malformed SID":
      return JSON.stringify({ history: [layout.format(a.codes.slice(0, -1))], next, structured: false, noise: kind });
    case "unknown title":
      return JSON.stringify({ history: [a.sid, "Qxzvbn Wrtkpl Zzyx"], next, structured: false, noise: kind });
    case "empty history":
      return JSON.stringify({ history: [], next, structured: false, noise: kind });
    default:
      return kind satisfies never;
  }
}
