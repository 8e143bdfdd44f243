/**
 * Offline recommendation metrics, as small pure functions. A row has one relevant item (the
 * `next` item), so its rank in the answer list (1-based, or undefined when absent) decides the
 * ranking metrics; lists are judged as written, repeats and invalid SIDs included.
 */

/** The 1-based position of `target`'s first occurrence in `list` within the first `k`; undefined when absent. */
export function rankOf(list: readonly string[], target: string, k: number): number | undefined {
  const at = list.slice(0, k).indexOf(target);
  return at < 0 ? undefined : at + 1;
}

/** 1 when the relevant item is within the first `k`, else 0. */
export function hitAt(rank: number | undefined, k: number): number {
  return rank !== undefined && rank <= k ? 1 : 0;
}

/** NDCG@k with one relevant item: 1 / log2(rank + 1) within the first `k` (the ideal DCG is 1), else 0. */
export function ndcgAt(rank: number | undefined, k: number): number {
  return rank !== undefined && rank <= k ? 1 / Math.log2(rank + 1) : 0;
}

/** Reciprocal rank within the first `k`: 1 / rank, else 0. */
export function reciprocalRank(rank: number | undefined, k: number): number {
  return rank !== undefined && rank <= k ? 1 / rank : 0;
}

/** Entries of `list` that repeat an earlier entry. */
export function repeatsIn(list: readonly string[]): number {
  return list.length - new Set(list).size;
}

/** The mean, or 0 for no values (no rows: nothing was hit). */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** `part / whole`, 0 when `whole` is 0. */
export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value with at least
 * p % of the values at or below it. Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
