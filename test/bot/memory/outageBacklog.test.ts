/**
 * The Redis store's outage backlog, against a private redis-server stopped mid-run: people's
 * recent lists have their own smaller budget and are dropped before any conversation change; and
 * reading a recent list right after an outage does not wait for the whole backlog to be written.
 */
import { createClient } from "@keyv/redis";
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../../src/bot/memory/MemoryStore.js";
import { PENDING_LIMIT, PENDING_RECENT_LIMIT, type RedisMemoryStore } from "../../../src/bot/memory/RedisMemoryStore.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { privateRedis, redisStores } from "../../support/memoryStores.js";
import { requireRedis, uniqueNamespace } from "../../support/redis.js";
import { SlowLink } from "./slowLink.js";

const redis = await requireRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exchange = (text: string): Exchange => ({
  id: `${text}-${Math.random()}`,
  user: { role: "user", parts: [{ text }] },
  assistant: { role: "assistant", parts: [{ text: "ok" }] },
  at: Date.now(),
});

describe.runIf(redis)("the outage backlog", () => {
  const server = privateRedis("backlog");
  const stores = redisStores(200);
  const store = (options: { namespace: string; url?: string; logger?: ReturnType<typeof recordingLogger> }) =>
    stores({ url: server().url, ttlMs: 600_000, ...options });
  /** Redis is back: waits until the store has reconnected and writes again (it then drains what waited). */
  const backOn = async (s: RedisMemoryStore) => {
    for (let i = 0; i < 200 && s.degraded; i++) await sleep(25);
    expect(s.degraded).toBe(false);
  };
  /** Conversations of `namespace` that Redis holds turns for. */
  const storedConversations = async (namespace: string) => {
    const client = createClient({ url: server().url });
    await client.connect();
    try {
      let count = 0;
      for await (const keys of client.scanIterator({ MATCH: `${namespace}:conv:*:turns`, COUNT: 1000 })) count += keys.length;
      return count;
    } finally {
      client.destroy();
    }
  };

  it("a flood of recent-list writes never pushes a conversation out of the backlog; one line says recent lists were dropped", async () => {
    const logger = recordingLogger();
    const namespace = uniqueNamespace("backlog-own");
    const s = store({ namespace, logger });
    await s.addRecent("already-stored", ["x"]);
    await server().stop();
    for (const text of ["one", "two", "three"]) await s.append("kept", exchange(text));
    const people = PENDING_LIMIT + 100;
    for (let i = 0; i < people; i++) await s.addRecent(`p${i}`, [`s${i}`]);
    await server().start();
    await backOn(s);
    await s.close(30_000); // writes what is still waiting

    const fresh = store({ namespace });
    expect((await fresh.get("kept"))?.turns.filter((t) => t.role === "user").map((t) => t.parts[0])).toEqual([
      { text: "one" },
      { text: "two" },
      { text: "three" },
    ]);
    // The newest recent-list changes were kept, the oldest dropped; what Redis held before is untouched.
    expect(await fresh.recentFor(`p${people - 1}`)).toEqual([`s${people - 1}`]);
    expect(await fresh.recentFor(`p${people - PENDING_RECENT_LIMIT}`)).toEqual([`s${people - PENDING_RECENT_LIMIT}`]);
    expect(await fresh.recentFor("p0")).toEqual([]);
    expect(await fresh.recentFor("already-stored")).toEqual(["x"]);
    const drops = logger.entries.filter((e) => e.level === "warn" && /dropping/.test(e.message ?? ""));
    expect(drops.map((e) => e.fields.kind)).toEqual(["recent"]);
  });

  it("when the whole backlog is full, recent-list changes go first, even newer ones than the conversations", async () => {
    const namespace = uniqueNamespace("backlog-order");
    const s = store({ namespace });
    await server().stop();
    const conversations = PENDING_LIMIT - 500;
    for (let i = 0; i < conversations; i++) await s.append(`c${i}`, exchange(`q${i}`));
    for (let i = 0; i < PENDING_RECENT_LIMIT; i++) await s.addRecent(`p${i}`, [`s${i}`]);
    await server().start();
    await backOn(s);
    await s.close(60_000);

    expect(await storedConversations(namespace)).toBe(conversations);
    const fresh = store({ namespace });
    expect((await fresh.get("c0"))?.turns).toHaveLength(2);
    expect(await fresh.recentFor(`p${PENDING_RECENT_LIMIT - 1}`)).toEqual([`s${PENDING_RECENT_LIMIT - 1}`]);
    expect(await fresh.recentFor("p0")).toEqual([]);
  });

  it("read right after an outage, a recent list answers before the backlog is written (or says 'not yet')", async () => {
    const link = new SlowLink(server().port);
    const url = await link.start();
    try {
      const namespace = uniqueNamespace("backlog-read");
      const s = store({ namespace, url });
      await s.addRecent("early", ["a"]);
      await server().stop();
      const waiting = 60;
      for (let i = 0; i < waiting; i++) await s.append(`c${i}`, exchange(`q${i}`));
      await s.addRecent("late", ["b"]);
      // A slow network: each of the waiting writes takes several round trips of at least 30 ms.
      link.delayMs = 15;
      await server().start();
      await backOn(s);

      expect(await s.recentFor("early")).toEqual(["a"]);
      expect(await storedConversations(namespace)).toBeLessThan(waiting);
      // This person's newest picks still wait behind the conversations: "not yet" rather than a stale list.
      expect(await s.recentFor("late")).toBeUndefined();
      expect(await storedConversations(namespace)).toBeLessThan(waiting);

      await s.close(30_000);
      expect(await storedConversations(namespace)).toBe(waiting);
      expect(await store({ namespace }).recentFor("late")).toEqual(["b"]);
    } finally {
      await link.stop();
    }
  });
});
