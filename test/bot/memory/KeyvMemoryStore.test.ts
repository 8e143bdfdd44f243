import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyvMemoryStore } from "../../../src/bot/memory/KeyvMemoryStore.js";
import { emptyState, type ConversationState } from "../../../src/bot/memory/MemoryStore.js";
import type { Logger } from "../../../src/util/logger.js";
import { freePort, PrivateRedis, requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { tempDir } from "../../support/tempDir.js";

const stores: KeyvMemoryStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
});
function store(options: Partial<ConstructorParameters<typeof KeyvMemoryStore>[0]> & { namespace: string }) {
  const s = new KeyvMemoryStore({ redisUrl: SHARED_REDIS_URL, ttlMs: 60_000, ...options });
  stores.push(s);
  return s;
}
const state = (text: string): ConversationState => ({ ...emptyState(), turns: [{ role: "user", parts: [{ text }] }] });

function recordingLogger() {
  const lines: { level: string; message: string | undefined }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: (_f, message) => lines.push({ level: "info", message }),
    warn: (_f, message) => lines.push({ level: "warn", message }),
    error: (_f, message) => lines.push({ level: "error", message }),
    child: () => logger,
  };
  return { logger, lines };
}

const redis = await requireRedis();

describe.runIf(redis)("KeyvMemoryStore on a real Redis", () => {
  it("keeps a conversation across store instances (a bot restart)", async () => {
    const namespace = uniqueNamespace("persist");
    await store({ namespace }).set("discord:thread:1", state("hello"));
    expect(await store({ namespace }).get("discord:thread:1")).toMatchObject({ turns: [{ parts: [{ text: "hello" }] }] });
  });

  it("keeps conversations apart by key and by namespace", async () => {
    const namespace = uniqueNamespace("isolation");
    const s = store({ namespace });
    await s.set("discord:channel:1", state("channel"));
    await s.set("discord:thread:2", state("thread"));
    expect((await s.get("discord:channel:1"))?.turns[0]?.parts).toEqual([{ text: "channel" }]);
    expect((await s.get("discord:thread:2"))?.turns[0]?.parts).toEqual([{ text: "thread" }]);
    expect(await store({ namespace: uniqueNamespace("other") }).get("discord:channel:1")).toBeUndefined();
  });

  it("forgets a conversation after its TTL", async () => {
    const s = store({ namespace: uniqueNamespace("ttl"), ttlMs: 300 });
    await s.set("c", state("short-lived"));
    expect(await s.get("c")).toBeDefined();
    await new Promise((r) => setTimeout(r, 700));
    expect(await s.get("c")).toBeUndefined();
  });

  it("deletes one conversation", async () => {
    const s = store({ namespace: uniqueNamespace("delete") });
    await s.set("a", state("a"));
    await s.set("b", state("b"));
    await s.delete("a");
    expect(await s.get("a")).toBeUndefined();
    expect(await s.get("b")).toBeDefined();
  });
});

describe.runIf(redis)("KeyvMemoryStore when Redis goes away", () => {
  const dir = tempDir("sidbot-redis-");
  let server: PrivateRedis;
  beforeAll(async () => {
    server = new PrivateRedis(await freePort(), dir);
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("answers without failing during an outage, warns once, and loses nothing", async () => {
    const { logger, lines } = recordingLogger();
    const namespace = uniqueNamespace("outage");
    const s = new KeyvMemoryStore({ redisUrl: server.url, namespace, ttlMs: 60_000, operationTimeoutMs: 300, logger });
    stores.push(s);
    await s.set("stored-before", state("before"));
    await server.stop();

    expect(await s.get("never-stored")).toBeUndefined(); // no throw
    await s.set("written-during", state("during"));
    expect(s.degraded).toBe(true);
    expect(await s.get("written-during")).toMatchObject({ turns: [{ parts: [{ text: "during" }] }] }); // kept in-process
    await s.get("stored-before");
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(1);

    await server.start();
    // The next call reconnects, flushes what was written meanwhile, and reads Redis again.
    await new Promise((r) => setTimeout(r, 300));
    expect(await s.get("stored-before")).toMatchObject({ turns: [{ parts: [{ text: "before" }] }] });
    expect(s.degraded).toBe(false);
    expect(lines.some((l) => l.level === "info" && /reachable again/.test(l.message ?? ""))).toBe(true);

    const fresh = new KeyvMemoryStore({ redisUrl: server.url, namespace, ttlMs: 60_000 });
    stores.push(fresh);
    expect(await fresh.get("written-during")).toMatchObject({ turns: [{ parts: [{ text: "during" }] }] });
    expect(await fresh.get("stored-before")).toMatchObject({ turns: [{ parts: [{ text: "before" }] }] });
  });
});

describe("KeyvMemoryStore without Redis", () => {
  it("keeps memory in-process", async () => {
    const s = new KeyvMemoryStore({ ttlMs: 60_000 });
    await s.set("x", state("in memory"));
    expect(await s.get("x")).toMatchObject({ turns: [{ parts: [{ text: "in memory" }] }] });
    expect(s.degraded).toBe(false);
    await s.close();
  });
});
