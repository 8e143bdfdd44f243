/** A released claim can be claimed again (what it stood for did not happen), in both stores. */
import { describe, expect, it } from "vitest";
import { InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import type { MemoryStore } from "../../../src/bot/memory/MemoryStore.js";
import { redisStores } from "../../support/memoryStores.js";
import { requireRedis, uniqueNamespace } from "../../support/redis.js";

const redisStore = redisStores();
const redis = await requireRedis();

async function claimReleaseClaim(s: MemoryStore): Promise<boolean[]> {
  const results = [await s.record("share:1", 60_000), await s.record("share:1", 60_000)];
  await s.release("share:1");
  results.push(await s.claimed("share:1"), await s.record("share:1", 60_000));
  return results;
}

describe("release", () => {
  it("in process", async () => {
    expect(await claimReleaseClaim(new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 10 }))).toEqual([true, false, false, true]);
  });

  it.runIf(redis)("in Redis, seen by another process", async () => {
    const namespace = uniqueNamespace("release");
    const a = redisStore({ namespace });
    await a.record("share:1", 60_000);
    await a.release("share:1");
    expect(await redisStore({ namespace }).claimed("share:1")).toBe(false);
    expect(await claimReleaseClaim(redisStore({ namespace: uniqueNamespace("release") }))).toEqual([true, false, false, true]);
  });
});
