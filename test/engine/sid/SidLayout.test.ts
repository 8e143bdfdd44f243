import { describe, expect, it } from "vitest";
import { SidLayout } from "../../../src/engine/sid/SidLayout.js";
import { sidOf } from "../../support/catalogs.js";

describe("SidLayout", () => {
  const layout = new SidLayout();

  it("parses the card's example into per-level codes", () => {
    expect(layout.parse(sidOf(8, 454, 630, 768))).toEqual({ ok: true, codes: [8, 198, 118, 0] });
  });

  it("formats codes back to the same string", () => {
    expect(layout.format([8, 198, 118, 0])).toBe(sidOf(8, 454, 630, 768));
    expect(layout.format([255, 255, 255, 255])).toBe(sidOf(255, 511, 767, 1023));
  });

  it.each([
    ["a token in the wrong level's range", sidOf(300, 454, 630, 768), /level 1 token <\|sid_300\|>/],
    ["a last-level token below its range", sidOf(8, 454, 630, 700), /level 4/],
    ["too few levels", sidOf(8, 454, 630), /has 3 levels, expected 4/],
    ["too many levels", sidOf(8, 454, 630, 768, 1000), /more than 4 levels/],
    ["no levels", "<|sid_start|><|sid_end|>", /has 0 levels/],
    ["missing markers", "<|sid_8|><|sid_454|>", /must start/],
    ["leading zeros", sidOf(8, 454, 630).replace("<|sid_end|>", "<|sid_0768|><|sid_end|>"), /unexpected text/],
    ["text between tokens", "<|sid_start|><|sid_8|> <|sid_454|><|sid_630|><|sid_768|><|sid_end|>", /unexpected text/],
    ["non-ASCII digits", "<|sid_start|><|sid_٨|><|sid_454|><|sid_630|><|sid_768|><|sid_end|>", /unexpected text/],
  ])("rejects %s", (_name, text, reason) => {
    const result = layout.parse(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("supports other layouts", () => {
    const small = new SidLayout({ levels: 3, codesPerLevel: 16 });
    expect(small.parse(sidOf(3, 20, 47))).toEqual({ ok: true, codes: [3, 4, 15] });
    expect(small.isValid(sidOf(3, 20, 48))).toBe(false);
    expect(small.tokenCount).toBe(48);
  });

  it("refuses layouts whose keys would not be exact", () => {
    expect(() => new SidLayout({ levels: 8, codesPerLevel: 1024 })).toThrow(RangeError);
    expect(() => new SidLayout({ levels: 0 })).toThrow(RangeError);
  });

  it("packs prefixes so equal prefixes give equal keys", () => {
    expect(layout.packCodes([1, 2, 3, 4], 2)).toBe(layout.packCodes([1, 2, 9, 9], 2));
    expect(layout.packCodes([1, 2, 3, 4], 3)).not.toBe(layout.packCodes([1, 2, 9, 4], 3));
  });
});
