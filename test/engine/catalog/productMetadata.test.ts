/**
 * The optional product metadata join (`catalog.metadataPath`): Amazon Reviews 2023
 * `meta_Video_Games` JSONL joined on `parent_asin`, with generated catalogs and metadata.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { CatalogBackend } from "../../../src/engine/catalog/CatalogBackend.js";
import { describeMetadata, loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { openCatalog } from "../../../src/engine/catalog/openCatalog.js";
import { formatProductDetails, parseProduct, productDetails, productOf } from "../../../src/engine/catalog/productMetadata.js";
import { fixtureCatalogRows } from "../../../src/engine/fixtures/fixtureCatalog.js";
import { fixtureAsin, fixtureMetadata } from "../../../src/engine/fixtures/fixtureMetadata.js";
import { TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { layout } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const rows = [...fixtureCatalogRows({ items: 3000, seed: 17, layout })];
const meta = fixtureMetadata(rows, 17);

// The mapping as Hugging Face ships it: parent_asin, semantic_id, title.
const catalogPath = join(dir, "mapping.jsonl");
writeFileSync(
  catalogPath,
  `${rows.map((r, i) => JSON.stringify({ parent_asin: fixtureAsin(i), semantic_id: r.semantic_id, title: r.title })).join("\n")}\n`,
);
// Metadata for all but the last 100 products, with three bad lines among them.
const metaPath = join(dir, "meta_Video_Games.jsonl");
const metaLines = meta.slice(0, -100).map((m) => JSON.stringify(m));
metaLines.splice(10, 0, "{not json");
metaLines.splice(20, 0, JSON.stringify({ title: "no asin", categories: [] }));
metaLines.splice(30, 0, JSON.stringify(meta[0]));
writeFileSync(metaPath, `${metaLines.join("\n")}\n`);

describe("product metadata join", async () => {
  const loaded = await loadCatalog(catalogPath, layout, { metadataPath: metaPath });
  const { catalog } = loaded;

  it("joins on parent_asin and reports bad metadata lines like catalog rows", () => {
    expect(loaded.skipped.count).toBe(0);
    expect(loaded.metadata).toMatchObject({ source: metaPath, products: rows.length - 100, joined: rows.length - 100 });
    expect(loaded.metadata!.skipped).toEqual({
      count: 3,
      unit: "line",
      examples: [
        { rowNumber: 11, reason: "line is not valid JSON" },
        { rowNumber: 21, reason: "no parent_asin" },
        { rowNumber: 31, reason: `repeated parent_asin ${fixtureAsin(0)}` },
      ],
    });
    expect(describeMetadata(loaded.metadata, catalog.size)).toBe(
      `metadata: ${rows.length - 100} of ${rows.length} items joined from ${metaPath}; skipped 3 metadata ` +
        `lines (line 11: line is not valid JSON; line 21: no parent_asin; line 31: repeated parent_asin ` +
        `${fixtureAsin(0)})`,
    );
    // The mapping's title stays; products without metadata have none.
    for (const [i, item] of catalog.items.entries()) {
      expect(item.title).toBe(rows[i]!.title);
      expect(productOf(item) !== undefined).toBe(i < rows.length - 100);
    }
  });

  it("gives replies rating, price and a picture where the metadata has them", () => {
    for (const i of [0, 1, 2, 500]) {
      const m = meta[i]!;
      expect(productDetails(catalog.items[i]!)).toEqual({
        rating: m.average_rating,
        ratingCount: m.rating_number,
        ...(m.price !== null ? { price: m.price.toFixed(2) } : {}),
        thumbnail: m.images[0]!.large,
      });
    }
    expect(productDetails(catalog.items.at(-1)!)).toEqual({});
    expect(formatProductDetails({ rating: 4, ratingCount: 1, price: "5.00" })).toBe(" — ★ 4.0 (1 rating) · $5.00");
    expect(formatProductDetails({})).toBe("");
  });

  it("reads the shape leniently: category strings, number strings, image dicts; no unsafe URLs", () => {
    const p = parseProduct({
      categories: "Video Games > PlayStation 4 > Games",
      description: "One line.",
      average_rating: "4.5",
      rating_number: "12",
      price: "$19.99",
      images: { large: ["javascript:alert(1)", "https://x.example/a.jpg"], thumb: [] },
    });
    expect(p).toMatchObject({
      categories: ["Video Games", "PlayStation 4", "Games"],
      description: ["One line."],
      averageRating: 4.5,
      ratingCount: 12,
      price: "19.99",
      image: "https://x.example/a.jpg",
    });
    expect(parseProduct({ price: "None", average_rating: 9, images: [{ large: "http://x/a.jpg" }] })).toEqual({
      categories: [],
      description: [],
      features: [],
      details: {},
    });
  });

  it("makes taste search use categories, features and descriptions (precision beats titles only)", async () => {
    const titlesOnly = (await loadCatalog(catalogPath, layout)).catalog;
    const joined = new CatalogBackend(catalog, new TitleIndex(catalog));
    const plain = new CatalogBackend(titlesOnly, new TitleIndex(titlesOnly));
    const genres = [...new Set(rows.map((r) => r.genre))];
    const k = 10;
    let joinedHits = 0;
    let plainHits = 0;
    for (const genre of genres) {
      const text = `I like ${genre.toLowerCase()} games`;
      const relevant = (index: number) => rows[index]!.genre === genre;
      const a = joined.answer({ kind: "tastes", text, k });
      const b = plain.answer({ kind: "tastes", text, k });
      joinedHits += a.items.filter((i) => relevant(i.index)).length;
      plainHits += b.items.filter((i) => relevant(i.index)).length;
      expect(a.notices.join(" ")).not.toMatch(/title words only/);
    }
    const total = genres.length * k;
    expect(joinedHits / total).toBeGreaterThan(0.8);
    expect(joinedHits).toBeGreaterThan(plainHits);
  });

  it("is configured by catalog.metadataPath / CATALOG_METADATA_PATH", async () => {
    const config = loadConfig({ env: { CATALOG_PATH: catalogPath, CATALOG_METADATA_PATH: metaPath } });
    expect(config.catalog.metadataPath).toBe(metaPath);
    expect(loadConfig({ env: {} }).catalog.metadataPath).toBeNull();
    const opened = await openCatalog(config);
    expect(opened.metadata?.joined).toBe(rows.length - 100);
    expect(opened.titles.searchTopics(`${rows[0]!.genre} games`).length).toBeGreaterThan(0);
  });

  it("reaches the engine's answers: items carry rating, price and picture; the catalog's notices are passed on", async () => {
    const { Engine } = await import("../../../src/engine/Engine.js");
    const engine = await Engine.create(
      loadConfig({ env: { CATALOG_PATH: catalogPath, CATALOG_METADATA_PATH: metaPath, MODEL_GPU: "off" } }),
    );
    const result = await engine.run({ kind: "similar", items: [engine.catalog.catalog.items[0]!] });
    // The item's row in the files, found by its SID (the last 100 rows have no metadata).
    const rowOf = (item: { sid: string }) => rows.findIndex((r) => r.semantic_id === item.sid);
    const shown = result.items.filter((i) => rowOf(i) < rows.length - 100);
    expect(shown.length).toBeGreaterThan(0);
    for (const item of shown)
      expect(item).toMatchObject({ rating: meta[rowOf(item)]!.average_rating, thumbnail: meta[rowOf(item)]!.images[0]!.large });
    // Some item the catalog backend has a notice for ("nothing close", "only N are close"): the engine's answer carries it.
    const backend = new CatalogBackend(engine.catalog.catalog, engine.catalog.titles);
    const lonely = engine.catalog.catalog.items.find((item) => backend.answer({ kind: "similar", items: [item] }).notices.length > 0);
    expect(lonely).toBeDefined();
    const expected = backend.answer({ kind: "similar", items: [lonely!] }).notices;
    expect((await engine.run({ kind: "similar", items: [lonely!] })).notices).toEqual(expect.arrayContaining(expected));
    await engine.dispose();
  });
});
