/** Reads the raw rows of a catalog file: JSONL, CSV or Parquet, chosen by extension. */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { CatalogError } from "../../errors.js";

export const CATALOG_FORMATS = ["jsonl", "csv", "parquet"] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

/** A row as read, or why it could not be read; `rowNumber` is 1-based over data rows. */
export type RawRow =
  | { rowNumber: number; ok: true; record: Record<string, unknown> }
  | { rowNumber: number; ok: false; reason: string };

export function catalogFormatOf(path: string): CatalogFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson" || ext === ".json") return "jsonl";
  if (ext === ".csv") return "csv";
  if (ext === ".parquet") return "parquet";
  throw new CatalogError(path, `cannot tell the format of ${path}: use a .jsonl, .csv or .parquet file`);
}

export async function readCatalogRows(path: string): Promise<RawRow[]> {
  const format = catalogFormatOf(path);
  try {
    switch (format) {
      case "jsonl":
        return parseJsonl(await readFile(path, "utf8"));
      case "csv":
        return parseCsvRows(await readFile(path, "utf8"));
      case "parquet":
        return await readParquetRows(path);
      default:
        return format satisfies never;
    }
  } catch (error) {
    if (error instanceof CatalogError) throw error;
    const detail = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new CatalogError(path, `cannot read catalog ${path}: ${detail}`, { cause: error });
  }
}

function parseJsonl(text: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const rowNumber = i + 1;
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === "object" && !Array.isArray(value)) {
        rows.push({ rowNumber, ok: true, record: value as Record<string, unknown> });
      } else rows.push({ rowNumber, ok: false, reason: "line is not a JSON object" });
    } catch {
      rows.push({ rowNumber, ok: false, reason: "line is not valid JSON" });
    }
  }
  return rows;
}

function parseCsvRows(text: string): RawRow[] {
  const records = parseCsv(text, {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
  }) as Record<string, string>[];
  // Row numbers count data rows (the header is not a row).
  return records.map((record, i) => ({ rowNumber: i + 1, ok: true, record }));
}

async function readParquetRows(path: string): Promise<RawRow[]> {
  const file = await asyncBufferFromFile(path);
  const records = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
  return records.map((record, i) => ({ rowNumber: i + 1, ok: true, record }));
}
