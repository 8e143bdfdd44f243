/**
 * Runs eval rows through the engine once per backend and summarises each backend. Every request
 * forces its backend (RunOptions.backend), so a failing model is measured as failing, never
 * silently replaced by the catalog. Usable without the CLI: `runEval({ engine, rows, backends })`.
 */
import { describeError } from "../../errors.js";
import type { Catalog } from "../catalog/Catalog.js";
import type { Engine } from "../Engine.js";
import type { OperatorListsUse } from "./operatorLists.js";
import type { EvalRow, UnresolvableRow } from "./readEvalRows.js";
import { summariseBackend, type BackendSummary, type RowOutcome } from "./summariseBackend.js";

export const EVAL_BACKENDS = ["model", "model-unconstrained", "catalog"] as const;
/**
 * - `model`: the model's exact top-K over the catalog trie (the ranked beam)
 * - `model-unconstrained`: the model writes K SIDs without the trie (`--unconstrained`); judged as written
 * - `catalog`: the catalog backend (shared SID prefixes, titles, tags)
 */
export type EvalBackend = (typeof EVAL_BACKENDS)[number];

export const BACKEND_LABELS: Readonly<Record<EvalBackend, string>> = {
  model: "model",
  "model-unconstrained": "model (unconstrained)",
  catalog: "catalog",
};

/** The K of Hit@K, NDCG@K and MRR, and the length of the list asked for. */
export const EVAL_K = 10;

/**
 * History items evaluated per row: the most recent ones. The catalog backend's time grows steeply
 * with the history (5 items 0.7 s a row, 80 items 50 s on a 66k catalog), and the model's prompt
 * grows too; every backend gets the same items.
 */
export const EVAL_HISTORY = 10;

/** What runEval needs of the engine. */
export interface EvalEngine {
  run: Engine["run"];
  readonly catalog: { readonly catalog: Catalog };
}

export interface RunEvalOptions {
  engine: EvalEngine;
  rows: readonly EvalRow[];
  backends: readonly EvalBackend[];
  /** Unresolvable rows read with `rows`, carried into the report. */
  unresolvable?: readonly UnresolvableRow[];
  /** The last this many history items are evaluated. @defaultValue EVAL_HISTORY */
  history?: number;
  /** The operator lists as the engine applies them; without it, none (coverage over the whole catalog). */
  operatorLists?: OperatorListsUse;
  /** Base sampling seed; row `i` uses `seed + i`. @defaultValue 1 */
  seed?: number;
  signal?: AbortSignal;
  /** Called after each request: requests done, requests in all, and the backend running. */
  onProgress?: (done: number, total: number, backend: EvalBackend) => void;
}

export interface BackendReport extends BackendSummary {
  backend: EvalBackend;
  label: string;
  /** The first few failures, with their line numbers. */
  firstErrors: UnresolvableRow[];
  /** Rows whose answer did not report the SIDs as written (then judged by its items). */
  unreported: number;
}

export interface EvalReport {
  k: number;
  catalogSize: number;
  /** Whether the operator lists filtered the requests, and how many items they allow. */
  operatorLists: OperatorListsUse;
  /** History items evaluated per row (the last ones), and the rows whose history was longer. */
  history: { last: number; shortened: number };
  /** Rows evaluated (resolved). */
  rows: number;
  unresolvable: number;
  /** The first few unresolvable rows with their reasons. */
  firstUnresolvable: UnresolvableRow[];
  backends: BackendReport[];
}

/** Unresolvable rows and failures listed in a report (all are counted). */
export const LISTED_PROBLEMS = 5;

export async function runEval({
  engine,
  rows,
  backends,
  unresolvable = [],
  history = EVAL_HISTORY,
  operatorLists,
  seed = 1,
  signal,
  onProgress,
}: RunEvalOptions): Promise<EvalReport> {
  const catalog = engine.catalog.catalog;
  const lists = operatorLists ?? { applied: false, allowPath: null, denyPath: null, allowed: catalog.size };
  // Coverage is of what the backends may recommend: the allowed items when the lists apply.
  const coverable = lists.applied ? lists.allowed : catalog.size;
  const recent = rows.map((row) => (row.history.length > history ? { ...row, history: row.history.slice(-history) } : row));
  const inCatalog = (sid: string) => catalog.get(sid) !== undefined;
  const total = rows.length * backends.length;
  let done = 0;
  const reports: BackendReport[] = [];
  for (const backend of backends) {
    const outcomes: RowOutcome[] = [];
    const firstErrors: UnresolvableRow[] = [];
    let unreported = 0;
    for (const [i, row] of recent.entries()) {
      signal?.throwIfAborted();
      const started = performance.now();
      let list: string[] = [];
      let error: string | undefined;
      try {
        const answer = await ask(engine, backend, row, seed + i, signal);
        list = answer.list;
        if (!answer.reported) unreported++;
      } catch (caught) {
        if (signal?.aborted) throw signal.reason;
        error = describeError(caught);
        if (firstErrors.length < LISTED_PROBLEMS) firstErrors.push({ line: row.line, reason: error });
      }
      outcomes.push({ list, target: row.next.sid, ms: performance.now() - started, ...(error !== undefined ? { error } : {}) });
      onProgress?.(++done, total, backend);
    }
    // The unconstrained model writes without any sub-catalog, so its coverage is of the whole catalog.
    const of = backend === "model-unconstrained" ? catalog.size : coverable;
    const summary = summariseBackend(outcomes, EVAL_K, of, inCatalog, (sid) => catalog.layout.isValid(sid));
    reports.push({ backend, label: BACKEND_LABELS[backend], ...summary, firstErrors, unreported });
  }
  return {
    k: EVAL_K,
    catalogSize: catalog.size,
    operatorLists: lists,
    history: { last: history, shortened: rows.filter((row) => row.history.length > history).length },
    rows: rows.length,
    unresolvable: unresolvable.length,
    firstUnresolvable: unresolvable.slice(0, LISTED_PROBLEMS),
    backends: reports,
  };
}

/** One backend's list for one row: the SIDs as written, and whether the answer reported them so. */
async function ask(
  engine: EvalEngine,
  backend: EvalBackend,
  row: EvalRow,
  seed: number,
  signal: AbortSignal | undefined,
): Promise<{ list: string[]; reported: boolean }> {
  const base = { seed, ...(signal ? { signal } : {}) };
  if (backend === "model-unconstrained") {
    const result = await engine.run({ kind: "next", items: row.history, k: EVAL_K }, { ...base, backend: "llama", unconstrained: true });
    return result.written ? { list: result.written, reported: true } : { list: result.items.map((i) => i.sid), reported: false };
  }
  const forced = backend === "model" ? "llama" : "catalog";
  const result = await engine.run({ kind: "next", items: row.history, k: EVAL_K, ranked: true }, { ...base, backend: forced });
  return { list: result.items.map((i) => i.sid), reported: true };
}
