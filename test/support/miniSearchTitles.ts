/**
 * The title search as it was before the term index: MiniSearch over bare titles and platform words,
 * exact AND, then fuzzy AND, then fuzzy OR. Kept as the oracle the term index must agree with.
 */
import MiniSearch from "minisearch";
import type { Catalog } from "../../src/engine/catalog/Catalog.js";
import { titleTerms } from "../../src/engine/titles/normalizeTitle.js";
import { findPlatforms, platformByName } from "../../src/engine/titles/platforms.js";
import { bareTerms, type TitleHit } from "../../src/engine/titles/TitleIndex.js";

/** The search before the term index, with the same answer shape (the bench's baseline, the tests' oracle). */
export function miniSearchTitles(catalog: Catalog): {
  search: (query: string, options?: { limit?: number; prefix?: boolean }) => TitleHit[];
} {
  const bareTitles = catalog.items.map((item) => bareTerms(item.title).join(" "));
  const families = catalog.items.map((item) => (item.platform ? platformByName(item.platform)?.family : undefined));
  const index = new MiniSearch<{ id: number; name: string; platform: string }>({
    fields: ["name", "platform"],
    tokenize: (text) => titleTerms(text),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => titleTerms(text), processTerm: (term) => term, fields: ["name"] },
  });
  index.addAll(
    catalog.items.map((item) => {
      const words = findPlatforms(item.title).map((m) => item.title.slice(m.start, m.end));
      return { id: item.index, name: bareTitles[item.index]!, platform: words.reverse().join(" ") };
    }),
  );

  return { search };
  function search(query: string, { limit = 10, prefix = true } = {}): TitleHit[] {
    const wanted = findPlatforms(query).at(-1)?.platform;
    let terms = bareTerms(query);
    let fields = ["name"];
    if (terms.length === 0) {
      terms = titleTerms(query);
      fields = ["name", "platform"];
    }
    if (terms.length === 0) return [];
    const text = terms.join(" ");
    const options = {
      fields,
      prefix: (term: string, i: number, all: string[]) => prefix && i === all.length - 1 && term.length >= 2,
      boostDocument: (id: number) => {
        let boost = bareTitles[id] === text ? 3 : 1;
        if (wanted) {
          if (catalog.items[id]?.platform === wanted.name) boost *= 1.5;
          else if (families[id] === wanted.family) boost *= 1.2;
        }
        return boost;
      },
    };
    const fuzzy = (term: string) => (term.length >= 4 ? 0.2 : false);
    let results = index.search(text, { ...options, combineWith: "AND" });
    if (results.length === 0) results = index.search(text, { ...options, fuzzy, combineWith: "AND" });
    if (results.length === 0) results = index.search(text, { ...options, fuzzy, combineWith: "OR" });
    const unique = new Set(terms).size;
    return results.slice(0, limit).map((r) => ({
      item: catalog.items[r.id as number]!,
      score: r.score,
      exact: bareTitles[r.id as number] === text,
      coverage: Math.min(1, new Set(r.queryTerms).size / unique),
    }));
  }
}
