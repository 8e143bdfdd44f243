import { afterAll, describe, expect, it } from "vitest";
import { InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import type { MemoryStore } from "../../../src/bot/memory/MemoryStore.js";
import { RedisMemoryStore } from "../../../src/bot/memory/RedisMemoryStore.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";

const redis = await requireRedis();
const stores: MemoryStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});

const kinds: [string, () => MemoryStore][] = [
  ["in-process", () => new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 10 })],
  ...(redis
    ? ([
        [
          "redis",
          () => new RedisMemoryStore({ url: SHARED_REDIS_URL, namespace: uniqueNamespace("claimed"), ttlMs: 60_000, maxTurns: 10 }),
        ],
      ] as [string, () => MemoryStore][])
    : []),
];

describe.each(kinds)("claimed (%s)", (_kind, create) => {
  it("tells whether an id was claimed, without claiming it", async () => {
    const store = create();
    stores.push(store);
    expect(await store.claimed("event-1")).toBe(false);
    // Asking did not record it: the first delivery is still first.
    expect(await store.claim("event-1", 60_000)).toBe(true);
    expect(await store.claimed("event-1")).toBe(true);
    expect(await store.claim("event-1", 60_000)).toBe(false);
  });
});
