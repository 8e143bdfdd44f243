/** Reads the raw rows of a catalog file: JSONL, CSV or Parquet, chosen by extension. */
import { open, readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { CatalogError } from "../../errors.js";

export const CATALOG_FORMATS = ["jsonl", "csv", "parquet"] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

/**
 * A row as read, or why it could not be read. `rowNumber` is where to find it: the file's line
 * (1-based, header and blank lines included; a record spanning lines gives its first line) for
 * JSONL and CSV, the 1-based data row for Parquet (see {@link rowUnitOf}).
 */
export type RawRow = { rowNumber: number; ok: true; record: Record<string, unknown> } | { rowNumber: number; ok: false; reason: string };

/** What `rowNumber` counts in each format: file lines for the text formats, rows for Parquet. */
export type RowUnit = "line" | "row";
export function rowUnitOf(format: CatalogFormat): RowUnit {
  return format === "parquet" ? "row" : "line";
}

const FORMAT_NAMES: Record<CatalogFormat, string> = { jsonl: "JSONL", csv: "CSV", parquet: "Parquet" };
const EXPECTED_FILE = "expected a file (.jsonl, .csv or .parquet)";

export function catalogFormatOf(path: string): CatalogFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson" || ext === ".json") return "jsonl";
  if (ext === ".csv") return "csv";
  if (ext === ".parquet") return "parquet";
  throw new CatalogError(path, `cannot tell the format of ${path}: use a .jsonl, .csv or .parquet file`);
}

export async function readCatalogRows(path: string): Promise<RawRow[]> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new CatalogError(path, `catalog ${path} is a directory: ${EXPECTED_FILE}${await exampleIn(path)}`);
    const format = catalogFormatOf(path);
    if (info.size === 0) throw new CatalogError(path, `catalog ${path} is empty (0 bytes): expected a ${FORMAT_NAMES[format]} file`);
    switch (format) {
      case "jsonl":
        return parseJsonl((await readFile(path, "utf8")).replace(/^\uFEFF/, ""));
      case "csv":
        return await parseCsvRows(await readFile(path));
      case "parquet":
        return await readParquetRows(path, info.size);
      default:
        return format satisfies never;
    }
  } catch (error) {
    if (error instanceof CatalogError) throw error;
    const detail = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : oneLine((error as Error).message);
    throw new CatalogError(path, `cannot read catalog ${path}: ${detail}`, { cause: error });
  }
}

/** ", e.g. DIR/train.parquet" when the directory holds exactly one file that looks like a catalog. */
async function exampleIn(dir: string): Promise<string> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const candidates = entries.filter((e) => e.isFile() && /\.(jsonl|ndjson|json|csv|parquet)$/i.test(e.name));
    return candidates.length === 1 ? `, e.g. ${join(dir, candidates[0]!.name)}` : "";
  } catch {
    return "";
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
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

// The CSV and Parquet readers load with their format: most catalogs are JSONL, and every CLI call pays for imports.
async function parseCsvRows(bytes: Buffer): Promise<RawRow[]> {
  const { parse: parseCsv } = await import("csv-parse/sync");
  // Parsed without `columns` so the header is a record too: every record then has a byte range
  // (from the previous record's end to `info.bytes`), and its line is counted from the bytes
  // (csv-parse's `info.lines` gives a record's last line, and counts CRLF inside quotes twice).
  const records = parseCsv(bytes, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    info: true,
  }) as unknown as { record: string[]; info: { bytes: number } }[];
  const lines = new LineCounter(bytes);
  let header: string[] | undefined;
  let start = 0;
  const rows: RawRow[] = [];
  for (const { record: fields, info } of records) {
    const rowNumber = lines.lineAt(start);
    start = info.bytes;
    if (!header) {
      header = fields;
      continue;
    }
    const record: Record<string, string> = {};
    for (let i = 0; i < Math.min(header.length, fields.length); i++) record[header[i]!] = fields[i]!;
    rows.push({ rowNumber, ok: true, record });
  }
  return rows;
}

/** 1-based line of the first non-line-break byte at or after an offset (CRLF, LF and CR each end a line); offsets must not decrease. */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly bytes: Uint8Array) {}

  lineAt(from: number): number {
    const b = this.bytes;
    while (this.offset < from) this.step();
    // Blank lines skipped by the parser belong to no record: move past them.
    while (this.offset < b.length && (b[this.offset] === 0x0a || b[this.offset] === 0x0d)) this.step();
    return this.line;
  }

  private step(): void {
    const b = this.bytes;
    const byte = b[this.offset++];
    if (byte === 0x0a || (byte === 0x0d && b[this.offset] !== 0x0a)) this.line++;
  }
}

const PARQUET_MAGIC = "PAR1";

async function readParquetRows(path: string, size: number): Promise<RawRow[]> {
  // Check the magic first: hyparquet's errors on a non-Parquet file ("Offset is outside the bounds
  // of the DataView", "footer != PAR1") do not say what is wrong with the file.
  const handle = await open(path, "r");
  const head = Buffer.alloc(4);
  const tail = Buffer.alloc(4);
  try {
    await handle.read(head, 0, 4, 0);
    if (size >= 8) await handle.read(tail, 0, 4, size - 4);
  } finally {
    await handle.close();
  }
  if (size < 12 || head.toString("latin1") !== PARQUET_MAGIC) {
    throw new CatalogError(
      path,
      `catalog ${path} is not a Parquet file (bad magic: expected "${PARQUET_MAGIC}" at its start and end, file has ${size} bytes)`,
    );
  }
  if (tail.toString("latin1") !== PARQUET_MAGIC) {
    throw new CatalogError(path, `catalog ${path} is not a complete Parquet file (no "${PARQUET_MAGIC}" at its end: truncated?)`);
  }
  let records: Record<string, unknown>[];
  try {
    const [{ asyncBufferFromFile, parquetReadObjects }, { compressors }] = await Promise.all([
      import("hyparquet"),
      import("hyparquet-compressors"),
    ]);
    const file = await asyncBufferFromFile(path);
    records = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
  } catch (error) {
    throw new CatalogError(path, `cannot read catalog ${path}: corrupt Parquet file (${oneLine((error as Error).message)})`, {
      cause: error,
    });
  }
  return records.map((record, i) => ({ rowNumber: i + 1, ok: true, record }));
}
