/**
 * `record(id, ttlMs)`: a record that lives as long as what it is about (renewed on each call),
 * in both stores; and in Redis, one made while Redis was away is written there when it is back,
 * so another process sharing Redis learns it.
 */
import { describe, expect, it } from "vitest";
import { InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import type { MemoryStore } from "../../../src/bot/memory/MemoryStore.js";
import { privateRedis, redisStores } from "../../support/memoryStores.js";
import { requireRedis, uniqueNamespace } from "../../support/redis.js";

const redis = await requireRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stores = redisStores();

const kinds: [string, () => MemoryStore][] = [
  ["in-process", () => new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 10 })],
  ...(redis ? ([["redis", () => stores({ namespace: uniqueNamespace("records") })]] as [string, () => MemoryStore][]) : []),
];

describe.each(kinds)("record (%s)", (_kind, create) => {
  it("is true the first time only, and each call renews it", async () => {
    const store = create();
    expect(await store.record("thread-1", 300)).toBe(true);
    expect(await store.record("thread-1", 300)).toBe(false);
    expect(await store.claimed("thread-1")).toBe(true);
    // Renewed before it ran out, it is still there after the first TTL has passed.
    await sleep(200);
    expect(await store.record("thread-1", 300)).toBe(false);
    await sleep(200);
    expect(await store.claimed("thread-1")).toBe(true);
    await sleep(250);
    expect(await store.claimed("thread-1")).toBe(false);
  });
});

describe.runIf(redis)("record during a Redis outage", () => {
  const server = privateRedis("records");

  it("is written to Redis when it is back, for other processes to read", async () => {
    const namespace = uniqueNamespace("records-outage");
    const a = stores({ url: server().url, namespace });
    const b = stores({ url: server().url, namespace });
    expect(await b.claimed("warm-up")).toBe(false);
    await server().stop();
    expect(await a.record("thread-outage", 600_000)).toBe(true);
    // This process knows it meanwhile.
    expect(await a.claimed("thread-outage")).toBe(true);
    await server().start();
    await expect.poll(() => b.claimed("thread-outage"), { timeout: 10_000, interval: 100 }).toBe(true);
  });
});
