import { describe, expect, it } from "vitest";
import { trimTurns } from "../../../src/engine/prompts/trimTurns.js";
import type { Turn } from "../../../src/engine/types.js";

const turns: Turn[] = Array.from({ length: 10 }, (_, i) => ({
  role: i % 2 === 0 ? "user" : "assistant",
  parts: [{ text: `t${i} ${"x".repeat(i * 10)}` }],
}));
const chars = async (list: readonly Turn[]) =>
  list.reduce((n, t) => n + t.parts.reduce((m, p) => m + ("text" in p ? p.text.length : 0), 0), 0);

describe("trimTurns", () => {
  it("keeps the newest turns within maxTurns, starting with a user turn", async () => {
    const kept = await trimTurns(turns, { maxTurns: 5 });
    expect(kept.map((t) => (t.parts[0] as { text: string }).text.slice(0, 2))).toEqual(["t6", "t7", "t8", "t9"]);
    expect(kept[0]!.role).toBe("user");
  });

  it("drops the oldest pairs until the history fits the token budget", async () => {
    const kept = await trimTurns(turns, { maxTurns: 100, budgetTokens: 200, countTokens: chars });
    expect(await chars(kept)).toBeLessThanOrEqual(200);
    expect(kept[0]!.role).toBe("user");
    expect(kept.at(-1)).toBe(turns.at(-1));
    // One more pair would not have fitted.
    expect(await chars(turns.slice(turns.length - kept.length - 2))).toBeGreaterThan(200);
  });

  it("keeps everything when no model can count and the turns fit", async () => {
    expect(await trimTurns(turns, { maxTurns: 40, budgetTokens: 10, countTokens: async () => undefined })).toHaveLength(10);
  });
});
