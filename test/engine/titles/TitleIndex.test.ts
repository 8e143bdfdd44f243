import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { normalizeTitle, titleTerms } from "../../../src/engine/titles/normalizeTitle.js";
import { findPlatforms } from "../../../src/engine/titles/platforms.js";
import { seededRandom } from "../../../src/util/random.js";
import { demoCatalog, layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

describe("normalizeTitle", () => {
  it("folds case, accents, apostrophes and punctuation", () => {
    expect(normalizeTitle("Pokémon: Let's Go, Pikachu!")).toBe("pokemon lets go pikachu");
    expect(normalizeTitle("Ratchet & Clank")).toBe("ratchet and clank");
    expect(titleTerms("Dragon Quest Heroes II")).toEqual(["dragon", "quest", "heroes", "2"]);
  });

  it("is idempotent and never produces empty terms (property)", () => {
    const random = seededRandom(3);
    const alphabet = ["a", "É", " ", "-", "'", "&", "Ⅻ", "💥", "\u200b", "ß", "İ", "9", ":", "\t"];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: random.int(20) }, () => random.pick(alphabet)).join("");
      const once = normalizeTitle(text);
      expect(normalizeTitle(once)).toBe(once);
      expect(titleTerms(text).every((t) => t.length > 0)).toBe(true);
    }
  });
});

describe("findPlatforms", () => {
  it("recognises platform words, longest first", () => {
    expect(findPlatforms("Halo 3 for the xbox 360 or PS4, maybe Switch").map((m) => m.platform.name)).toEqual([
      "Xbox 360",
      "PlayStation 4",
      "Nintendo Switch",
    ]);
    expect(findPlatforms("Playstation 3").map((m) => m.platform.name)).toEqual(["PlayStation 3"]);
    expect(findPlatforms("pcs, dsx and xboxes")).toEqual([]);
  });
});

describe("TitleIndex", async () => {
  const titles = new TitleIndex(await demoCatalog());

  it("finds titles with typos and partial words", () => {
    expect(titles.search("halo reach")[0]?.item.title).toMatch(/^Halo Reach/);
    expect(titles.search("ocarina of tme")[0]?.item.title).toBe("The Legend of Zelda: Ocarina of Time 3D");
    expect(titles.search("nintendog")[0]?.item.title).toMatch(/^Nintendogs/);
  });

  it("boosts the exact title", () => {
    const [top] = titles.search("Tales of Vesperia");
    expect(top).toMatchObject({ exact: true, coverage: 1, item: { title: "Tales of Vesperia - Xbox 360" } });
  });

  it("uses platform words as a preference, not a required term", () => {
    expect(titles.search("battlefield ps3")[0]?.item.title).toBe("Battlefield: Bad Company - Playstation 3");
    expect(titles.search("fallout xbox")[0]?.item.title).toMatch(/^Fallout/);
  });

  it("answers empty and unknown queries with no hits", () => {
    expect(titles.search("")).toEqual([]);
    expect(titles.search("   !!! ")).toEqual([]);
    expect(titles.search("qwzx plorb")).toEqual([]);
  });
});

describe("TitleIndex on a synthetic catalog", async () => {
  const dir = tempDir();
  const { catalog } = await loadCatalog(writeFixtureCatalog(dir, 5000, 2), layout);
  const titles = new TitleIndex(catalog);

  it("finds every sampled item by its own title, with the exact flag", () => {
    const random = seededRandom(9);
    for (let i = 0; i < 100; i++) {
      const item = random.pick(catalog.items);
      const hits = titles.search(item.title, { limit: 100 });
      const hit = hits.find((h) => h.item.title === item.title);
      expect(hit, item.title).toBeDefined();
      expect(hit!.exact).toBe(true);
      // Re-releases share titles; the best hit is one with this exact title.
      expect(hits[0]!.exact).toBe(true);
    }
  });
});
