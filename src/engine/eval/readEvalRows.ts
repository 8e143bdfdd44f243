/**
 * Reads eval rows from JSONL: one `{ "history": [SID or title, …], "next": SID }` per line. A
 * line that cannot be evaluated — not JSON, the wrong shape, an entry that does not resolve, a
 * `next` outside the catalog — is kept as an unresolvable row with its line number and reason,
 * never thrown. Blank lines are skipped.
 */
import { describeError } from "../../errors.js";
import type { CatalogItem } from "../catalog/Catalog.js";
import type { HistoryResolver } from "./HistoryResolver.js";

export interface EvalRow {
  /** 1-based line in the file. */
  line: number;
  history: CatalogItem[];
  /** The item that came next (the one relevant item). */
  next: CatalogItem;
}

export interface UnresolvableRow {
  line: number;
  reason: string;
}

/** A non-blank line of the file, before it is read. */
export interface EvalLine {
  line: number;
  text: string;
}

export interface EvalRowsResult {
  rows: EvalRow[];
  unresolvable: UnresolvableRow[];
}

/** The non-blank lines of a JSONL file's text, numbered from 1 (a leading byte-order mark is not part of line 1). */
export function evalLines(text: string): EvalLine[] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .flatMap((line, i) => (line.trim() === "" ? [] : [{ line: i + 1, text: line }]));
}

/** Resolves each line to a row, or records why it cannot be evaluated. */
export function readEvalRows(lines: readonly EvalLine[], resolver: HistoryResolver): EvalRowsResult {
  const rows: EvalRow[] = [];
  const unresolvable: UnresolvableRow[] = [];
  for (const { line, text } of lines) {
    const read = readRowSafely(text, resolver);
    if ("reason" in read) unresolvable.push({ line, reason: read.reason });
    else rows.push({ line, ...read });
  }
  return { rows, unresolvable };
}

/** A row that breaks the resolver (a bug, an input nobody foresaw) is unresolvable, never the end of the run. */
function readRowSafely(text: string, resolver: HistoryResolver): Omit<EvalRow, "line"> | { reason: string } {
  try {
    return readRow(text, resolver);
  } catch (error) {
    return { reason: `could not be read: ${describeError(error)}` };
  }
}

function readRow(text: string, resolver: HistoryResolver): Omit<EvalRow, "line"> | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { reason: 'expected an object {"history": […], "next": SID}' };
  const { history, next } = value as { history?: unknown; next?: unknown };
  if (!Array.isArray(history)) return { reason: '"history" is missing or not a list' };
  if (history.length === 0) return { reason: '"history" is empty' };
  if (typeof next !== "string") return { reason: '"next" is missing or not a SID' };
  const items: CatalogItem[] = [];
  for (const entry of history) {
    const resolved = resolver.resolve(entry);
    if (!resolved.ok) return { reason: `history: ${resolved.reason}` };
    items.push(resolved.item);
  }
  const target = resolver.resolveSid(next.trim());
  if (!target.ok) return { reason: `next: ${target.reason}` };
  return { history: items, next: target.item };
}
