import { afterAll, describe, expect, it } from "vitest";
import { RedisMemoryStore } from "../../src/bot/memory/RedisMemoryStore.js";
import { loadConfig } from "../../src/config.js";
import { openCatalog } from "../../src/engine/catalog/openCatalog.js";
import { FakeDiscord } from "../support/fakes/FakeDiscord.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../support/redis.js";
import { startSidbot, type SidbotProcess } from "../support/sidbotProcess.js";

const redis = await requireRedis();
const fake = new FakeDiscord();
await fake.start();
const processes: SidbotProcess[] = [];
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await fake.stop();
});

describe.runIf(redis)("two sidbot processes on one Redis (the built CLI, real discord.js, fake Discord)", () => {
  it("answer interleaved messages of one thread: every turn kept, in order; a redelivered message answered once", async () => {
    const namespace = uniqueNamespace("two-processes");
    const env = { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, REDIS_URL: SHARED_REDIS_URL, MEMORY_NAMESPACE: namespace };
    for (let i = 0; i < 2; i++) {
      const p = startSidbot(env);
      processes.push(p);
      await p.waitForLog((l) => l.msg === "connected to Discord");
    }
    const posts = (threadId: string) =>
      fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${threadId}/messages` && r.body.embeds?.length > 0);

    // A mention to process 0 opens the thread.
    const mention = fake.message("similar to Halo 3", { mentionBot: true });
    fake.dispatchTo(0, "MESSAGE_CREATE", mention);
    await fake.waitFor((r) => r.method === "POST" && r.path === `/channels/${fake.channelId}/messages/${mention.id}/threads`);
    const threadId = fake.threadsByMessage.get(mention.id)!;
    await fake.waitFor(() => posts(threadId).length === 1);

    // Follow-ups alternate between the processes, each waiting for its answer.
    const games = ["Mario Kart", "Forza Motorsport 2", "Nintendogs", "Tales of Vesperia"];
    for (const [i, game] of games.entries()) {
      fake.dispatchTo((i + 1) % 2, "MESSAGE_CREATE", fake.message(`similar to ${game}`, { channelId: threadId }));
      await fake.waitFor(() => posts(threadId).length === i + 2, 15_000);
    }
    // Two at once, one to each process.
    fake.dispatchTo(0, "MESSAGE_CREATE", fake.message("similar to Need for Speed Carbon", { channelId: threadId }));
    fake.dispatchTo(1, "MESSAGE_CREATE", fake.message("similar to Crazy Taxi", { channelId: threadId }));
    await fake.waitFor(() => posts(threadId).length === 7, 15_000);
    // The same message delivered to both processes is answered by one of them.
    fake.dispatch("MESSAGE_CREATE", fake.message("similar to NASCAR", { channelId: threadId }));
    await fake.waitFor(() => posts(threadId).length === 8, 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(posts(threadId)).toHaveLength(8);

    const memory = new RedisMemoryStore({ url: SHARED_REDIS_URL, namespace, ttlMs: 60_000, maxTurns: 40 });
    const state = await memory.get(`discord:thread:${threadId}`);
    await memory.close();
    // Each question names its game by SID (as the model reads it): back to titles.
    const { catalog } = await openCatalog(loadConfig({ env: {} }));
    const asked = state!.turns
      .filter((t) => t.role === "user")
      .map((t) => t.parts.map((p) => ("sid" in p ? catalog.get(p.sid)?.title : "")).join(""));
    expect(asked).toHaveLength(8);
    // The sequential part is in the order it was asked.
    const order = ["Halo 3", "Mario Kart", "Forza", "Nintendogs", "Vesperia"].map((w) => asked.findIndex((a) => a.includes(w)));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    for (const p of processes) p.child.kill("SIGTERM");
    for (const p of processes) expect((await p.exited()).code).toBe(0);
  });
});
