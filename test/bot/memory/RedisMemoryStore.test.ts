import { describe, expect, it, vi } from "vitest";
import type { Exchange } from "../../../src/bot/memory/MemoryStore.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { privateRedis, redisStores } from "../../support/memoryStores.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";

const store = redisStores(3000);
let n = 0;
function exchange(text: string, extra: Partial<Exchange> = {}): Exchange {
  return {
    id: `x${++n}-${Math.random()}`,
    user: { role: "user", parts: [{ text }] },
    assistant: { role: "assistant", parts: [{ sid: "<|sid_start|><|sid_1|><|sid_end|>" }] },
    at: Date.now(),
    ...extra,
  };
}
const userTexts = (turns: { role: string; parts: unknown[] }[] | undefined) =>
  (turns ?? []).filter((t) => t.role === "user").map((t) => (t.parts[0] as { text: string }).text);

const redis = await requireRedis();

describe.runIf(redis)("RedisMemoryStore on a real Redis", () => {
  it("keeps a conversation across store instances (a bot restart) and apart by key and namespace", async () => {
    const namespace = uniqueNamespace("persist");
    await store({ namespace }).append("discord:thread:1", exchange("hello", { owner: "u1", lastAnswer: { sids: ["a"], basis: [] } }));
    await store({ namespace }).append("discord:channel:1", exchange("channel"));
    const again = store({ namespace });
    expect(await again.get("discord:thread:1")).toMatchObject({
      owner: "u1",
      lastAnswer: { sids: ["a"] },
      turns: [{ parts: [{ text: "hello" }] }, { role: "assistant" }],
    });
    expect(userTexts((await again.get("discord:channel:1"))?.turns)).toEqual(["channel"]);
    expect(await store({ namespace: uniqueNamespace("other") }).get("discord:thread:1")).toBeUndefined();
  });

  it("appends from two processes land in full, in order; the first owner stays; old turns are trimmed in pairs", async () => {
    const namespace = uniqueNamespace("append");
    const a = store({ namespace, maxTurns: 10 });
    const b = store({ namespace, maxTurns: 10 });
    await Promise.all(Array.from({ length: 4 }, (_, i) => (i % 2 ? a : b).append("t", exchange(`c${i}`, { owner: `u${i}` }))));
    for (let i = 0; i < 4; i++) await (i % 2 ? a : b).append("t", exchange(`s${i}`, { owner: "late" }));
    const state = await a.get("t");
    expect(state?.turns).toHaveLength(10);
    expect(state?.turns[0]?.role).toBe("user");
    expect(userTexts(state?.turns).slice(-4)).toEqual(["s0", "s1", "s2", "s3"]);
    expect(state?.owner).toMatch(/^u[0-3]$/);
  });

  it("applies a replayed write once (same exchange id)", async () => {
    const s = store({ namespace: uniqueNamespace("replay") });
    const x = exchange("once");
    await s.append("t", x);
    await s.append("t", x);
    expect((await s.get("t"))?.turns).toHaveLength(2);
  });

  it("forgets a conversation after its TTL; deletes one conversation", async () => {
    const s = store({ namespace: uniqueNamespace("ttl"), ttlMs: 300 });
    await s.append("c", exchange("short-lived"));
    await s.append("keep", exchange("keep"));
    expect(await s.get("c")).toBeDefined();
    await s.delete("keep");
    expect(await s.get("keep")).toBeUndefined();
    // Redis expires keys on its own clock: poll rather than guess how long that takes.
    await vi.waitFor(async () => expect(await s.get("c")).toBeUndefined(), { timeout: 5_000, interval: 50 });
  });

  it("records votes per user and item, and exports them since a time", async () => {
    const s = store({ namespace: uniqueNamespace("votes") });
    const before = Date.now();
    await s.vote({ conversation: "t", userId: "u1", sids: ["a", "b"], value: "up", at: before });
    await s.vote({ conversation: "t", userId: "u1", sids: ["a"], value: "down", at: before + 1 });
    await s.vote({ conversation: "t", userId: "u2", sids: ["a"], value: "up", at: before + 2 });
    const state = await s.get("t");
    expect(state?.feedback.map((f) => [f.userId, f.sid, f.value])).toEqual([
      ["u1", "b", "up"],
      ["u1", "a", "down"],
      ["u2", "a", "up"],
    ]);
    expect((await s.feedbackSince(before + 1)).map((f) => [f.userId, f.sids, f.value])).toEqual([
      ["u1", ["a"], "down"],
      ["u2", ["a"], "up"],
    ]);
  });

  it("claims an event id once, across processes", async () => {
    const namespace = uniqueNamespace("claims");
    const [a, b] = [store({ namespace }), store({ namespace })];
    const results = await Promise.all([
      a.claim("discord:message:1", 10_000),
      b.claim("discord:message:1", 10_000),
      a.claim("discord:message:1", 10_000),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await b.claim("discord:message:2", 10_000)).toBe(true);
  });

  it("reads and converts a conversation stored by sidbot 0.1 (keyv layout), once", async () => {
    const namespace = uniqueNamespace("legacy");
    const { createClient } = await import("@keyv/redis");
    const client = createClient({ url: SHARED_REDIS_URL });
    await client.connect();
    const old = {
      turns: [
        { role: "user", parts: [{ text: "old question" }] },
        { role: "assistant", parts: [{ sid: "<|sid_start|><|sid_1|><|sid_end|>" }] },
      ],
      feedback: [{ userId: "u1", sid: "s", value: "down", at: 5 }],
      updatedAt: 5,
      owner: "first",
      lastAnswer: { sids: ["s"], basis: [] },
    };
    await client.set(`${namespace}::${namespace}:discord:thread:9`, JSON.stringify({ value: old, expires: Date.now() + 60_000 }));
    const s = store({ namespace });
    expect(await s.get("discord:thread:9")).toMatchObject({ owner: "first", lastAnswer: { sids: ["s"] }, feedback: [{ value: "down" }] });
    expect(await client.exists(`${namespace}::${namespace}:discord:thread:9`)).toBe(0);
    await s.append("discord:thread:9", exchange("new question", { owner: "second" }));
    expect(await store({ namespace }).get("discord:thread:9")).toMatchObject({ owner: "first" });
    expect(userTexts((await s.get("discord:thread:9"))?.turns)).toEqual(["old question", "new question"]);
    client.destroy();
  });
});

/** Writes a conversation the way sidbot 0.1 stored it (one keyv value). */
async function writeLegacy(namespace: string, conversation: string, url = SHARED_REDIS_URL) {
  const { createClient } = await import("@keyv/redis");
  const client = createClient({ url });
  await client.connect();
  const old = {
    turns: [
      { role: "user", parts: [{ text: "old question" }] },
      { role: "assistant", parts: [{ text: "old answer" }] },
    ],
    feedback: [],
    updatedAt: 5,
    owner: "first",
    lastAnswer: { sids: ["s"], basis: [] },
  };
  await client.set(`${namespace}::${namespace}:${conversation}`, JSON.stringify({ value: old, expires: Date.now() + 60_000 }));
  client.destroy();
}

describe.runIf(redis)("RedisMemoryStore and conversations stored by sidbot 0.1", () => {
  it("a vote or an append before any read keeps the old conversation (old turns first, old owner)", async () => {
    const namespace = uniqueNamespace("legacy-write");
    await writeLegacy(namespace, "voted");
    await writeLegacy(namespace, "appended");
    const s = store({ namespace });
    await s.vote({ conversation: "voted", userId: "u", sids: ["s"], value: "down", at: Date.now() });
    await s.append("appended", exchange("new question", { owner: "second" }));
    const reader = store({ namespace });
    expect(await reader.get("voted")).toMatchObject({
      owner: "first",
      feedback: [{ sid: "s", value: "down" }],
      turns: [{ parts: [{ text: "old question" }] }, {}],
    });
    const appended = await reader.get("appended");
    expect(userTexts(appended?.turns)).toEqual(["old question", "new question"]);
    expect(appended?.owner).toBe("first");
  });

  it("two processes reading it at once convert it once", async () => {
    const namespace = uniqueNamespace("legacy-race");
    await writeLegacy(namespace, "t");
    const states = await Promise.all([store({ namespace }).get("t"), store({ namespace }).get("t"), store({ namespace }).get("t")]);
    for (const state of states) expect(userTexts(state?.turns)).toEqual(["old question"]);
    expect(userTexts((await store({ namespace }).get("t"))?.turns)).toEqual(["old question"]);
  });
});

describe.runIf(redis)("RedisMemoryStore when Redis goes away", () => {
  const server = privateRedis("redis");

  it("answers without failing during an outage, warns once, and merges what was written meanwhile", async () => {
    const logger = recordingLogger();
    const lines = logger.entries;
    const namespace = uniqueNamespace("outage");
    const s = store({ url: server().url, namespace, logger });
    await s.append("stored-before", exchange("before", { owner: "owner" }));
    await server().stop();

    expect(await s.get("never-stored")).toBeUndefined(); // no throw
    await s.append("stored-before", exchange("during", { owner: "intruder" }));
    await s.vote({ conversation: "stored-before", userId: "u1", sids: ["x"], value: "down", at: Date.now() });
    expect(s.degraded).toBe(true);
    expect(userTexts((await s.get("stored-before"))?.turns)).toEqual(["before", "during"]); // this process's view
    expect(await s.claim("e1", 10_000)).toBe(true);
    expect(await s.claim("e1", 10_000)).toBe(false); // in-process while Redis is away
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(1);

    await server().start();
    // The periodic retry writes what waited, without any new request.
    for (let i = 0; i < 50 && s.degraded; i++) await new Promise((r) => setTimeout(r, 100));
    expect(s.degraded).toBe(false);
    expect(lines.some((l) => l.level === "info" && /reachable again/.test(l.message ?? ""))).toBe(true);

    const fresh = store({ url: server().url, namespace });
    const state = await fresh.get("stored-before");
    expect(userTexts(state?.turns)).toEqual(["before", "during"]);
    expect(state?.owner).toBe("owner");
    expect(state?.feedback).toMatchObject([{ sid: "x", value: "down" }]);
  });

  it("a fresh process writing to a 0.1 conversation during an outage keeps it when Redis is back", async () => {
    const namespace = uniqueNamespace("legacy-outage");
    await writeLegacy(namespace, "thread", server().url);
    await server().stop();
    const fresh = store({ url: server().url, namespace });
    await fresh.append("thread", exchange("during", { owner: "bob" }));
    await server().start();
    for (let i = 0; i < 50 && fresh.degraded; i++) await new Promise((r) => setTimeout(r, 100));
    const state = await store({ url: server().url, namespace }).get("thread");
    expect(userTexts(state?.turns)).toEqual(["old question", "during"]);
    expect(state?.owner).toBe("first");
  });

  it("a fresh process that never saw the conversation adds to it, never replaces it", async () => {
    const namespace = uniqueNamespace("fresh");
    await store({ url: server().url, namespace }).append("thread", exchange("first", { owner: "owner" }));
    await server().stop();
    const fresh = store({ url: server().url, namespace });
    expect(await fresh.get("thread")).toBeUndefined(); // unknown while Redis is away
    await fresh.append("thread", exchange("second", { owner: "newcomer" }));
    await server().start();
    for (let i = 0; i < 50 && fresh.degraded; i++) await new Promise((r) => setTimeout(r, 100));
    const state = await store({ url: server().url, namespace }).get("thread");
    expect(userTexts(state?.turns)).toEqual(["first", "second"]);
    expect(state?.owner).toBe("owner");
  });
});
