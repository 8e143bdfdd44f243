import { CatalogError } from "../../errors.js";
import type { SidLayout } from "../sid/SidLayout.js";
import { platformByName, platformOf } from "../titles/platforms.js";
import { Catalog, type NewCatalogItem } from "./Catalog.js";
import { catalogFormatOf, readCatalogRows, rowUnitOf, type RawRow, type RowUnit } from "./readCatalogRows.js";

export interface SkippedRow {
  /** The file's line (JSONL, CSV) or the data row (Parquet): see `unit`. */
  rowNumber: number;
  reason: string;
}

export interface SkippedRows {
  count: number;
  /** The first few. */
  examples: SkippedRow[];
  /** What the examples' `rowNumber` counts. */
  unit: RowUnit;
}

export interface LoadCatalogResult {
  catalog: Catalog;
  /** Rows left out (invalid SID, empty title, unreadable line): count and the first few. */
  skipped: SkippedRows;
  loadMs: number;
}

const MAX_EXAMPLES = 5;
const SID_COLUMN = "semantic_id";
const TITLE_COLUMN = "title";

/**
 * Loads a SID → title mapping (columns `semantic_id`, `title`; other columns become item
 * metadata). Bad rows are skipped and reported; a duplicate SID or no valid row is a
 * {@link CatalogError}.
 */
export async function loadCatalog(path: string, layout: SidLayout): Promise<LoadCatalogResult> {
  const started = performance.now();
  const rows = await readCatalogRows(path);
  const { catalog, skipped } = buildCatalog(path, rows, layout, rowUnitOf(catalogFormatOf(path)));
  return { catalog, skipped, loadMs: performance.now() - started };
}

/** Validates raw rows and builds the catalog; exported for in-memory sources. `unit` says what the rows' numbers count. */
export function buildCatalog(source: string, rows: readonly RawRow[], layout: SidLayout, unit: RowUnit = "row") {
  const items: NewCatalogItem[] = [];
  const rowOfSid = new Map<string, number>();
  const skipped: SkippedRows = { count: 0, examples: [], unit };
  const skip = (rowNumber: number, reason: string) => {
    skipped.count++;
    if (skipped.examples.length < MAX_EXAMPLES) skipped.examples.push({ rowNumber, reason });
  };

  for (const row of rows) {
    if (!row.ok) {
      skip(row.rowNumber, row.reason);
      continue;
    }
    const { [SID_COLUMN]: rawSid, [TITLE_COLUMN]: rawTitle, ...meta } = row.record;
    const sid = typeof rawSid === "string" ? rawSid : "";
    const title = rawTitle === null || rawTitle === undefined ? "" : String(rawTitle);
    const parsed = layout.parse(sid);
    if (!parsed.ok) {
      skip(row.rowNumber, sid === "" ? `no ${SID_COLUMN}` : `invalid SID: ${parsed.reason}`);
      continue;
    }
    if (title.trim() === "") {
      skip(row.rowNumber, `empty ${TITLE_COLUMN}`);
      continue;
    }
    const earlier = rowOfSid.get(sid);
    if (earlier !== undefined) {
      throw new CatalogError(source, `duplicate SID ${sid} in ${source}: ${unit}s ${earlier} and ${row.rowNumber}`);
    }
    rowOfSid.set(sid, row.rowNumber);
    const platformColumn = typeof meta.platform === "string" ? platformByName(meta.platform)?.name : undefined;
    items.push({ sid, codes: parsed.codes, title, platform: platformColumn ?? platformOf(title)?.name, meta });
  }

  if (items.length === 0) {
    const hint = skipped.examples[0] ? ` (${unit} ${skipped.examples[0].rowNumber}: ${skipped.examples[0].reason})` : "";
    throw new CatalogError(source, `no valid rows in ${source}${hint}: expected columns ${SID_COLUMN} and ${TITLE_COLUMN}`);
  }
  return { catalog: new Catalog(layout, items), skipped };
}

/** One line for logs and the CLI, e.g. "skipped 2 rows (line 3: empty title; line 9: invalid SID …)". */
export function describeSkipped(skipped: LoadCatalogResult["skipped"]): string | undefined {
  if (skipped.count === 0) return undefined;
  const examples = skipped.examples.map((e) => `${skipped.unit} ${e.rowNumber}: ${e.reason}`).join("; ");
  return `skipped ${skipped.count} row${skipped.count === 1 ? "" : "s"} (${examples}${skipped.count > skipped.examples.length ? "; …" : ""})`;
}
