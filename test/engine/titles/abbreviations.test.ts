/**
 * Abbreviated and slightly misspelled titles (blind-test classes 8 and 9): a clear typo or a unique
 * abbreviation is used and said; near misses of another game and ambiguous abbreviations are asked.
 */
import { describe, expect, it } from "vitest";
import type { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { exactTitlesIn } from "../../../src/engine/titles/exactTitles.js";
import { titleTerms } from "../../../src/engine/titles/normalizeTitle.js";
import { findGame, isClearTypo } from "../../../src/engine/titles/resolveGame.js";
import { TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { demoCatalog, layout, sidOf } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

describe("title words that are Object.prototype keys", () => {
  it('are plain terms ("constructor" once crashed the exact-title scan)', () => {
    expect(titleTerms("constructor toString ii")).toEqual(["constructor", "tostring", "2"]);
  });
});

describe("abbreviations from title initials", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const find = (q: string) => findGame(titles, q, true);

  it("indexes the initials of runs of title words, numbers kept whole", () => {
    expect(titles.initialsOf("acnl").map((r) => r.words.join(" "))).toEqual(["animal crossing new leaf"]);
    expect(titles.initialsOf("ac2").map((r) => r.item.title)).toEqual(["Assassin's Creed 2 Deluxe Edition [Download]"]);
    expect(titles.initialsOf("nfs").map((r) => r.words.join(" "))).toEqual(["need for speed"]);
    expect(titles.initialsOf("zzq")).toEqual([]);
  });

  it.each([
    ["acnl", "Animal Crossing: New Leaf"],
    ["tloz ocarina of time", "The Legend of Zelda: Ocarina of Time 3D"],
    ["nfs carbon", "Need for Speed Carbon - Xbox 360"],
    ["dq heroes ii", "Dragon Quest Heroes II"],
    ["fnv", "Fallout: New Vegas - Xbox 360 Ultimate Edition"],
  ])("%s → %s, marked as read differently", (q, title) => {
    const r = find(q);
    expect(r).toMatchObject({ kind: "found", item: { title }, corrected: q });
  });

  it("other words typed must be in the same title", () => {
    expect(find("nfs vegas").kind).not.toBe("found");
  });

  it("an abbreviation of several games is asked about", async () => {
    const dir = tempDir();
    const path = join(dir, "abbr.jsonl");
    const rows = ["Super Mario Kart - SNES", "Star Mission Knights - PC", "Halo 3 - Xbox 360"].map((title, i) =>
      JSON.stringify({ semantic_id: sidOf(10 + i, 300 + i, 600 + i, 768), title }),
    );
    writeFileSync(path, `${rows.join("\n")}\n`);
    const small: Catalog = (await loadCatalog(path, layout)).catalog;
    const r = findGame(new TitleIndex(small), "smk", true);
    expect(r.kind).toBe("missing");
    if (r.kind === "missing")
      expect(r.candidates.map((c) => c.title).sort()).toEqual(["Star Mission Knights - PC", "Super Mario Kart - SNES"]);
  });
});

describe("clear typos vs near misses", async () => {
  const catalog = await demoCatalog();
  const item = (t: string) => catalog.items.find((i) => i.title.startsWith(t))!;

  it.each([
    ["nights of azrue", "Nights of Azure", true],
    ["forza motorspot 2", "Forza Motorsport 2", true],
    ["nintendog", "Nintendogs", false], // one word: asked
    ["halo 5", "Halo 3", false], // a number is never a typo
    ["nights of azur", "Nights of Azure", false], // a 4-letter word
    ["forza horizon 2", "Forza Motorsport 2", false], // a different word
  ])("%s vs %s: clear typo %s", (q, t, clear) => {
    expect(isClearTypo(q, item(t))).toBe(clear);
  });

  it("a 5-letter slip in a longer title is clear", () => {
    expect(isClearTypo("need for speed carbn", item("Need for Speed Carbon"))).toBe(true);
  });

  it("finds titles typed in full inside a sentence, longest first", () => {
    const found = exactTitlesIn(catalog, "if i liked Tales of Vesperia what else would i like, or halo reach?");
    expect(found.map((f) => f.item.title)).toEqual(["Tales of Vesperia - Xbox 360", "Halo Reach - Limited Edition -Xbox 360"]);
    expect(exactTitlesIn(catalog, "I like cozy farming games")).toEqual([]);
  });
});
