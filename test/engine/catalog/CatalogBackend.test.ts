/**
 * The catalog backend on a titles-only catalog (the real mapping's columns: parent_asin,
 * semantic_id, title), with generated rows: the tests assert structural properties — shared SID
 * prefixes, shared title words — never words they picked to match.
 */
import { describe, expect, it } from "vitest";
import type { Catalog, CatalogItem } from "../../../src/engine/catalog/Catalog.js";
import { CatalogBackend, gameKey, sharedLevelCount } from "../../../src/engine/catalog/CatalogBackend.js";
import { buildCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import type { RawRow } from "../../../src/engine/catalog/readCatalogRows.js";
import { fixtureAsin } from "../../../src/engine/fixtures/fixtureMetadata.js";
import { fixtureCatalogRows, type FixtureRow } from "../../../src/engine/fixtures/fixtureCatalog.js";
import { bareTerms, TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { seededRandom, type Random } from "../../../src/util/random.js";
import { layout } from "../../support/catalogs.js";

/** Rows as the Hugging Face mapping has them: no platform, no genre. */
function titlesOnly(rows: readonly FixtureRow[]): RawRow[] {
  return rows.map((row, i) => ({
    rowNumber: i + 1,
    ok: true,
    record: { parent_asin: fixtureAsin(i), semantic_id: row.semantic_id, title: row.title },
  }));
}

function backendOf(rows: readonly RawRow[]): { catalog: Catalog; titles: TitleIndex; backend: CatalogBackend } {
  const { catalog } = buildCatalog("generated", rows, layout);
  const titles = new TitleIndex(catalog);
  return { catalog, titles, backend: new CatalogBackend(catalog, titles) };
}

/** A made-up word of random letters, for a title no other title shares a word with. */
function gibberish(random: Random): string {
  const letters = "bcdfghjklmnpqrstvwxz";
  const word = Array.from({ length: 9 }, () => letters[random.int(letters.length)]).join("");
  return word[0]!.toUpperCase() + word.slice(1);
}

const rows = [...fixtureCatalogRows({ items: 4000, seed: 11, layout })];

describe("CatalogBackend similar-to on a titles-only catalog", () => {
  const { catalog, backend } = backendOf(titlesOnly(rows));

  it("never offers an unrelated item, however near its code numbers (failed before: nearest codes filled the answer)", () => {
    const random = seededRandom(5);
    const used = new Set(catalog.items.map((i) => i.codes[0]));
    // A level-1 code nobody has, right next to one that many items have.
    const lonely = [...Array(layout.codesPerLevel).keys()].find((c) => !used.has(c) && used.has(c - 1))!;
    expect(lonely).toBeDefined();
    const title = `${gibberish(random)} ${gibberish(random)}`;
    const extra: RawRow = { rowNumber: rows.length + 1, ok: true, record: { semantic_id: layout.format([lonely, 3, 7, 0]), title } };
    const { catalog: withLonely, backend: b } = backendOf([...titlesOnly(rows), extra]);
    const asked = withLonely.items.at(-1)!;
    // The premise: nothing shares a level or a title word with it.
    const words = new Set(bareTerms(title));
    expect(
      withLonely.items.filter((i) => i !== asked && (sharedLevelCount(i, asked) > 0 || bareTerms(i.title).some((w) => words.has(w)))),
    ).toEqual([]);

    const answer = b.answer({ kind: "similar", items: [asked] });
    expect(answer.items).toEqual([]);
    expect(answer.notices.join(" ")).toMatch(/^Nothing in the catalog is close to /);
    const explained = b.answer({ kind: "explain", items: [asked] });
    expect(explained.items).toEqual([]);
  });

  it("answers from the deepest shared prefix first; never a zero-level item while an unused ≥1-level one exists (property)", () => {
    const random = seededRandom(21);
    const keys = catalog.items.map(gameKey);
    for (let trial = 0; trial < 80; trial++) {
      const asked = catalog.items[random.int(catalog.size)]!;
      const k = 1 + random.int(6);
      const { items } = backend.answer({ kind: "similar", items: [asked], k });
      const shared = items.map((i) => sharedLevelCount(i, asked));
      // Other games (editions of the asked game are the same game).
      const others = catalog.items.filter((i) => i !== asked && sharedLevelCount(i, asked) > 0 && keys[i.index] !== keys[asked.index]);
      const deepest = Math.max(0, ...others.map((i) => sharedLevelCount(i, asked)));
      if (deepest > 0) expect(shared[0]).toBe(deepest);
      for (let i = 1; i < shared.length; i++) expect(shared[i]).toBeLessThanOrEqual(shared[i - 1]!);
      const answered = new Set(items.map(gameKey));
      const unusedRelatives = others.filter((i) => !answered.has(keys[i.index]!));
      if (shared.includes(0)) expect(unusedRelatives).toEqual([]);
      // Everything answered shares a level or a title word with the asked item.
      const words = new Set(bareTerms(asked.title));
      for (const item of items) expect(sharedLevelCount(item, asked) > 0 || bareTerms(item.title).some((w) => words.has(w))).toBe(true);
      expect(items.map(gameKey)).not.toContain(gameKey(asked));
      expect(new Set(items.map(gameKey)).size).toBe(items.length);
    }
  });

  it("ranks same-depth items by series and title words before SID order", () => {
    const random = seededRandom(8);
    let checked = 0;
    for (let trial = 0; trial < 300 && checked < 20; trial++) {
      const asked = catalog.items[random.int(catalog.size)]!;
      const { items } = backend.answer({ kind: "similar", items: [asked], k: 5 });
      const words = new Set(bareTerms(asked.title));
      const depth = (i: CatalogItem) => sharedLevelCount(i, asked);
      const wordCount = (i: CatalogItem) => bareTerms(i.title).filter((w) => words.has(w)).length;
      // Among answered items of one depth, a word-less one never precedes one sharing words… unless another depth sits between.
      for (let i = 1; i < items.length; i++) {
        if (depth(items[i]!) !== depth(items[i - 1]!)) continue;
        if (wordCount(items[i - 1]!) === 0 && wordCount(items[i]!) > 0)
          throw new Error(`${items[i - 1]!.title} before ${items[i]!.title} for ${asked.title}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("explains an item against what was asked, in plain words, never as 'the closest match'", () => {
    const random = seededRandom(9);
    for (let trial = 0; trial < 60; trial++) {
      const asked = catalog.items[random.int(catalog.size)]!;
      const answer = backend.answer({ kind: "explain", items: [asked] });
      const [item] = answer.items;
      if (!item) continue;
      expect(answer.text).toMatch(/^If you liked .+, try .+: .+\.$/);
      expect(answer.text).not.toMatch(/closest match/);
      const why = backend.answer({ kind: "chat", recommend: false, items: [item], basis: [asked] }).text;
      expect(why).toContain(item.title);
      const shared = sharedLevelCount(asked, item);
      if (shared > 0)
        expect(why).toMatch(
          shared === 1
            ? /share the first semantic-ID level, a group of \d+ games/
            : /share the first \w+ semantic-ID levels, a group of \d+ games/,
        );
      else expect(why).not.toMatch(/semantic-ID level/);
    }
  });
});

describe("CatalogBackend tastes on a titles-only catalog", () => {
  const { catalog, backend } = backendOf(titlesOnly(rows));

  it("answers from title words and says it matched titles only", () => {
    const random = seededRandom(4);
    for (let trial = 0; trial < 30; trial++) {
      const item = catalog.items[random.int(catalog.size)]!;
      const words = bareTerms(item.title).filter((w) => w.length >= 5 && !/\d/.test(w));
      if (words.length === 0) continue;
      const word = random.pick(words);
      const answer = backend.answer({ kind: "tastes", text: `I like ${word} games` });
      expect(answer.items.length).toBeGreaterThan(0);
      // The title matches (fuzzy/prefix allowed), or the item is a close SID relative of one that does.
      const direct = answer.items.filter((i) => bareTerms(i.title).some((t) => t.startsWith(word.slice(0, 4))));
      expect(direct.length).toBeGreaterThan(0);
      expect(answer.notices.join(" ")).toMatch(/title words only/);
    }
  });

  it("blames the request's filter, not the catalog, when the filter took out the matches", () => {
    const asked = catalog.items[17]!;
    const word = bareTerms(asked.title).find((w) => w.length >= 5 && !/\d/.test(w))!;
    const nothing = () => false;
    const all = () => true;
    const similar = backend.answer({ kind: "similar", items: [asked] }, nothing);
    expect(similar.items).toEqual([]);
    expect(similar.notices.join(" ")).toMatch(/^Nothing in the catalog that the current filter allows is close to /);
    const tastes = backend.answer({ kind: "tastes", text: `I like ${word} games` }, nothing);
    expect(tastes.items).toEqual([]);
    expect(tastes.notices.join(" ")).toMatch(/^Nothing in the catalog that the current filter allows matches those words/);
    // A filter that took nothing out is not mentioned.
    for (const task of [
      { kind: "similar" as const, items: [asked] },
      { kind: "tastes" as const, text: `I like ${word} games` },
    ]) {
      expect(backend.answer(task, all).notices.join(" ")).not.toMatch(/filter/);
    }
  });

  it("says so when nothing matches", () => {
    const answer = backend.answer({ kind: "tastes", text: `${gibberish(seededRandom(2))} games` });
    expect(answer.items).toEqual([]);
    expect(answer.notices.join(" ")).toMatch(/^Nothing in the catalog matches those words \(it only has titles/);
  });
});

describe("CatalogBackend bundle names", () => {
  const withPlatform = rows.map((row, i): RawRow => ({ rowNumber: i + 1, ok: true, record: { ...row } }));
  const { catalog, backend } = backendOf(withPlatform);

  it("is a name with a one-line description built from what the items share (property)", () => {
    const random = seededRandom(13);
    for (let trial = 0; trial < 60; trial++) {
      const first = catalog.items[random.int(catalog.size)]!;
      const samePlatform = random.chance(0.5);
      const pool = samePlatform ? catalog.items.filter((i) => i.platform === first.platform && i !== first) : catalog.items;
      const items = [first, ...Array.from({ length: 1 + random.int(3) }, () => pool[random.int(pool.length)]!)].filter(
        (v, i, a) => a.indexOf(v) === i,
      );
      const text = backend.answer({ kind: "bundle", items }).text;
      expect(text).not.toContain("\n");
      const m = /^(.+ )?Collection — (one|two|three|four|five) ([^:]+): (.+)\.$/.exec(text);
      expect(m, text).not.toBeNull();
      if (samePlatform) {
        expect(text.startsWith(`${first.platform} `)).toBe(true);
        expect(m![3]).toContain(`for ${first.platform}`);
      }
      // Every item is named in the description.
      for (const item of items) expect(m![4]).toContain(item.title.split(" - ")[0]!.trim());
      // The name names what they share: a word every title has, or a genre every item has.
      const theme = m![1]!
        .replace(first.platform ?? "", "")
        .replace("Collection", "")
        .trim()
        .toLowerCase();
      if (theme && theme !== "mixed" && theme !== "kindred" && !/^(xbox|playstation|nintendo|sega)$/.test(theme)) {
        const genres = items.map((i) => String(i.meta.genre).toLowerCase());
        const everyTitle = items.every((i) => bareTerms(i.title).includes(theme));
        const everyGenre = genres.every((g) => g.split(/[, ]+/).includes(theme) || g === theme);
        expect(everyTitle || everyGenre, `${theme} in ${text}`).toBe(true);
      }
    }
  });
});
