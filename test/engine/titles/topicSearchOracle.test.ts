/**
 * Taste search on the compact topic index agrees with the MiniSearch topic search it replaces:
 * same hits, same order, same scores and coverage, on the demo catalog, a synthetic catalog with
 * genres, and a catalog joined with product metadata (categories, features, descriptions).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { fixtureCatalogRows } from "../../../src/engine/fixtures/fixtureCatalog.js";
import { fixtureAsin, fixtureMetadata } from "../../../src/engine/fixtures/fixtureMetadata.js";
import { platformByName } from "../../../src/engine/titles/platforms.js";
import { type TitleHit, TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { metadataText } from "../../../src/engine/titles/topicIndex.js";
import { seededRandom } from "../../../src/util/random.js";
import { demoCatalog, layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { miniSearchTopics } from "../../support/miniSearchTopics.js";
import { tempDir } from "../../support/tempDir.js";

/** Hits as comparable records; scores to 12 significant digits. */
const records = (hits: readonly TitleHit[]) =>
  hits.map((h) => ({ index: h.item.index, score: Number(h.score.toPrecision(12)), exact: h.exact, coverage: h.coverage }));

const PHRASINGS = [
  "",
  "   ",
  "I like cozy farming games",
  "scary survival horror",
  "racing",
  "Racing games",
  "jrpg with turn based combat",
  "something like a puzzle game please",
  "i want fun games",
  "open world action adventure with crafting",
  "sports sports sports",
  "shooter shooter",
  "rpg",
  "platformer for xbox 360",
  "racing on ps4",
  "co-op sci-fi shooters",
  "point-and-click adventures",
  "Pokémon-like monster catching",
  "ゼルダの伝説 のような ゲーム",
  "jeux de rôle français à l'ancienne",
  "😀 games 🎮",
  "halo 3",
  "stratgy",
  "simulaton games",
  "fightng",
  "adventur",
  "a b c d e f",
  "the the the",
  "2",
  "edition",
  "collectors edition ii",
  `${"really long relaxing exploration game with puzzles and a story ".repeat(12)}`,
];

/** Phrasings plus words taken from the catalog's own titles and metadata, whole, cut short and misspelt. */
function phrasingsFor(catalog: Catalog, count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const out = [...PHRASINGS];
  for (let i = 0; i < count; i++) {
    const item = random.pick(catalog.items);
    const words = `${item.title} ${metadataText(item)}`.split(/\s+/).filter((w) => w.length > 0);
    const word = () => random.pick(words);
    const pick = [word(), word(), word()];
    switch (i % 5) {
      case 0:
        out.push(`I like ${pick[0]} ${pick[1]} games`);
        break;
      case 1:
        out.push(pick[0]!.slice(0, 4 + (i % 4)));
        break;
      case 2:
        out.push(pick.map((w) => w.replace(/[aeiou]/, "")).join(" "));
        break;
      case 3:
        out.push(`${pick.join(" ")} for switch`);
        break;
      default:
        out.push(item.title.replace(/ - .*$/, ""));
    }
  }
  return out;
}

async function productCatalog(dir: string): Promise<Catalog> {
  const rows = [...fixtureCatalogRows({ items: 2000, seed: 17, layout })];
  const meta = fixtureMetadata(rows, 17);
  const catalogPath = join(dir, "mapping.jsonl");
  const lines = rows.map((r, i) => JSON.stringify({ parent_asin: fixtureAsin(i), semantic_id: r.semantic_id, title: r.title }));
  writeFileSync(catalogPath, `${lines.join("\n")}\n`);
  const metaPath = join(dir, "meta_Video_Games.jsonl");
  // Some products without metadata: their metadata field is empty.
  writeFileSync(
    metaPath,
    `${meta
      .slice(0, -150)
      .map((m) => JSON.stringify(m))
      .join("\n")}\n`,
  );
  return (await loadCatalog(catalogPath, layout, { metadataPath: metaPath })).catalog;
}

describe("taste search agrees with MiniSearch (the topic search it replaces)", async () => {
  const dir = tempDir();
  const catalogs = {
    demo: await demoCatalog(),
    synthetic: (await loadCatalog(writeFixtureCatalog(dir, 3000, 4), layout)).catalog,
    product: await productCatalog(dir),
  };

  for (const [name, catalog] of Object.entries(catalogs)) {
    it(`same hits, same order, same scores and coverage on the ${name} catalog`, () => {
      const titles = new TitleIndex(catalog);
      const reference = miniSearchTopics(catalog);
      if (name === "product") expect(catalog.items.filter((i) => metadataText(i).length > 200).length).toBeGreaterThan(1000);
      const platforms = [undefined, platformByName("Xbox 360"), platformByName("PlayStation 4"), platformByName("Nintendo Switch")];
      let compared = 0;
      for (const [i, text] of phrasingsFor(catalog, 120, 9).entries()) {
        for (const options of [
          { limit: 10, platform: platforms[i % platforms.length] },
          { limit: 100_000, platform: undefined },
        ]) {
          const expected = records(reference.searchTopics(text, options));
          expect(records(titles.searchTopics(text, options)), `${text} ${options.limit} ${options.platform?.name}`).toEqual(expected);
          compared += expected.length;
        }
      }
      expect(compared).toBeGreaterThan(1000);
    });
  }
});
