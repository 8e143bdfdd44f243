import { CatalogError } from "../../errors.js";
import type { SidLayout } from "../sid/SidLayout.js";
import { itemPlatformsIn, platformNamed, platformOf } from "../titles/platforms.js";
import { Catalog, type NewCatalogItem } from "./Catalog.js";
import { joinProductMetadata, loadProductMetadata } from "./productMetadata.js";
import { catalogFormatOf, readCatalogRows, rowUnitOf, type RawRow, type RowUnit } from "./readCatalogRows.js";
import { skipCollector, type SkippedRows } from "./skipCollector.js";

export type { SkippedRow, SkippedRows } from "./skipCollector.js";

export interface LoadCatalogResult {
  catalog: Catalog;
  /** Rows left out (invalid SID, empty title, unreadable line): count and the first few. */
  skipped: SkippedRows;
  loadMs: number;
  /** The joined product metadata (`metadataPath`), when one was given. */
  metadata?: MetadataJoin;
}

export interface MetadataJoin {
  source: string;
  /** Products read from the metadata file. */
  products: number;
  /** Catalog items that found their product. */
  joined: number;
  /** Metadata lines left out (unreadable, no parent_asin, repeated): count and the first few. */
  skipped: SkippedRows;
}

export interface LoadCatalogOptions {
  /** Product metadata (Amazon Reviews 2023 `meta_*` JSONL) joined on `parent_asin`. */
  metadataPath?: string | null | undefined;
}

const SID_COLUMN = "semantic_id";
const TITLE_COLUMN = "title";

/**
 * Loads a SID → title mapping (columns `semantic_id`, `title`; other columns become item
 * metadata). Bad rows are skipped and reported; a duplicate SID or no valid row is a
 * {@link CatalogError}.
 */
export async function loadCatalog(path: string, layout: SidLayout, options: LoadCatalogOptions = {}): Promise<LoadCatalogResult> {
  const started = performance.now();
  let rows = await readCatalogRows(path);
  let metadata: MetadataJoin | undefined;
  if (options.metadataPath) {
    const loaded = await loadProductMetadata(options.metadataPath);
    const join = joinProductMetadata(rows, loaded.byAsin);
    rows = join.rows;
    metadata = { source: options.metadataPath, products: loaded.byAsin.size, joined: join.joined, skipped: loaded.skipped };
  }
  const { catalog, skipped } = buildCatalog(path, rows, layout, rowUnitOf(catalogFormatOf(path)));
  return { catalog, skipped, loadMs: performance.now() - started, ...(metadata ? { metadata } : {}) };
}

/** Validates raw rows and builds the catalog; exported for in-memory sources. `unit` says what the rows' numbers count. */
export function buildCatalog(source: string, rows: readonly RawRow[], layout: SidLayout, unit: RowUnit = "row") {
  const items: NewCatalogItem[] = [];
  const rowOfSid = new Map<string, number>();
  const { skipped, skip } = skipCollector(unit);

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
    // A platform's own name as written ("Xbox"), else the column's most specific platform ("Nintendo Wii" = Wii).
    const platformColumn =
      typeof meta.platform === "string"
        ? (platformNamed(meta.platform) ?? itemPlatformsIn(meta.platform, { field: true })[0])?.name
        : undefined;
    items.push({ sid, codes: parsed.codes, title, platform: platformColumn ?? platformOf(title)?.name, meta });
  }

  if (items.length === 0) {
    const hint = skipped.examples[0] ? ` (${unit} ${skipped.examples[0].rowNumber}: ${skipped.examples[0].reason})` : "";
    throw new CatalogError(source, `no valid rows in ${source}${hint}: expected columns ${SID_COLUMN} and ${TITLE_COLUMN}`);
  }
  return { catalog: new Catalog(layout, items), skipped };
}

/** One line for logs and the CLI, e.g. "skipped 2 rows (line 3: empty title; line 9: invalid SID …)". */
export function describeSkipped(skipped: LoadCatalogResult["skipped"], what = "row"): string | undefined {
  if (skipped.count === 0) return undefined;
  const examples = skipped.examples.map((e) => `${skipped.unit} ${e.rowNumber}: ${e.reason}`).join("; ");
  return (
    `skipped ${skipped.count} ${what}${skipped.count === 1 ? "" : "s"} ` +
    `(${examples}${skipped.count > skipped.examples.length ? "; …" : ""})`
  );
}

/** One line on the metadata join, e.g. "metadata: 950 of 1000 items joined from meta.jsonl; skipped 2 metadata lines (line 3: …)". */
export function describeMetadata(metadata: MetadataJoin | undefined, items: number): string | undefined {
  if (!metadata) return undefined;
  const skipped = describeSkipped(metadata.skipped, "metadata line");
  return `metadata: ${metadata.joined} of ${items} items joined from ${metadata.source}${skipped ? `; ${skipped}` : ""}`;
}
