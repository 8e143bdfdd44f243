/**
 * Catalog titles written out in full inside a request ("if i liked Tales of Vesperia what else
 * would i like"): whatever the words around them, an exact title is that game. Built once per
 * catalog (a map from the edition-free title words to the item), so a lookup costs a few map
 * probes per word of the request, not a pass over the catalog.
 */
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import { gameKey } from "./resolveGame.js";
import { titleTerms } from "./normalizeTitle.js";
import { bareTerms } from "./TitleIndex.js";

const MAX_WORDS = 12;
const byCatalog = new WeakMap<Catalog, Map<string, CatalogItem>>();

function keysOf(catalog: Catalog): Map<string, CatalogItem> {
  let keys = byCatalog.get(catalog);
  if (keys) return keys;
  keys = new Map();
  for (const item of catalog.items) {
    const key = gameKey(item.title);
    for (const k of [key, key.replace(/^the /, "")]) if (k.split(" ").length >= 2 && !keys.has(k)) keys.set(k, item);
  }
  byCatalog.set(catalog, keys);
  return keys;
}

export interface ExactTitle {
  item: CatalogItem;
  /** Where the title is in the text (character offsets). */
  start: number;
  end: number;
}

/** Catalog titles (two words or more) typed in full in `text`, longest first where they overlap, in text order. */
export function exactTitlesIn(catalog: Catalog, text: string, accept: (words: string[]) => boolean = () => true): ExactTitle[] {
  const keys = keysOf(catalog);
  // Words with their offsets; each normalised the way titles are ("Assassin's" → assassins, "II" → 2).
  const tokens: { term: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}'’]+/gu)) {
    for (const term of titleTerms(m[0])) if (!term.includes(" ")) tokens.push({ term, start: m.index, end: m.index + m[0].length });
  }
  const out: ExactTitle[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (let len = Math.min(MAX_WORDS, tokens.length - i); len >= 2; len--) {
      const words = tokens.slice(i, i + len).map((t) => t.term);
      const item = keys.get(words.join(" "));
      if (!item || !accept(words)) continue;
      // Platform words are not title words ("halo 3 xbox" → "halo 3"); the key must be the bare words.
      if (bareTerms(words.join(" ")).length === 0) continue;
      out.push({ item, start: tokens[i]!.start, end: tokens[i + len - 1]!.end });
      i += len - 1;
      break;
    }
  }
  return out;
}
