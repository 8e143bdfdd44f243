/**
 * The topic (taste) search as it was before the compact topic index: MiniSearch over bare titles and
 * metadata text, both fields, the title boosted 2×, OR. Kept as the oracle the topic index must agree with.
 */
import MiniSearch from "minisearch";
import type { Catalog } from "../../src/engine/catalog/Catalog.js";
import { titleTerms } from "../../src/engine/titles/normalizeTitle.js";
import { platformByName, type Platform } from "../../src/engine/titles/platforms.js";
import { bareTerms, type TitleHit } from "../../src/engine/titles/TitleIndex.js";
import { metadataText, TOPIC_STOP_WORDS } from "../../src/engine/titles/topicIndex.js";

/** The MiniSearch topic search, with the same answer shape (the bench's baseline, the tests' oracle). */
export function miniSearchTopics(catalog: Catalog): {
  index: MiniSearch<{ id: number; name: string; tags: string }>;
  searchTopics: (text: string, options?: { limit?: number; platform?: Platform | undefined }) => TitleHit[];
} {
  const bareTitles = catalog.items.map((item) => bareTerms(item.title).join(" "));
  const families = catalog.items.map((item) => (item.platform ? platformByName(item.platform)?.family : undefined));
  const index = new MiniSearch<{ id: number; name: string; tags: string }>({
    fields: ["name", "tags"],
    tokenize: (text) => titleTerms(text),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => titleTerms(text), processTerm: (term) => term, fields: ["name"] },
  });
  index.addAll(catalog.items.map((item) => ({ id: item.index, name: bareTitles[item.index]!, tags: metadataText(item) })));

  return { index, searchTopics };
  function searchTopics(text: string, { limit = 10, platform }: { limit?: number; platform?: Platform | undefined } = {}): TitleHit[] {
    const terms = bareTerms(text).filter((t) => !TOPIC_STOP_WORDS.has(t));
    if (terms.length === 0) return [];
    const query = terms.join(" ");
    const results = index.search(query, {
      fields: ["name", "tags"],
      boost: { name: 2 },
      combineWith: "OR",
      prefix: (term: string) => term.length >= 4,
      fuzzy: (term: string) => (term.length >= 5 ? 0.2 : false),
      boostDocument: (id: number) => {
        let boost = bareTitles[id] === query ? 3 : 1;
        if (platform) {
          if (catalog.items[id]?.platform === platform.name) boost *= 1.5;
          else if (families[id] === platform.family) boost *= 1.2;
        }
        return boost;
      },
    });
    const unique = new Set(terms).size;
    return results.slice(0, limit).map((r) => ({
      item: catalog.items[r.id as number]!,
      score: r.score,
      exact: false,
      coverage: Math.min(1, new Set(r.queryTerms).size / unique),
    }));
  }
}
