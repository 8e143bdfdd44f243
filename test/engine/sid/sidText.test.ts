import { describe, expect, it } from "vitest";
import { findSids, sidLevelTokens, stripControlTokens, stripThinking } from "../../../src/engine/sid/sidText.js";
import { sidOf } from "../../support/catalogs.js";

describe("findSids", () => {
  it("finds every SID in order, duplicates included", () => {
    const a = sidOf(8, 454, 630, 768);
    const b = sidOf(1, 2);
    expect(findSids(`${a}, ${b}, ${a}<|im_end|>`).map((m) => m.text)).toEqual([a, b, a]);
  });

  it("uses the seed's pattern: any number of levels, Unicode digits, no empty SIDs", () => {
    expect(findSids(sidOf(1)).length).toBe(1);
    expect(findSids("<|sid_start|><|sid_end|>")).toEqual([]);
    expect(findSids("<|sid_start|><|sid_٣|><|sid_end|>").length).toBe(1);
    expect(findSids("<|sid_start|><|sid_1|> <|sid_2|><|sid_end|>")).toEqual([]);
  });

  it("recovers after an unterminated SID", () => {
    const good = sidOf(5, 300, 600, 800);
    expect(findSids(`<|sid_start|><|sid_1|>${good}`).map((m) => m.text)).toEqual([good]);
  });

  it("splits level tokens like parse_semantic_id", () => {
    expect(sidLevelTokens(sidOf(8, 454, 630, 768))).toEqual(["<|sid_8|>", "<|sid_454|>", "<|sid_630|>", "<|sid_768|>"]);
  });
});

describe("stripControlTokens", () => {
  it("removes think tags and chat control tokens but keeps SIDs", () => {
    const sid = sidOf(8, 454, 630, 768);
    expect(stripControlTokens(`<|im_start|><think>\n\n</think>\n\n${sid}<|im_end|><|endoftext|>`)).toBe(`\n\n\n\n${sid}`);
  });

  it("drops whole think blocks", () => {
    expect(stripThinking("<think>pondering</think>answer<|im_end|>")).toBe("answer");
    expect(stripThinking("answer<think>cut off")).toBe("answer");
  });
});
