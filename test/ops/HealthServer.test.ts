import { afterAll, describe, expect, it, vi } from "vitest";
import { createRuntime, type Runtime } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/util/logger.js";
import { say } from "../support/bots.js";
import { freePort, PrivateRedis, requireRedis } from "../support/redis.js";
import { tempDir } from "../support/tempDir.js";

const runtimes: Runtime[] = [];
afterAll(async () => {
  for (const r of runtimes) await r.dispose();
});
const redis = await requireRedis();

describe("health and metrics", () => {
  it("serves /healthz, /readyz and Prometheus /metrics", async () => {
    const runtime = await createRuntime(loadConfig({ env: {} }), { healthPort: 0 }, silentLogger);
    runtimes.push(runtime);
    const base = `http://127.0.0.1:${runtime.healthPort}`;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe("ok\n");
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, problems: [] });

    await runtime.bot.handle(say({ platform: "discord", scope: "channel", id: "m" }, "similar to Halo 3"));
    await runtime.bot.handle(say({ platform: "slack", scope: "channel", id: "m" }, "/reset"));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/sidbot_requests_total\{platform="discord",kind="text",outcome="answer"\} 1/);
    expect(metrics).toMatch(/sidbot_requests_total\{platform="slack",kind="text",outcome="reset"\} 1/);
    expect(metrics).toMatch(/sidbot_generation_seconds_count\{backend="catalog"\} 1/);
    expect(metrics).toMatch(/sidbot_queue_depth 0/);
    expect(metrics).toMatch(/sidbot_fallback_answers_total/);
    expect(metrics).toMatch(/sidbot_process_resident_memory_bytes/);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it.runIf(redis)("reports not ready while Redis is unreachable, and counts Redis errors", async () => {
    const server = new PrivateRedis(await freePort(), tempDir("sidbot-redis-health-"));
    await server.start();
    const runtime = await createRuntime(loadConfig({ env: {} }), { healthPort: 0, redisUrl: server.url }, silentLogger);
    runtimes.push(runtime);
    const base = `http://127.0.0.1:${runtime.healthPort}`;
    await runtime.bot.handle(say({ platform: "discord", scope: "channel", id: "r" }, "similar to Halo 3"));
    await server.stop();
    await runtime.bot.handle(say({ platform: "discord", scope: "channel", id: "r" }, "more like #1"));
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { problems: string[] }).problems[0]).toMatch(/Redis unreachable/);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/sidbot_redis_errors_total [1-9]/);
    await server.start();
  });
});

describe("graceful shutdown", () => {
  it("lets running requests finish and refuses new ones politely", async () => {
    const config = loadConfig({ env: {} });
    config.limits.shutdownGraceMs = 2000;
    const runtime = await createRuntime(config, {}, silentLogger);
    // A slow engine: the answer takes 300 ms.
    const run = runtime.engine.run.bind(runtime.engine);
    let started = false;
    runtime.engine.run = async (...args) => {
      started = true;
      await new Promise((r) => setTimeout(r, 300));
      return run(...args);
    };
    const running = runtime.bot.handle(say({ platform: "console", scope: "dm", id: "s" }, "similar to Halo 3"));
    await vi.waitFor(() => expect(started).toBe(true));
    const disposing = runtime.dispose();
    const refused = await runtime.bot.handle(say({ platform: "console", scope: "dm", id: "s2" }, "similar to Halo 3"));
    expect(refused).toMatchObject({ kind: "busy", text: expect.stringMatching(/restarting/) });
    expect((await running).kind).toBe("answer");
    await disposing;
  });

  it("cancels requests that outlast the grace period with a polite reply", async () => {
    const config = loadConfig({ env: {} });
    config.limits.shutdownGraceMs = 100;
    const runtime = await createRuntime(config, {}, silentLogger);
    let started = false;
    runtime.engine.run = (_task, options) => {
      started = true;
      return new Promise((_resolve, reject) =>
        options?.signal?.addEventListener("abort", () => reject(options.signal!.reason), { once: true }),
      );
    };
    const running = runtime.bot.handle(say({ platform: "console", scope: "dm", id: "c" }, "similar to Halo 3"));
    await vi.waitFor(() => expect(started).toBe(true));
    await runtime.dispose();
    expect(await running).toMatchObject({ kind: "busy", text: expect.stringMatching(/restarting/) });
  });
});
