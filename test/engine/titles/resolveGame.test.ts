import { describe, expect, it } from "vitest";
import { TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { extractTitleQuery, resolveGame } from "../../../src/engine/titles/resolveGame.js";
import { demoCatalog } from "../../support/catalogs.js";

describe("extractTitleQuery", () => {
  it.each([
    ["something similar to mario kart but for xbox", "mario kart"],
    ["Similar to Halo 3", "Halo 3"],
    ["games like Need for Speed Carbon on ps3", "Need for Speed Carbon"],
    ["I loved Animal Crossing: New Leaf, what next?", "Animal Crossing: New Leaf"],
    ["halo reach", "halo reach"],
    ["more like the Forza Motorsport 2 one please", "Forza Motorsport 2"],
  ])("%s → %s", (text, expected) => {
    expect(extractTitleQuery(text)).toBe(expected);
  });
});

describe("resolveGame", async () => {
  const titles = new TitleIndex(await demoCatalog());

  it("finds the game and the steering platform in free text", () => {
    const r = resolveGame(titles, "something similar to mario kart but for xbox");
    expect(r).toMatchObject({ kind: "found", item: { title: "Mario Kart: Super Circuit" }, platform: { name: "Xbox", family: "xbox" } });
  });

  it("finds a game with a typo", () => {
    expect(resolveGame(titles, "similar to forza motorsprt 2")).toMatchObject({
      kind: "found",
      item: { title: "Forza Motorsport 2 - Xbox 360" },
    });
  });

  it("lists alternatives when several items match", () => {
    const r = resolveGame(titles, "similar to halo");
    expect(r.kind).toBe("found");
    if (r.kind === "found") expect([r.item, ...r.alternatives].map((i) => i.title).filter((t) => t.startsWith("Halo")).length).toBe(3);
  });

  it("says it is not sure when only some words match", () => {
    const r = resolveGame(titles, "similar to halo kart deluxe");
    expect(r.kind).toBe("uncertain");
    if (r.kind === "uncertain") expect(r.candidates.length).toBeGreaterThan(0);
  });

  it("says when nothing matches", () => {
    expect(resolveGame(titles, "similar to Zorblax Plimf")).toMatchObject({ kind: "none", query: "Zorblax Plimf" });
    expect(resolveGame(titles, "similar to Zorblax Quest")).toMatchObject({
      kind: "uncertain",
      candidates: [{ title: "Dragon Quest Heroes II" }],
    });
    expect(resolveGame(titles, "")).toMatchObject({ kind: "none" });
    expect(resolveGame(titles, "for xbox")).toMatchObject({ kind: "none", platform: { name: "Xbox" } });
  });
});

describe("near misses are never substituted (issue 11: 'halo 3' → 'Kalo Drift III' on a big catalog)", async () => {
  const { Catalog } = await import("../../../src/engine/catalog/Catalog.js");
  const { layout } = await import("../../support/catalogs.js");
  const { understand } = await import("../../../src/bot/understand.js");
  const rows = [
    "Kalo Drift III",
    "Hale Runner 3",
    "Forza Motorsport 2 - Xbox 360",
    "Halo Reach - Limited Edition -Xbox 360",
    "Halo Reach - Legendary Edition",
  ].map((title, i) => {
    const codes = [i, 0, 0, 0];
    return { sid: layout.format(codes), codes, title };
  });
  const catalog = new Catalog(layout, rows);
  const titles = new TitleIndex(catalog);

  it("a fuzzy match with another first letter is uncertain, not found", () => {
    const r = resolveGame(titles, "similar to halo 3");
    expect(r.kind).not.toBe("found");
    const u = understand("customers who bought halo 3 also bought", { titles, catalog });
    expect(u.act).toBe("notfound");
    expect(u.games).toEqual([]);
  });

  it("a typo that keeps the first letter still finds the game; edition words are not required", () => {
    expect(resolveGame(titles, "similar to forza motrosport 2")).toMatchObject({
      kind: "found",
      item: { title: "Forza Motorsport 2 - Xbox 360" },
    });
    expect(understand("similar to Halo Reach Game of the Year Edition", { titles, catalog }).games.map((g) => g.title)[0]).toMatch(
      /^Halo Reach/,
    );
  });
});

describe("gameKey: editions of one game share a key", async () => {
  const { gameKey } = await import("../../../src/engine/titles/resolveGame.js");
  it.each([
    ["Halo Reach - Limited Edition -Xbox 360", "Halo Reach - Legendary Edition"],
    ["Assassin's Creed 2 Deluxe Edition [Download]", "Assassin's Creed II"],
    ["Dragon Quest Heroes II Explorer's Edition - PlayStation 4", "Dragon Quest Heroes II"],
  ])("%s ≡ %s", (a, b) => expect(gameKey(a)).toBe(gameKey(b)));
  it("different games differ", () =>
    expect(gameKey("Halo 3 Limited Edition -Xbox 360")).not.toBe(gameKey("Halo Reach - Limited Edition -Xbox 360")));
});

describe("close typos and related near misses (second blind test)", async () => {
  const { findGame, isCloseTypo, sharesRealWord } = await import("../../../src/engine/titles/resolveGame.js");
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const item = (t: string) => catalog.items.find((i) => i.title.startsWith(t))!;

  it("one slip in a word of 4+ letters, two or more other words exact, is a close typo", () => {
    expect(isCloseTypo("need for sped carbon", item("Need for Speed"))).toBe(true);
    expect(isCloseTypo("tails of vesperia", item("Tales of Vesperia"))).toBe(true);
    expect(isCloseTypo("nights of azur", item("Nights of Azure"))).toBe(true);
    // Two words, a number changed, or two slips: still a question.
    expect(isCloseTypo("crazy taxy", item("Crazy Taxi"))).toBe(false);
    expect(isCloseTypo("halo 4", item("Halo 3"))).toBe(false);
    expect(isCloseTypo("nead for sped carbon", item("Need for Speed"))).toBe(false);
  });

  it("a close typo is found with a correction; a loose one is asked about", () => {
    expect(findGame(titles, "Tails of Vesperia", true)).toMatchObject({
      kind: "found",
      item: { title: "Tales of Vesperia - Xbox 360" },
      corrected: "Tails of Vesperia",
    });
    expect(findGame(titles, "crazy taxy", true)).toMatchObject({ kind: "missing", near: true });
  });

  it("a did-you-mean candidate shares a real word, not a number or a connector", () => {
    expect(sharesRealWord("the witcher 3", item("Halo 3"))).toBe(false);
    expect(sharesRealWord("ratchet & clank", item("Nintendogs + Cats"))).toBe(false);
    expect(sharesRealWord("halo 4", item("Halo 3"))).toBe(true);
    expect(findGame(titles, "The Witcher 3", true)).toMatchObject({ kind: "missing", candidates: [] });
    expect(findGame(titles, "Ratchet & Clank", true)).toMatchObject({ kind: "missing", candidates: [] });
  });
});
