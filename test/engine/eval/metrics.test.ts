import { describe, expect, it } from "vitest";
import { hitAt, mean, ndcgAt, percentile, rankOf, rate, reciprocalRank, repeatsIn } from "../../../src/engine/eval/metrics.js";
import { summariseBackend } from "../../../src/engine/eval/summariseBackend.js";

describe("eval metrics (hand-computed values)", () => {
  it("rank: first occurrence within the first k, 1-based", () => {
    expect(rankOf(["a", "b", "c", "b"], "b", 10)).toBe(2);
    expect(rankOf(["a", "b", "c"], "c", 2)).toBeUndefined();
    expect(rankOf([], "a", 10)).toBeUndefined();
  });

  it("Hit@K, NDCG@K and reciprocal rank of one relevant item", () => {
    expect([hitAt(3, 3), hitAt(4, 3), hitAt(undefined, 10)]).toEqual([1, 0, 0]);
    // 1 / log2(rank + 1): rank 1 → 1, rank 3 → 1/2, rank 7 → 1/3.
    expect(ndcgAt(1, 10)).toBe(1);
    expect(ndcgAt(3, 10)).toBeCloseTo(0.5, 12);
    expect(ndcgAt(7, 10)).toBeCloseTo(1 / 3, 12);
    expect([ndcgAt(11, 10), ndcgAt(undefined, 10)]).toEqual([0, 0]);
    expect([reciprocalRank(4, 10), reciprocalRank(11, 10), reciprocalRank(undefined, 10)]).toEqual([0.25, 0, 0]);
  });

  it("repeats, means, rates and nearest-rank percentiles", () => {
    expect(repeatsIn(["a", "a", "b", "a"])).toBe(2);
    expect([mean([1, 2, 6]), mean([])]).toEqual([3, 0]);
    expect([rate(1, 4), rate(3, 0)]).toEqual([0.25, 0]);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 99)).toBe(10);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
    expect(percentile([], 50)).toBeUndefined();
  });

  it("summarises a backend: failures are misses, lists are judged as written", () => {
    const catalog = new Set(["a", "b", "c", "d", "e"]);
    const summary = summariseBackend(
      [
        { list: ["a", "b", "c"], target: "b", ms: 10 },
        { list: ["x", "a", "a"], target: "a", ms: 20 },
        { list: [], target: "d", ms: 30, error: "boom" },
        { list: ["d"], target: "d", ms: 40 },
      ],
      3,
      catalog.size,
      (sid) => catalog.has(sid),
    );
    // Ranks: 2, 2, miss, 1.
    expect(summary.hitAt).toEqual([0.25, 0.75, 0.75]);
    expect(summary.ndcg).toBeCloseTo((2 / Math.log2(3) + 1) / 4, 12);
    expect(summary.mrr).toBe(0.5);
    // a, b, c, d of 5 items; 7 SIDs written, one invalid ("x"), one repeat ("a").
    expect(summary.coverage).toBe(0.8);
    expect(summary.invalidRate).toBeCloseTo(1 / 7, 12);
    expect(summary.duplicateRate).toBeCloseTo(1 / 7, 12);
    expect(summary).toMatchObject({ rows: 4, errors: 1, written: 7, latencyMs: { p50: 20, p99: 40 } });
  });

  it("counts repeats among well-formed SIDs only: empty or broken spans are invalid, not duplicates", () => {
    const wellFormed = (sid: string) => sid.startsWith("<");
    const inCatalog = (sid: string) => sid === "<a>";
    // 6 written: "", "", "broken" are malformed (3 invalid, no repeats); "<b>" twice is one repeat (and 2 more invalid).
    const summary = summariseBackend(
      [{ list: ["", "<a>", "", "broken", "<b>", "<b>"], target: "<a>", ms: 1 }],
      10,
      5,
      inCatalog,
      wellFormed,
    );
    expect(summary.duplicateRate).toBeCloseTo(1 / 6, 12);
    expect(summary.invalidRate).toBeCloseTo(5 / 6, 12);
  });

  it("an empty run has no hits and no latency, never NaN", () => {
    const summary = summariseBackend([], 10, 5, () => true);
    expect(summary.hitAt.every((h) => h === 0)).toBe(true);
    expect([summary.ndcg, summary.mrr, summary.coverage, summary.invalidRate, summary.duplicateRate]).toEqual([0, 0, 0, 0, 0]);
    expect(summary.latencyMs).toEqual({});
  });
});
