/** The last answer keeps its own time: a later vote or an exchange without items must not make it look newer. */
import { describe, expect, it } from "vitest";
import { InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import type { Exchange, MemoryStore } from "../../../src/bot/memory/MemoryStore.js";
import { redisStores } from "../../support/memoryStores.js";
import { requireRedis, uniqueNamespace } from "../../support/redis.js";

const redisStore = redisStores();
const redis = await requireRedis();

const exchange = (id: string, at: number, extra: Partial<Exchange> = {}): Exchange => ({
  id: `${id}-${Math.random()}`,
  user: { role: "user", parts: [{ text: id }] },
  assistant: { role: "assistant", parts: [{ text: "ok" }] },
  at,
  ...extra,
});

async function answerThenVoteThenChat(s: MemoryStore): Promise<void> {
  await s.append("discord:channel:1", exchange("answer", 1_000, { lastAnswer: { sids: ["a"], basis: [] } }));
  await s.vote({ conversation: "discord:channel:1", userId: "u2", sids: ["a"], value: "up", at: 2_000 });
  await s.append("discord:channel:1", exchange("chat", 3_000));
}

describe("last answer time", () => {
  it("in process: stays the answer's own time", async () => {
    const s = new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 10 });
    await answerThenVoteThenChat(s);
    const state = await s.get("discord:channel:1");
    expect(state?.updatedAt).toBe(3_000);
    expect(state?.lastAnswer).toEqual({ sids: ["a"], basis: [], at: 1_000 });
  });

  it.runIf(redis)("in Redis: stays the answer's own time", async () => {
    const namespace = uniqueNamespace("answer-time");
    await answerThenVoteThenChat(redisStore({ namespace }));
    // A fresh store reads what Redis holds, not a local copy.
    const state = await redisStore({ namespace }).get("discord:channel:1");
    expect(state?.lastAnswer).toEqual({ sids: ["a"], basis: [], at: 1_000 });
  });
});
