import { describe, expect, it } from "vitest";
import { InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import type { Exchange } from "../../../src/bot/memory/MemoryStore.js";

const exchange = (text: string, extra: Partial<Exchange> = {}): Exchange => ({
  id: text,
  user: { role: "user", parts: [{ text }] },
  assistant: { role: "assistant", parts: [{ text: "ok" }] },
  at: Date.now(),
  ...extra,
});

describe("InProcessMemoryStore (no Redis)", () => {
  it("keeps concurrent appends, the first owner, and trims whole pairs", async () => {
    const s = new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 6 });
    await Promise.all(["a", "b", "c", "d"].map((t, i) => s.append("t", exchange(t, { owner: `u${i}` }))));
    const state = await s.get("t");
    expect(state?.turns.map((t) => t.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant"]);
    expect(state?.owner).toBe("u0");
    expect(s.degraded).toBe(false);
  });

  it("claims once, records and exports votes, deletes", async () => {
    const s = new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 6 });
    expect([await s.claim("e", 1000), await s.claim("e", 1000)]).toEqual([true, false]);
    await s.vote({ conversation: "t", userId: "u", sids: ["x"], value: "down", at: 10 });
    expect((await s.get("t"))?.feedback).toMatchObject([{ sid: "x", value: "down" }]);
    expect(await s.feedbackSince(11)).toEqual([]);
    expect(await s.feedbackSince(10)).toHaveLength(1);
    await s.delete("t");
    expect(await s.get("t")).toBeUndefined();
  });
});
