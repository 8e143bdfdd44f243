import { describe, expect, it } from "vitest";
import { Catalog, type NewCatalogItem } from "../../../src/engine/catalog/Catalog.js";
import { onPlatform } from "../../../src/engine/catalog/CatalogBackend.js";
import { platformsOf } from "../../../src/engine/catalog/itemPlatforms.js";
import { parseProduct, PRODUCT_KEY } from "../../../src/engine/catalog/productMetadata.js";
import { platformByName } from "../../../src/engine/titles/platforms.js";
import { layout } from "../../support/catalogs.js";

const item = (title: string, meta: Record<string, unknown> = {}, platform?: string) => {
  const fields: NewCatalogItem = { sid: layout.format([1, 2, 3, 0]), codes: [1, 2, 3, 0], title, platform, meta };
  return new Catalog(layout, [fields]).items[0]!;
};
const names = (i: ReturnType<typeof item>) => platformsOf(i).map((p) => p.name);

describe("platformsOf", () => {
  it("reads the platform column, as a name or as a list (the real data's shape)", () => {
    expect(names(item("Halo 3", { platform: "Xbox 360" }))).toEqual(["Xbox 360"]);
    expect(names(item("Spiderman Cable Guy", { platform: ["Xbox 360", "Xbox", "PlayStation"] }))).toEqual([
      "Xbox 360",
      "Xbox",
      "PlayStation",
    ]);
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
});
