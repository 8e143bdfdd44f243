/**
 * A person's recent recommendations in both memory stores: newest first, each SID once, at most
 * RECENT_ITEMS_KEPT, forgotten after the conversation TTL, apart per person; with Redis, shared by
 * processes and never an error while Redis is away.
 */
import { describe, expect, it, vi } from "vitest";
import { InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import { RECENT_ITEMS_KEPT, type MemoryStore } from "../../../src/bot/memory/MemoryStore.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { privateRedis, redisStores } from "../../support/memoryStores.js";
import { requireRedis, uniqueNamespace } from "../../support/redis.js";

const redis = await requireRedis();
const redisStore = redisStores();

const sids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `sid-${from + i}`);

/** The same contract, whichever store keeps it. */
function behavesLikeARecentList(make: (ttlMs?: number) => MemoryStore) {
  it("newest answer first, in the answer's order; a repeat moves to the front instead of appearing twice", async () => {
    const s = make();
    await s.addRecent("slack:T1:U1", ["a", "b", "c"]);
    await s.addRecent("slack:T1:U1", ["d", "b"]);
    expect(await s.recentFor("slack:T1:U1")).toEqual(["d", "b", "a", "c"]);
    // A SID twice in one answer counts once, where it first appears.
    await s.addRecent("slack:T1:U1", ["e", "a", "e"]);
    expect(await s.recentFor("slack:T1:U1")).toEqual(["e", "a", "d", "b", "c"]);
  });

  it(`keeps the newest ${RECENT_ITEMS_KEPT} only`, async () => {
    const s = make();
    await s.addRecent("p", sids(0, 6));
    await s.addRecent("p", sids(6, 6));
    expect(await s.recentFor("p")).toEqual([...sids(6, 6), ...sids(0, RECENT_ITEMS_KEPT - 6)]);
  });

  it("keeps people apart (same user id in another team is someone else); nobody yet is an empty list", async () => {
    const s = make();
    await s.addRecent("slack:T1:U1", ["a"]);
    await s.addRecent("slack:T2:U1", ["b"]);
    expect(await s.recentFor("slack:T1:U1")).toEqual(["a"]);
    expect(await s.recentFor("slack:T2:U1")).toEqual(["b"]);
    expect(await s.recentFor("slack:T3:U1")).toEqual([]);
  });

  it("forgets the list after the conversation TTL", async () => {
    const s = make(300);
    await s.addRecent("p", ["a"]);
    expect(await s.recentFor("p")).toEqual(["a"]);
    await vi.waitFor(async () => expect(await s.recentFor("p")).toEqual([]), { timeout: 5_000, interval: 50 });
  });
}

describe("recent recommendations in process (no Redis)", () => {
  behavesLikeARecentList((ttlMs = 60_000) => new InProcessMemoryStore({ ttlMs, maxTurns: 40 }));

  it("concurrent answers for one person all land", async () => {
    const s = new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 40 });
    await Promise.all(["a", "b", "c"].map((sid) => s.addRecent("p", [sid])));
    expect((await s.recentFor("p"))?.sort()).toEqual(["a", "b", "c"]);
  });
});

describe.runIf(redis)("recent recommendations on a real Redis", () => {
  behavesLikeARecentList((ttlMs = 60_000) => redisStore({ namespace: uniqueNamespace("recent"), ttlMs }));

  it("is shared by every process on the Redis, and kept apart by namespace", async () => {
    const namespace = uniqueNamespace("recent-shared");
    const [a, b] = [redisStore({ namespace }), redisStore({ namespace })];
    await Promise.all([a.addRecent("p", ["a1", "a2"]), b.addRecent("p", ["b1"])]);
    const list = await redisStore({ namespace }).recentFor("p");
    expect(list?.slice().sort()).toEqual(["a1", "a2", "b1"]);
    expect(await redisStore({ namespace: uniqueNamespace("recent-other") }).recentFor("p")).toEqual([]);
  });
});

describe.runIf(redis)("recent recommendations when Redis goes away", () => {
  const server = privateRedis("recent-redis");

  it("reads as unavailable (never throws) while Redis is away, warns once, and writes what waited when it is back", async () => {
    const logger = recordingLogger();
    const namespace = uniqueNamespace("recent-outage");
    const s = redisStore({ url: server().url, namespace, logger });
    await s.addRecent("p", ["before"]);
    await server().stop();

    expect(await s.recentFor("p")).toBeUndefined();
    await s.addRecent("p", ["during"]);
    expect(await s.recentFor("p")).toBeUndefined();
    expect(await s.recentFor("someone-else")).toBeUndefined();
    expect(logger.entries.filter((l) => l.level === "warn")).toHaveLength(1);

    await server().start();
    for (let i = 0; i < 50 && s.degraded; i++) await new Promise((r) => setTimeout(r, 100));
    expect(s.degraded).toBe(false);
    expect(await redisStore({ url: server().url, namespace }).recentFor("p")).toEqual(["during", "before"]);
  });
});
