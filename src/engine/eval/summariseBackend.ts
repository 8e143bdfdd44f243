/**
 * One backend's figures over the rows it answered: Hit@1…K, NDCG@K, MRR, coverage, invalid-SID
 * and duplicate rates, latency percentiles. A row whose request failed counts as a miss with an
 * empty list (a failing backend must not look better), and is counted in `errors`.
 */
import { hitAt, mean, ndcgAt, percentile, rankOf, rate, reciprocalRank, repeatsIn } from "./metrics.js";

/** What one backend returned for one row. */
export interface RowOutcome {
  /** SIDs as written, in order (repeats and invalid ones included). */
  list: readonly string[];
  /** The SID of the relevant item. */
  target: string;
  /** Wall time of the request, ms. */
  ms: number;
  /** Why the request failed, when it did. */
  error?: string;
}

export interface BackendSummary {
  /** Rows evaluated (answered or failed). */
  rows: number;
  /** Rows whose request failed (counted as misses). */
  errors: number;
  /** Hit@K for K = 1 … k (`hitAt[K - 1]`). */
  hitAt: number[];
  ndcg: number;
  mrr: number;
  /** Distinct catalog items recommended / catalog size. */
  coverage: number;
  /** Written SIDs that are malformed or not in the catalog / all written. */
  invalidRate: number;
  /**
   * Well-formed written SIDs that repeat an earlier one in the same list / all written. Empty or
   * broken spans (the unconstrained model's) count as invalid only, never as repeats of each other.
   */
  duplicateRate: number;
  /** SIDs written over all rows. */
  written: number;
  /** Per-row latency percentiles, ms; absent without rows. */
  latencyMs: { p50?: number; p99?: number };
}

export function summariseBackend(
  outcomes: readonly RowOutcome[],
  k: number,
  catalogSize: number,
  inCatalog: (sid: string) => boolean,
  wellFormed: (sid: string) => boolean = () => true,
): BackendSummary {
  const ranks = outcomes.map((o) => rankOf(o.list, o.target, k));
  const recommended = new Set<string>();
  let written = 0;
  let invalid = 0;
  let repeats = 0;
  for (const { list } of outcomes) {
    written += list.length;
    repeats += repeatsIn(list.filter(wellFormed));
    for (const sid of list) {
      if (inCatalog(sid)) recommended.add(sid);
      else invalid++;
    }
  }
  const latencies = outcomes.map((o) => o.ms);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  return {
    rows: outcomes.length,
    errors: outcomes.filter((o) => o.error !== undefined).length,
    hitAt: Array.from({ length: k }, (_, i) => mean(ranks.map((r) => hitAt(r, i + 1)))),
    ndcg: mean(ranks.map((r) => ndcgAt(r, k))),
    mrr: mean(ranks.map((r) => reciprocalRank(r, k))),
    coverage: rate(recommended.size, catalogSize),
    invalidRate: rate(invalid, written),
    duplicateRate: rate(repeats, written),
    written,
    latencyMs: { ...(p50 !== undefined ? { p50 } : {}), ...(p99 !== undefined ? { p99 } : {}) },
  };
}
