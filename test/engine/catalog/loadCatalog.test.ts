import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { buildCatalog, describeSkipped, loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { CatalogError } from "../../../src/errors.js";
import { layout, sidOf } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const A = sidOf(1, 257, 513, 768);
const B = sidOf(1, 257, 514, 768);

describe("loadCatalog", () => {
  it("labels an item with its platform column's most specific platform ('Nintendo Wii' is a Wii game)", () => {
    // A person's reading of each column value.
    const reading: [string, string][] = [
      ["Nintendo Wii", "Wii"],
      ["Nintendo DSi", "Nintendo DS"],
      ["NES Classic", "NES"],
      ["Xbox", "Xbox"],
      ["Playstation 3", "PlayStation 3"],
      ["Windows 10", "PC"],
    ];
    const rows = reading.map(([platform], i) => ({
      rowNumber: i + 1,
      ok: true as const,
      record: { semantic_id: sidOf(i, 256, 512, 768), title: `Game ${i}`, platform },
    }));
    const { catalog } = buildCatalog("labels", rows, layout);
    expect(catalog.items.map((item) => item.platform)).toEqual(reading.map(([, label]) => label));
  });

  it("reads JSONL, keeps extra columns as metadata, skips and reports bad rows", async () => {
    const path = join(dir, "c.jsonl");
    writeFileSync(
      path,
      [
        JSON.stringify({ semantic_id: A, title: "Alpha - Xbox 360", genre: "Racing" }),
        "",
        "{not json",
        JSON.stringify({ semantic_id: sidOf(1, 2, 3, 4), title: "bad levels" }),
        JSON.stringify({ semantic_id: B, title: "  " }),
        JSON.stringify({ semantic_id: B, title: "Beta", platform: "Playstation 3" }),
      ].join("\n"),
    );
    const { catalog, skipped } = await loadCatalog(path, layout);
    expect(catalog.size).toBe(2);
    expect(catalog.get(A)).toMatchObject({ title: "Alpha - Xbox 360", platform: "Xbox 360", meta: { genre: "Racing" } });
    expect(catalog.get(B)).toMatchObject({ platform: "PlayStation 3" });
    expect(skipped.count).toBe(3);
    expect(skipped.examples).toEqual([
      { rowNumber: 3, reason: "line is not valid JSON" },
      { rowNumber: 4, reason: expect.stringMatching(/invalid SID: level 2 token <\|sid_2\|>/) },
      { rowNumber: 5, reason: "empty title" },
    ]);
    expect(describeSkipped(skipped)).toMatch(/^skipped 3 rows \(line 3: line is not valid JSON; line 4/);
  });

  it("reads CSV with quoted fields", async () => {
    const path = join(dir, "c.csv");
    writeFileSync(path, `semantic_id,title,year\n${A},"Halo, ""Reach""",2010\n${B},Beta,\n`);
    const { catalog } = await loadCatalog(path, layout);
    expect(catalog.get(A)).toMatchObject({ title: 'Halo, "Reach"', meta: { year: "2010" } });
    expect(catalog.items.map((i) => i.title)).toEqual(['Halo, "Reach"', "Beta"]);
  });

  it("reads Parquet like the HF mapping dataset", async () => {
    const path = join(dir, "c.parquet");
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: "semantic_id", data: [A, B, "garbage"], type: "STRING" },
        { name: "title", data: ["Alpha", "Beta", "Gamma"], type: "STRING" },
        { name: "rank", data: [1, 2, 3], type: "INT32" },
      ],
    });
    const { catalog, skipped } = await loadCatalog(path, layout);
    expect(catalog.items.map((i) => [i.title, i.meta.rank])).toEqual([
      ["Alpha", 1],
      ["Beta", 2],
    ]);
    expect(skipped).toMatchObject({ count: 1, examples: [{ rowNumber: 3 }] });
  });

  it("fails clearly on a duplicate SID", async () => {
    const path = join(dir, "dup.jsonl");
    writeFileSync(path, [A, B, A].map((sid, i) => JSON.stringify({ semantic_id: sid, title: `t${i}` })).join("\n"));
    await expect(loadCatalog(path, layout)).rejects.toThrow(/duplicate SID .* lines 1 and 3/);
  });

  it("fails clearly when no row is valid", async () => {
    const path = join(dir, "none.jsonl");
    writeFileSync(path, JSON.stringify({ sid: A, name: "wrong columns" }));
    await expect(loadCatalog(path, layout)).rejects.toThrow(
      /no valid rows .*line 1: no semantic_id.*expected columns semantic_id and title/,
    );
  });

  it("fails clearly on a missing file or unknown format", async () => {
    await expect(loadCatalog(join(dir, "missing.jsonl"), layout)).rejects.toThrow(/file not found/);
    writeFileSync(join(dir, "c.xlsx"), "x");
    await expect(loadCatalog(join(dir, "c.xlsx"), layout)).rejects.toBeInstanceOf(CatalogError);
  });
});
