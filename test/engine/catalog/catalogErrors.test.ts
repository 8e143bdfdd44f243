import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { describeSkipped, loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { CatalogError } from "../../../src/errors.js";
import { layout, sidOf } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const A = sidOf(1, 257, 513, 768);
const B = sidOf(1, 257, 514, 768);
const C = sidOf(1, 257, 515, 768);

/** The error loading `path` fails with; it must be a one-line CatalogError. */
async function failure(path: string): Promise<string> {
  const error = await loadCatalog(path, layout).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogError);
  const message = (error as Error).message;
  expect(message.split("\n")).toHaveLength(1);
  return message;
}

function writeParquet(path: string) {
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: "semantic_id", data: [A, B], type: "STRING" },
      { name: "title", data: ["Alpha", "Beta"], type: "STRING" },
    ],
  });
}

describe("catalog files that cannot be used fail with one clear line", () => {
  it("an empty (0-byte) Parquet file says it is empty", async () => {
    const path = join(dir, "empty.parquet");
    writeFileSync(path, "");
    const message = await failure(path);
    expect(message).toBe(`catalog ${path} is empty (0 bytes): expected a Parquet file`);
  });

  it("an empty JSONL or CSV file says it is empty", async () => {
    for (const [name, kind] of [
      ["empty.jsonl", "JSONL"],
      ["empty.csv", "CSV"],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, "");
      expect(await failure(path)).toBe(`catalog ${path} is empty (0 bytes): expected a ${kind} file`);
    }
  });

  it("a .parquet file that is not Parquet says so (bad magic)", async () => {
    const path = join(dir, "garbage.parquet");
    writeFileSync(path, "hello, this is not a parquet file at all\n");
    expect(await failure(path)).toMatch(new RegExp(`^catalog ${path} is not a Parquet file \\(bad magic: expected "PAR1"`));
    const tiny = join(dir, "tiny.parquet");
    writeFileSync(tiny, "PAR");
    expect(await failure(tiny)).toMatch(/tiny\.parquet is not a Parquet file \(bad magic/);
    const jsonl = join(dir, "renamed.parquet");
    writeFileSync(jsonl, `${JSON.stringify({ semantic_id: A, title: "Alpha" })}\n`);
    expect(await failure(jsonl)).toMatch(/renamed\.parquet is not a Parquet file \(bad magic/);
  });

  it("a truncated Parquet file says it is incomplete", async () => {
    const whole = join(dir, "whole.parquet");
    writeParquet(whole);
    const path = join(dir, "truncated.parquet");
    const bytes = readFileSync(whole);
    writeFileSync(path, bytes.subarray(0, bytes.length - 20));
    expect(await failure(path)).toMatch(new RegExp(`^catalog ${path} is not a complete Parquet file \\(no "PAR1" at its end`));
  });

  it("a Parquet file with a corrupt footer names the file and does not leak a DataView error alone", async () => {
    const whole = join(dir, "whole2.parquet");
    writeParquet(whole);
    const bytes = Buffer.from(readFileSync(whole));
    // Keep both magics but claim a footer longer than the file.
    bytes.writeUInt32LE(bytes.length * 2, bytes.length - 8);
    const path = join(dir, "corrupt.parquet");
    writeFileSync(path, bytes);
    expect(await failure(path)).toMatch(new RegExp(`^cannot read catalog ${path}: corrupt Parquet file \\(.+\\)$`));
  });

  it("a directory says it is a directory and that a file is expected", async () => {
    const folder = join(dir, "catalog-folder");
    mkdirSync(folder);
    expect(await failure(folder)).toBe(`catalog ${folder} is a directory: expected a file (.jsonl, .csv or .parquet)`);
    // Even when the directory's name looks like a catalog file (Hugging Face dataset folders).
    const named = join(dir, "mapping.parquet");
    mkdirSync(named);
    writeParquet(join(named, "train.parquet"));
    expect(await failure(named)).toBe(
      `catalog ${named} is a directory: expected a file (.jsonl, .csv or .parquet), e.g. ${join(named, "train.parquet")}`,
    );
  });

  it("an unknown extension still says which formats are expected", async () => {
    const path = join(dir, "c.xlsx");
    writeFileSync(path, "x");
    expect(await failure(path)).toBe(`cannot tell the format of ${path}: use a .jsonl, .csv or .parquet file`);
  });
});

describe("skipped-row reports give the file's line numbers", () => {
  it("CSV: the header is line 1, blank lines and quoted multi-line fields count", async () => {
    const lines = [
      "semantic_id,title", // 1
      `${A},"Alpha`, // 2
      `with two lines"`, // 3
      "", // 4
      "garbage,Gamma", // 5
      `${B},`, // 6
      `${C},"Gamma`, // 7
      `Delta"`, // 8
      `,"no sid`, // 9
      `spanning lines"`, // 10
    ];
    for (const eol of ["\n", "\r\n"]) {
      const path = join(dir, `lines${eol === "\n" ? "" : "-crlf"}.csv`);
      writeFileSync(path, `${lines.join(eol)}${eol}`);
      const { catalog, skipped } = await loadCatalog(path, layout);
      expect(catalog.items.map((i) => i.title)).toEqual([`Alpha${eol}with two lines`, `Gamma${eol}Delta`]);
      expect(skipped.examples).toEqual([
        { rowNumber: 5, reason: expect.stringMatching(/^invalid SID/) },
        { rowNumber: 6, reason: "empty title" },
        { rowNumber: 9, reason: "no semantic_id" },
      ]);
      expect(describeSkipped(skipped)).toMatch(/^skipped 3 rows \(line 5: invalid SID.*; line 6: empty title; line 9: no semantic_id\)$/);
    }
  });

  it("CSV: blank lines before the header and a byte-order mark", async () => {
    const path = join(dir, "bom.csv");
    writeFileSync(path, `\ufeff\n\nsemantic_id,title\n${A},Älpha\n${B},\n`);
    const { skipped } = await loadCatalog(path, layout);
    expect(skipped.examples).toEqual([{ rowNumber: 5, reason: "empty title" }]);
  });

  it("CSV: a duplicate SID names both lines", async () => {
    const path = join(dir, "dup.csv");
    writeFileSync(path, `semantic_id,title\n${A},"one\ntwo"\n${B},b\n${A},again\n`);
    await expect(loadCatalog(path, layout)).rejects.toThrow(/duplicate SID .* lines 2 and 5$/);
  });

  it("JSONL: line numbers are file lines (blank lines and CRLF included)", async () => {
    const path = join(dir, "lines.jsonl");
    const rows = [JSON.stringify({ semantic_id: A, title: "Alpha" }), "", "", "{broken", JSON.stringify({ semantic_id: B, title: "" })];
    writeFileSync(path, rows.join("\r\n"));
    const { skipped } = await loadCatalog(path, layout);
    expect(skipped.examples).toEqual([
      { rowNumber: 4, reason: "line is not valid JSON" },
      { rowNumber: 5, reason: "empty title" },
    ]);
    expect(describeSkipped(skipped)).toBe("skipped 2 rows (line 4: line is not valid JSON; line 5: empty title)");
  });

  it("Parquet: there are no lines, so reports count rows", async () => {
    const path = join(dir, "rows.parquet");
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: "semantic_id", data: [A, "nope"], type: "STRING" },
        { name: "title", data: ["Alpha", "Beta"], type: "STRING" },
      ],
    });
    const { skipped } = await loadCatalog(path, layout);
    expect(describeSkipped(skipped)).toMatch(/^skipped 1 row \(row 2: invalid SID/);
  });
});
