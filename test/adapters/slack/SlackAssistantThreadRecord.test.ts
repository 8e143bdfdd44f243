/**
 * An assistant thread's record in Redis lives as long as conversations (`memory.ttlSeconds`) and
 * is renewed by each message, so a thread whose first turn stored nothing ("help") is still an
 * assistant thread days later, for every process; and its title is set once.
 */
import { createClient } from "@keyv/redis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { dropNamespace, requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { assistantHarness } from "./assistantHarness.js";

const redisUp = await requireRedis();
const namespace = uniqueNamespace("slack-record");
let h: Awaited<ReturnType<typeof assistantHarness>> | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});
afterAll(() => dropNamespace(namespace));

describe.skipIf(!redisUp)("Assistant thread record", () => {
  it("lives as long as conversations and is renewed by each message of the thread", async () => {
    h = await assistantHarness({ namespace });
    const ttlMs = loadConfig({ env: { MODEL_GPU: "off" } }).memory.ttlSeconds * 1000;
    const started = h.fake.assistantThreadStarted({ channel: "D0RC001" });
    const thread = started.event.assistant_thread.thread_ts as string;
    await h.fake.send("events_api", started);
    // "help" is answered without storing a conversation turn.
    await h.fake.send("events_api", h.fake.assistantMessage("help", thread, { channel: "D0RC001" }));
    await expect.poll(() => h!.callsIn("D0RC001").filter((c) => c.method === "chat.postMessage").length, { timeout: 8000 }).toBe(2);

    const redis = createClient({ url: SHARED_REDIS_URL });
    await redis.connect();
    try {
      const keys = await redis.keys(`${namespace}:*assistant-thread*${thread}`);
      expect(keys).toHaveLength(1);
      expect(await redis.pTTL(keys[0]!)).toBeGreaterThan(ttlMs - 60_000);
      // A day and more later (its TTL nearly run out), the person writes again: the record is renewed.
      await redis.pExpire(keys[0]!, 5_000);
      await h.fake.send("events_api", h.fake.assistantMessage("similar to Mario Kart", thread, { channel: "D0RC001" }));
      await expect.poll(() => h!.finalAnswers("D0RC001").length, { timeout: 8000 }).toBe(1);
      expect(await redis.pTTL(keys[0]!)).toBeGreaterThan(ttlMs - 60_000);
    } finally {
      redis.destroy();
    }
  });

  it("the thread is named by its first request only, even when that request stored nothing", async () => {
    h = await assistantHarness({ namespace });
    const started = h.fake.assistantThreadStarted({ channel: "D0RC002" });
    const thread = started.event.assistant_thread.thread_ts as string;
    await h.fake.send("events_api", started);
    await h.fake.send("events_api", h.fake.assistantMessage("help", thread, { channel: "D0RC002" }));
    await expect.poll(() => h!.fake.assistantThread("D0RC002", thread)?.title, { timeout: 8000 }).toBe("help");
    await h.fake.send("events_api", h.fake.assistantMessage("similar to Mario Kart", thread, { channel: "D0RC002" }));
    await expect.poll(() => h!.finalAnswers("D0RC002").length, { timeout: 8000 }).toBe(1);
    expect(h.fake.assistantThread("D0RC002", thread)?.title).toBe("help");
    expect(h.callsIn("D0RC002").filter((c) => c.method === "assistant.threads.setTitle")).toHaveLength(1);
  });
});
