/**
 * What a long-running process holds in memory stays bounded: expired entries of people who never
 * come back are swept (not kept until read), and past the limits the least recently used go first
 * — in the in-process store, and in the Redis store's outage copies and claims.
 */
import { describe, expect, it } from "vitest";
import { IN_PROCESS_LIMITS, InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import type { Exchange } from "../../../src/bot/memory/MemoryStore.js";
import { LOCAL_CLAIMS_LIMIT } from "../../../src/bot/memory/RedisMemoryStore.js";
import { privateRedis, redisStores } from "../../support/memoryStores.js";
import { requireRedis, uniqueNamespace } from "../../support/redis.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exchange = (text: string): Exchange => ({
  id: text,
  user: { role: "user", parts: [{ text }] },
  assistant: { role: "assistant", parts: [{ text: "ok" }] },
  at: Date.now(),
});

describe("in-process memory", () => {
  it("sweeps expired recent lists, conversations and claims of people who never come back", async () => {
    const s = new InProcessMemoryStore({ ttlMs: 5, maxTurns: 10 });
    for (let i = 0; i < 20_000; i++) {
      await s.addRecent(`slack:T1:U${i}`, ["s1", "s2"]);
      await s.append(`slack:channel:T1:C${i}`, exchange(`q${i}`));
      await s.claim(`slack:event:E${i}`, 5);
    }
    await sleep(50);
    // Later traffic from other people (nobody reads the old keys again).
    for (let i = 0; i < 10; i++) {
      await s.addRecent(`slack:T1:V${i}`, ["s1"]);
      await s.append(`slack:channel:T1:D${i}`, exchange(`r${i}`));
      await s.claim(`slack:event:F${i}`, 60_000);
    }
    const held = s.held();
    expect(held.people).toBeLessThan(1000);
    expect(held.conversations).toBeLessThan(1000);
    // Claims are swept at most once a minute: their bound is the count limit.
    expect(held.claims).toBeLessThanOrEqual(IN_PROCESS_LIMITS.claims);
    expect(await s.recentFor("slack:T1:V9")).toEqual(["s1"]);
  });

  it("past the limits, the least recently used go first, well before their TTL", async () => {
    const s = new InProcessMemoryStore({ ttlMs: 3_600_000, maxTurns: 10 });
    const people = IN_PROCESS_LIMITS.people + 100;
    for (let i = 0; i < people; i++) await s.addRecent(`p${i}`, [`s${i}`]);
    const conversations = IN_PROCESS_LIMITS.conversations + 100;
    for (let i = 0; i < conversations; i++) await s.append(`c${i}`, exchange(`q${i}`));
    const claims = IN_PROCESS_LIMITS.claims + 100;
    for (let i = 0; i < claims; i++) await s.claim(`e${i}`, 3_600_000);

    expect(s.held()).toEqual({
      people: IN_PROCESS_LIMITS.people,
      conversations: IN_PROCESS_LIMITS.conversations,
      claims: IN_PROCESS_LIMITS.claims,
    });
    expect(await s.recentFor("p0")).toEqual([]);
    expect(await s.recentFor(`p${people - 1}`)).toEqual([`s${people - 1}`]);
    expect(await s.get("c0")).toBeUndefined();
    expect((await s.get(`c${conversations - 1}`))?.turns).toHaveLength(2);
    // The newest claims still hold: a redelivery of a recent event is still recognised.
    expect(await s.claim(`e${claims - 1}`, 3_600_000)).toBe(false);
  });
});

const redis = await requireRedis();

describe.runIf(redis)("the Redis store's own copies during an outage", () => {
  const server = privateRedis("bounded");
  const stores = redisStores(200);
  const store = (ttlMs: number) => stores({ url: server().url, namespace: uniqueNamespace("bounded"), ttlMs, maxTurns: 10 });

  it("claims made while Redis is away are bounded; the newest still hold", async () => {
    await server().stop();
    const s = store(60_000);
    const claims = LOCAL_CLAIMS_LIMIT + 100;
    for (let i = 0; i < claims; i++) await s.claim(`e${i}`, 3_600_000);
    expect(s.held().claims).toBe(LOCAL_CLAIMS_LIMIT);
    expect(await s.claim(`e${claims - 1}`, 3_600_000)).toBe(false);
    await server().start();
  });

  it("the copy of a conversation kept for outages is forgotten after the conversation TTL, like Redis forgets it", async () => {
    const s = store(300);
    await s.append("t", exchange("before"));
    await server().stop();
    expect((await s.get("t"))?.turns).toHaveLength(2); // this process's copy
    await sleep(500);
    expect(await s.get("t")).toBeUndefined();
    await server().start();
  });
});
