/** Rows a loader leaves out (unreadable, invalid): a count and the first few, for one report line. */
import type { RowUnit } from "./readCatalogRows.js";

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

const MAX_EXAMPLES = 5;

/** A report and the function that adds a skipped row to it. */
export function skipCollector<U extends RowUnit>(
  unit: U,
): { skipped: SkippedRows & { unit: U }; skip: (rowNumber: number, reason: string) => void } {
  const skipped = { count: 0, examples: [] as SkippedRow[], unit };
  const skip = (rowNumber: number, reason: string) => {
    skipped.count++;
    if (skipped.examples.length < MAX_EXAMPLES) skipped.examples.push({ rowNumber, reason });
  };
  return { skipped, skip };
}
