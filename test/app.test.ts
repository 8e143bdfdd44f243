import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FakeDiscord } from "./support/fakes/FakeDiscord.js";
import { FakeSlack } from "./support/fakes/FakeSlack.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "./support/redis.js";
import { startSidbot } from "./support/sidbotProcess.js";

const preload = (name: string) => fileURLToPath(new URL(`./support/preload/${name}`, import.meta.url));
const redis = await requireRedis();
const fakes: { stop(): Promise<void> }[] = [];
let startupDir: string | undefined;
afterAll(async () => {
  for (const f of fakes) await f.stop();
});
async function discord() {
  const fake = new FakeDiscord();
  await fake.start();
  fakes.push(fake);
  return fake;
}
async function similar(fake: FakeDiscord, game: string) {
  const interaction = fake.commandInteraction("similar", [{ name: "game", type: 3, value: game }]);
  fake.dispatch("INTERACTION_CREATE", interaction);
  return fake.waitFor((r) => r.method === "PATCH" && r.path.includes(interaction.token) && r.body.embeds?.length > 0);
}

describe("sidbot process: failures that are not one request's", () => {
  it("logs an unhandled rejection as JSON with its stack and keeps serving", async () => {
    const fake = await discord();
    const bot = startSidbot({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl }, { preload: preload("rejectOnce.mjs") });
    await bot.waitForLog((l) => l.msg === "connected to Discord");
    bot.child.kill("SIGUSR2");
    const logged = await bot.waitForLog((l) => /unhandled promise rejection/.test(String(l.msg)));
    expect(logged.level).toBe(50);
    expect(String(logged.stack)).toMatch(/test: a rejection nobody handled\n\s+at /);
    const edit = await similar(fake, "Halo 3");
    expect(edit.body.embeds[0].description).toContain("Halo Reach");
    const since = Date.now();
    bot.child.kill("SIGTERM");
    expect(await bot.exited(since)).toMatchObject({ code: 0 });
  });

  it("survives the malformed events a real Discord-compatible server sent, and keeps answering", async () => {
    const fake = await discord();
    const bot = startSidbot({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl });
    await bot.waitForLog((l) => l.msg === "connected to Discord");
    // A button on a message whose `thread` is null, the same interaction twice, one with only channel_id, a message without author.
    const click = fake.buttonInteraction("sidbot:more:0", fake.botMessage(fake.channelId, { thread: null }));
    fake.dispatch("INTERACTION_CREATE", click, 2);
    const { channel: _omitted, ...bare } = fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Mario Kart" }]);
    fake.dispatch("INTERACTION_CREATE", bare);
    fake.dispatch("MESSAGE_CREATE", { ...fake.message("similar to Halo 3", { mentionBot: true }), author: null });
    await fake.waitFor((r) => r.method === "PATCH" && r.path.includes(click.token));
    await fake.waitFor((r) => r.method === "PATCH" && r.path.includes(bare.token) && r.body.embeds?.length > 0);
    expect((await similar(fake, "Halo 3")).body.embeds[0].description).toContain("Halo Reach");
    expect(fake.requests.filter((r) => r.path === `/interactions/${click.id}/${click.token}/callback`)).toHaveLength(1);
    expect(bot.child.exitCode).toBeNull();
    expect(bot.logs().some((l) => l.msg === "malformed gateway event dropped")).toBe(true);
    bot.child.kill("SIGTERM");
    expect((await bot.exited()).code).toBe(0);
  });

  it.runIf(redis)("on an uncaught exception: a fatal log line, the orderly shutdown (memory written), exit code 1", async () => {
    const fake = await discord();
    const namespace = uniqueNamespace("fatal");
    const bot = startSidbot(
      { DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, REDIS_URL: SHARED_REDIS_URL, MEMORY_NAMESPACE: namespace },
      { preload: preload("throwOnce.mjs") },
    );
    await bot.waitForLog((l) => l.msg === "connected to Discord");
    await similar(fake, "Halo 3");
    bot.child.kill("SIGUSR2");
    const exit = await bot.exited();
    expect(exit.code).toBe(1);
    const fatal = bot.logs().find((l) => l.level === 60);
    expect(fatal?.msg).toMatch(/uncaught exception/);
    expect(String(fatal?.stack)).toMatch(/test: an exception nobody caught/);
    expect(bot.logs().some((l) => l.msg === "stopped")).toBe(true);
    const { RedisMemoryStore } = await import("../src/bot/memory/RedisMemoryStore.js");
    const memory = new RedisMemoryStore({ url: SHARED_REDIS_URL, namespace, ttlMs: 60_000, maxTurns: 40 });
    expect((await memory.get(`discord:channel:${fake.channelId}`))?.turns).toHaveLength(2);
    await memory.close();
  });

  it("exits 1 with one line naming DISCORD_TOKEN when Discord refuses the token, stopping Slack too", async () => {
    const fake = await discord();
    const slack = new FakeSlack();
    await slack.start();
    fakes.push(slack);
    const since = Date.now();
    const bot = startSidbot({
      DISCORD_TOKEN: "wrong-token",
      DISCORD_API_URL: fake.apiUrl,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
    });
    const exit = await bot.exited(since);
    expect(exit.code).toBe(1);
    // Slack's connection does not keep the process alive (it took 31 s before).
    expect(exit.afterMs).toBeLessThan(10_000);
    const lines = bot
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("sidbot:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DISCORD_TOKEN/);
  });

  it("a SIGTERM while the catalog is still loading stops the start-up in order: logged, exit 0", async () => {
    const { writeFixtureCatalog } = await import("./support/catalogs.js");
    const { tempDir } = await import("./support/tempDir.js");
    const fake = await discord();
    startupDir ??= tempDir();
    const catalog = writeFixtureCatalog(startupDir, 150_000);
    const bot = startSidbot({ DISCORD_TOKEN: fake.token, DISCORD_API_URL: fake.apiUrl, CATALOG_PATH: catalog });
    await bot.waitForLog((l) => l.msg === "starting");
    const since = Date.now();
    bot.child.kill("SIGTERM");
    const exit = await bot.exited(since);
    expect(exit.code).toBe(0);
    expect(bot.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped before serving"]));
    expect(bot.logs().some((l) => l.msg === "connected to Discord")).toBe(false);
  });

  it("the first SIGTERM ends the process promptly even while a platform is still connecting", async () => {
    const fake = await discord();
    // Slack's API answers nothing useful here: the adapter is still starting when the signal comes.
    const bot = startSidbot({
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      SLACK_BOT_TOKEN: "xoxb-x",
      SLACK_APP_TOKEN: "xapp-x",
      SLACK_API_URL: "http://127.0.0.1:9/api/",
    });
    await bot.waitForLog((l) => l.msg === "connected to Discord");
    const since = Date.now();
    bot.child.kill("SIGTERM");
    const exit = await bot.exited(since);
    expect(exit.code).not.toBeNull();
    expect(exit.afterMs).toBeLessThan(10_000 + 5_000);
  });
});

describe.runIf(redis)("SIGTERM during a generation", () => {
  async function scenario({ graceMs, releaseAfterMs }: { graceMs: number; releaseAfterMs: number | undefined }) {
    const { EventEmitter } = await import("node:events");
    const { DiscordAdapter } = await import("../src/adapters/discord/DiscordAdapter.js");
    const { createRuntime, runUntilStopped } = await import("../src/app.js");
    const { ProcessLifecycle } = await import("../src/ops/ProcessLifecycle.js");
    const { loadConfig } = await import("../src/config.js");
    const { silentLogger } = await import("../src/util/logger.js");
    const { RedisMemoryStore } = await import("../src/bot/memory/RedisMemoryStore.js");
    const fake = await discord();
    const namespace = uniqueNamespace("sigterm");
    const config = loadConfig({ env: { MEMORY_NAMESPACE: namespace } });
    config.limits.shutdownGraceMs = graceMs;
    const runtime = await createRuntime(config, { redisUrl: SHARED_REDIS_URL }, silentLogger);
    // A generation that takes as long as the test says, and stops when cancelled.
    const run = runtime.engine.run.bind(runtime.engine);
    let started!: () => void;
    const generating = new Promise<void>((r) => (started = r));
    runtime.engine.run = async (task, options = {}) => {
      started();
      await new Promise<void>((resolve, reject) => {
        if (releaseAfterMs !== undefined) setTimeout(resolve, releaseAfterMs);
        options.signal?.addEventListener("abort", () => reject(options.signal!.reason), { once: true });
      });
      return run(task, options);
    };
    const adapter = new DiscordAdapter({ bot: runtime.bot, token: fake.token, apiUrl: fake.apiUrl, settings: config.discord });
    const proc = Object.assign(new EventEmitter(), { exit: () => undefined }) as unknown as NodeJS.Process;
    const lifecycle = new ProcessLifecycle({ logger: silentLogger, stopBudgetMs: 30_000, proc });
    const running = runUntilStopped([adapter], runtime, silentLogger, lifecycle);
    await fake.ready();
    const interaction = fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    fake.dispatch("INTERACTION_CREATE", interaction);
    await generating;
    proc.emit("SIGTERM", "SIGTERM");
    const code = await running;
    const edits = fake.requests.filter((r) => r.method === "PATCH" && r.path.includes(interaction.token));
    const memory = new RedisMemoryStore({ url: SHARED_REDIS_URL, namespace, ttlMs: 60_000, maxTurns: 40 });
    const state = await memory.get(`discord:channel:${fake.channelId}`);
    await memory.close();
    return { code, last: edits.at(-1)?.body, state };
  }

  it("a generation that finishes within the grace: the answer is delivered and the whole exchange stored", async () => {
    const { code, last, state } = await scenario({ graceMs: 3000, releaseAfterMs: 300 });
    expect(code).toBe(0);
    expect(last?.embeds?.[0]?.description).toContain("Halo Reach");
    expect(state?.turns).toHaveLength(2);
  });

  it("a generation that overruns the grace: the person gets the restarting reply and nothing half-stored", async () => {
    const { code, last, state } = await scenario({ graceMs: 300, releaseAfterMs: undefined });
    expect(code).toBe(0);
    expect(last?.content).toMatch(/restarting/);
    expect(state).toBeUndefined();
  });
});

describe("a stop that lands before the adapters start (review finding: the lazy-import gap)", () => {
  it("runUntilStopped with an already stopping lifecycle stops in order at once, also with a console whose input never ends", async () => {
    const { EventEmitter } = await import("node:events");
    const { PassThrough } = await import("node:stream");
    const { ConsoleAdapter } = await import("../src/adapters/console/ConsoleAdapter.js");
    const { createRuntime, runUntilStopped } = await import("../src/app.js");
    const { ProcessLifecycle } = await import("../src/ops/ProcessLifecycle.js");
    const { loadConfig } = await import("../src/config.js");
    const { silentLogger } = await import("../src/util/logger.js");
    const runtime = await createRuntime(loadConfig({ env: {} }), {}, silentLogger);
    const proc = Object.assign(new EventEmitter(), { exit: () => undefined }) as unknown as NodeJS.Process;
    const lifecycle = new ProcessLifecycle({ logger: silentLogger, stopBudgetMs: 30_000, proc });
    proc.emit("SIGTERM", "SIGTERM");
    expect(lifecycle.stopping.aborted).toBe(true);
    const input = new PassThrough(); // stays open, like a terminal nobody types into
    const adapter = new ConsoleAdapter({ bot: runtime.bot, input, output: new PassThrough() });
    const outcome = await Promise.race([
      runUntilStopped([adapter], runtime, silentLogger, lifecycle),
      new Promise((resolve) => setTimeout(resolve, 10_000, "still running")),
    ]);
    expect(outcome).toBe(0);
  });
});
