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
    expect(resolveGame(titles, "similar to forza motorsprt 2")).toMatchObject({ kind: "found", item: { title: "Forza Motorsport 2 - Xbox 360" } });
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
    expect(resolveGame(titles, "similar to Zorblax Quest")).toMatchObject({ kind: "uncertain", candidates: [{ title: "Dragon Quest Heroes II" }] });
    expect(resolveGame(titles, "")).toMatchObject({ kind: "none" });
    expect(resolveGame(titles, "for xbox")).toMatchObject({ kind: "none", platform: { name: "Xbox" } });
  });
});
