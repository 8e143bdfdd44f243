import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Catalog, type NewCatalogItem } from "../../../src/engine/catalog/Catalog.js";
import { onPlatform } from "../../../src/engine/catalog/CatalogBackend.js";
import { platformsOf } from "../../../src/engine/catalog/itemPlatforms.js";
import { parseProduct, PRODUCT_KEY } from "../../../src/engine/catalog/productMetadata.js";
import { findPlatforms, PLATFORMS, platformByName } from "../../../src/engine/titles/platforms.js";
import { layout } from "../../support/catalogs.js";

const item = (title: string, meta: Record<string, unknown> = {}, platform?: string) => {
  const fields: NewCatalogItem = { sid: layout.format([1, 2, 3, 0]), codes: [1, 2, 3, 0], title, platform, meta };
  return new Catalog(layout, [fields]).items[0]!;
};
const SAMPLE = "/work/shared/data/catalog_sample_1000.jsonl";
const names = (i: ReturnType<typeof item>) => platformsOf(i).map((p) => p.name);

describe("platformsOf", () => {
  it("does not read a console's service or accessory name as the first console", () => {
    // A person's reading: PlayStation Plus or VR and Xbox Live are not the PS1 or the original Xbox.
    expect(names(item("PlayStation Plus 12 Month Membership", { categories: ["Video Games", "PlayStation Network"] }))).toEqual([]);
    expect(names(item("PlayStation VR Worlds - PlayStation 4"))).toEqual(["PlayStation 4"]);
    expect(names(item("Xbox Live Gold 3 Month Card", { platform: "Xbox Live" }))).toEqual([]);
    expect(names(item("Xbox Game Pass Ultimate"))).toEqual([]);
    // The consoles themselves are still read.
    expect(names(item("Crash Bandicoot", { platform: "PlayStation" }))).toEqual(["PlayStation 1"]);
  });

  it("reads the platform column, as a name or as a list (the real data's shape)", () => {
    expect(names(item("Halo 3", { platform: "Xbox 360" }))).toEqual(["Xbox 360"]);
    expect(names(item("Spiderman Cable Guy", { platform: ["Xbox 360", "Xbox", "PlayStation"] }))).toEqual([
      "Xbox 360",
      "Original Xbox",
      "PlayStation 1",
    ]);
  });

  it("reads a platform string as its most specific platform, as a person would", () => {
    // A person's reading of platform strings from the real data.
    const reading: [string, string[]][] = [
      ["Nintendo Wii", ["Wii"]],
      ["Nintendo 2DS", ["Nintendo 3DS"]],
      ["Nintendo DSi", ["Nintendo DS"]],
      ["Nintendo DSi XL", ["Nintendo DS"]],
      ["Nintendo DS Lite", ["Nintendo DS"]],
      ["Nintendo New 3DS XL", ["Nintendo 3DS"]],
      ["NES Classic", ["NES"]],
      ["Nintendo Entertainment System", ["NES"]],
      ["Nintendo Game Boy Advance", ["Game Boy Advance"]],
      ["Nintendo Switch Lite", ["Nintendo Switch"]],
      ["Sony PSP", ["PSP"]],
      ["PS1", ["PlayStation 1"]],
      ["PlayStation", ["PlayStation 1"]],
      ["Xbox", ["Original Xbox"]],
      ["Nintendo", ["Nintendo"]],
      ["Windows 10", ["PC"]],
      ["Steam Deck", ["PC"]],
    ];
    for (const [column, platforms] of reading) expect(names(item("Some Game", { platform: [column] })), column).toEqual(platforms);
    // A title's platform words the same way, but an ordinary word there still needs platform context.
    expect(names(item("Wii Sports Resort - Nintendo Wii"))).toEqual(["Wii"]);
    expect(names(item("Windows of Time"))).toEqual([]);
  });

  it("reads the joined product's details.Platform and the categories breadcrumbs", () => {
    const product = parseProduct({ details: { Platform: "PlayStation 4" }, categories: ["Video Games", "Nintendo Switch", "Games"] });
    expect(names(item("Some Game", { [PRODUCT_KEY]: product })).sort()).toEqual(["Nintendo Switch", "PlayStation 4"]);
    // The mapping row's own breadcrumb string (Amazon's "A > B > C").
    expect(names(item("Racing Wheel Add-On", { categories: "Video Games > PlayStation 4 > Accessories" }))).toEqual(["PlayStation 4"]);
    // A store section ("Xbox Systems") is not a platform by itself.
    expect(names(item("Cable", { categories: "Video Games > Legacy Systems > Xbox Systems > Xbox 360 > Accessories" }))).toEqual([
      "Xbox 360",
    ]);
  });

  it("uses title platform words only when no structured field names a platform", () => {
    expect(names(item("Halo 3 - Xbox 360"))).toEqual(["Xbox 360"]);
    expect(names(item("Thrustmaster Add-On for PS5, PS4, PC")).sort()).toEqual(["PC", "PlayStation 4", "PlayStation 5"]);
    // The column wins over words in the title.
    expect(names(item("Charger for PS4 and Xbox One controllers", { platform: ["PlayStation 4"] }))).toEqual(["PlayStation 4"]);
    expect(names(item("A Game With No Platform"))).toEqual([]);
  });

  it("onPlatform: any of the item's platforms; a family word means the whole family", () => {
    const multi = item("Cable Guy", { platform: ["Xbox 360", "PlayStation 4"] });
    expect(onPlatform(multi, platformByName("PlayStation 4"))).toBe(true);
    expect(onPlatform(multi, platformByName("Xbox 360"))).toBe(true);
    expect(onPlatform(multi, platformByName("Xbox One"))).toBe(false);
    expect(onPlatform(multi, platformByName("Xbox"))).toBe(true);
    expect(onPlatform(item("Halo 5 - Xbox One"), platformByName("PlayStation"))).toBe(false);
    expect(onPlatform(item("A Game With No Platform"), platformByName("PC"))).toBe(false);
  });

  it("only the bare family words mean a family: ps1 and original xbox are one generation", () => {
    const ps1 = item("Crash Bandicoot", { platform: ["PlayStation"] });
    const ps4 = item("God of War", { platform: ["PS4"] });
    const xbox = item("Halo", { platform: ["Xbox"] });
    const xboxOne = item("Halo 5", { platform: ["Xbox One"] });
    const wii = item("Wii Sports", { platform: ["Nintendo Wii"] });
    const at = (words: string) => findPlatforms(words).at(-1)!.platform;
    for (const words of ["for ps1", "on psx", "psone games", "for the playstation 1", "for the original playstation"]) {
      expect(onPlatform(ps1, at(words)), words).toBe(true);
      expect(onPlatform(ps4, at(words)), words).toBe(false);
    }
    expect(onPlatform(xbox, at("games for the original xbox"))).toBe(true);
    expect(onPlatform(xboxOne, at("games for the original xbox"))).toBe(false);
    // The bare family words: every generation.
    for (const game of [ps1, ps4]) expect(onPlatform(game, at("for playstation"))).toBe(true);
    for (const game of [xbox, xboxOne]) expect(onPlatform(game, at("for xbox"))).toBe(true);
    expect(onPlatform(wii, at("for nintendo"))).toBe(true);
    expect(onPlatform(wii, at("for wii"))).toBe(true);
  });

  it("PC (windows, steam, computer) is one platform: Mac and Linux games are asked for by name", () => {
    const mac = item("Mac Game", { platform: ["Mac"] });
    const linux = item("Linux Game", { platform: ["Linux"] });
    const both = item("Both", { platform: ["PC", "Mac"] });
    for (const words of ["for pc", "for windows", "on steam", "games for my computer"]) {
      const pc = findPlatforms(words).at(-1)!.platform;
      expect(pc.name, words).toBe("PC");
      expect(onPlatform(mac, pc), words).toBe(false);
      expect(onPlatform(linux, pc), words).toBe(false);
      expect(onPlatform(both, pc), words).toBe(true);
    }
  });

  it("every platform name means that platform", () => {
    for (const platform of PLATFORMS) expect(platformByName(platform.name), platform.name).toBe(platform);
  });

  it.skipIf(!existsSync(SAMPLE))("the real sample: no item misses a platform its own platform column names", () => {
    const rows = readFileSync(SAMPLE, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const missed: string[] = [];
    for (const row of rows) {
      const column = Array.isArray(row.platform) ? row.platform.filter((p): p is string => typeof p === "string") : [];
      const game = item(String(row.title), { platform: column });
      for (const name of column) {
        // The most specific word of the column entry, as a request for it would name it.
        const asked = findPlatforms(name).at(-1)?.platform;
        if (asked && !onPlatform(game, asked))
          missed.push(
            `${name} (${platformsOf(game)
              .map((p) => p.name)
              .join(", ")})`,
          );
      }
    }
    expect(missed).toEqual([]);
  });
});
