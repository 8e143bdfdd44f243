import { describe, expect, it } from "vitest";
import { sampleLines } from "../../../src/engine/eval/sampleLines.js";

describe("sampleLines (--limit with --seed)", () => {
  const lines = Array.from({ length: 100 }, (_, i) => i);

  it("draws N distinct lines, in file order, the same for the same seed", () => {
    const a = sampleLines(lines, 10, 7);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    expect(sampleLines(lines, 10, 7)).toEqual(a);
    expect(sampleLines(lines, 10, 8)).not.toEqual(a);
  });

  it("is a sample, not the first N lines", () => {
    expect(sampleLines(lines, 10, 7)).not.toEqual(lines.slice(0, 10));
  });

  it("keeps every line without a limit or with a limit above the count", () => {
    expect(sampleLines(lines, undefined, 1)).toEqual(lines);
    expect(sampleLines(lines, 500, 1)).toEqual(lines);
  });
});
