import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { seededRandom } from "../../../src/util/random.js";
import { demoCatalog, layout, writeFixtureCatalog } from "../../support/catalogs.js";
import type { TitleHit } from "../../../src/engine/titles/TitleIndex.js";
import { miniSearchTitles } from "../../support/miniSearchTitles.js";
import { tempDir } from "../../support/tempDir.js";

/** Hits as comparable records; scores to 12 significant digits (the same sums, maybe added in another order). */
const records = (hits: readonly TitleHit[]) =>
  hits.map((h) => ({ index: h.item.index, score: Number(h.score.toPrecision(12)), exact: h.exact, coverage: h.coverage }));

// Typed the way people type: whole titles, a dropped vowel, a request around them, a platform, a prefix.
function queriesFor(titles: readonly string[], count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const out = ["", "xbox 360", "ps4", "switch games", "the of the", "edition edition", "2 2", "halo halo"];
  for (let i = 0; i < count; i++) {
    const title = random.pick(titles).replace(/ - .*$/, "");
    const typo = i % 3 === 0 ? title.replace(/[aeiou]/, "") : title;
    out.push(i % 2 === 0 ? `${typo.toLowerCase()} for xbox` : typo, title.slice(0, 2 + (i % 14)));
  }
  return out;
}

describe("title search agrees with MiniSearch (the search it replaces)", async () => {
  const dir = tempDir();
  const catalogs = { demo: await demoCatalog(), synthetic: (await loadCatalog(writeFixtureCatalog(dir, 3000, 4), layout)).catalog };

  for (const [name, catalog] of Object.entries(catalogs)) {
    it(`same hits, same order, same scores and flags on the ${name} catalog`, () => {
      const titles = new TitleIndex(catalog);
      const reference = miniSearchTitles(catalog);
      const queries = queriesFor(
        catalog.items.map((i) => i.title),
        150,
        5,
      );
      for (const query of queries) {
        for (const options of [
          { limit: 5, prefix: false },
          { limit: 25, prefix: true },
        ]) {
          expect(records(titles.search(query, options)), `${query} ${JSON.stringify(options)}`).toEqual(
            records(reference.search(query, options)),
          );
        }
      }
    });
  }
});
