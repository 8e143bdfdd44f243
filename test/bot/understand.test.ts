import { describe, expect, it } from "vitest";
import { understand } from "../../src/bot/understand.js";
import { TitleIndex } from "../../src/engine/titles/TitleIndex.js";
import { demoCatalog } from "../support/catalogs.js";

describe("understand: what the text names first, then what it asks", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const u = (text: string) => understand(text, { titles, catalog });

  it.each([
    ["recommend me cozy farming games", { act: "tastes", tastes: "cozy farming" }],
    ["I like scifi and action games.", { act: "tastes", tastes: "scifi and action" }],
    ["anything like Halo 3?", { act: "similar", games: [{ title: "Halo 3 Limited Edition -Xbox 360" }] }],
    [
      "I loved Halo 3 and Forza 2",
      { act: "next", games: [{ title: "Halo 3 Limited Edition -Xbox 360" }, { title: "Forza Motorsport 2 - Xbox 360" }] },
    ],
    ["similar to Mario Kart", { act: "similar", games: [{ title: "Mario Kart: Super Circuit" }] }],
    ["something like Halo Reach for xbox", { act: "similar", platform: { name: "Xbox" } }],
    ["How about something similar but for Xbox?", { act: "steer", platform: { name: "Xbox" } }],
    ["how about for ps4?", { act: "steer", platform: { name: "PlayStation 4" } }],
    ["why that one?", { act: "why", ref: 1 }],
    ["why the second one?", { act: "why", ref: 2 }],
    ["suggest a name for this bundle", { act: "bundle" }],
    ["more like the second one", { act: "more", ref: 2 }],
    ["more like #3", { act: "more", ref: 3 }],
    ["reset", { act: "reset" }],
    ["start over please", { act: "reset" }],
    ["help", { act: "help" }],
    ["   ", { act: "help" }],
    ["hi", { act: "smalltalk" }],
    ["thanks!", { act: "smalltalk" }],
    ["top 5 most likely after Halo 3", { act: "next", k: 5, ranked: true }],
    ["give me 20 rpgs", { act: "tastes", k: 10 }],
    [
      "I just finished Dragon Quest Heroes II Explorer's Edition - PlayStation 4. Suggest another and explain why",
      { act: "explain", games: [{ title: "Dragon Quest Heroes II" }] },
    ],
  ])("%s", (text, expected) => {
    expect(u(text)).toMatchObject(expected);
  });

  it("a taste said not to be wanted stays out of the taste prompt", () => {
    expect(u("fantasy rpgs but not anime").tastes).toBe("fantasy rpg");
    expect(u("I don't like shooters, I like rpgs").tastes).toBe("rpg");
  });

  it("platform words inside a named title belong to the title", () => {
    expect(u("similar to Halo 3 Limited Edition -Xbox 360").platform).toBeUndefined();
  });

  it("a near miss is reported with candidates, never substituted", () => {
    const r = u("similar to halo kart deluxe");
    expect(r.act).toBe("notfound");
    expect(r.missing?.candidates.length).toBeGreaterThan(0);
    expect(r.games).toEqual([]);
  });

  it("typed SIDs resolve with the seed's fallback (exact, else prefix)", () => {
    expect(u("<|sid_start|><|sid_64|><|sid_313|><|sid_637|><|sid_768|><|sid_end|>").games.map((g) => g.title)).toEqual([
      "Halo 3 Limited Edition -Xbox 360",
    ]);
    expect(u("<|sid_start|><|sid_131|><|sid_492|><|sid_639|><|sid_999|><|sid_end|>").games.map((g) => g.title)).toEqual([
      "CTR: Crash Team Racing",
    ]);
    expect(u("<|sid_start|><|sid_1|><|sid_end|>").act).toBe("notfound");
  });
});
