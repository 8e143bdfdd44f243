/**
 * Bots in engine.mode "remote" against real `sidbot worker` processes (the built CLI, the
 * fixture model) on a real Redis: answers, streaming, cancel, stale and foreign jobs, a killed
 * worker, no worker, a full queue and a Redis restart.
 */
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "../../../src/bot/Bot.js";
import { InProcessMemoryStore } from "../../../src/bot/memory/InProcessMemoryStore.js";
import { loadConfig, type Config } from "../../../src/config.js";
import { EngineBusyError } from "../../../src/errors.js";
import { catalogFingerprint } from "../../../src/engine/catalog/catalogFingerprint.js";
import { Engine, NO_WORKER, WORKERS_UNREACHABLE } from "../../../src/engine/Engine.js";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import type { Task } from "../../../src/engine/types.js";
import type { RemoteModelBackend } from "../../../src/engine/remote/RemoteModelBackend.js";
import { jobQueueName, queuePrefix, REFUSED_CATALOG, REFUSED_STALE, type GenerationJob } from "../../../src/engine/remote/remoteJobs.js";
import { WorkerRegistry } from "../../../src/engine/remote/WorkerRegistry.js";
import { Metrics } from "../../../src/ops/Metrics.js";
import { writeFixtureCatalog } from "../../support/catalogs.js";
import { fixtureModel } from "../../support/models.js";
import { freePort, hasRedisServer, PrivateRedis, requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { startSidbot, type SidbotProcess } from "../../support/sidbotProcess.js";
import { tempDir } from "../../support/tempDir.js";

const redis = await requireRedis();
const dir = tempDir();
const processes: SidbotProcess[] = [];
const engines: Engine[] = [];
let modelPath = "";

beforeAll(async () => {
  modelPath = await fixtureModel(dir);
});
afterAll(async () => {
  for (const engine of engines) await engine.dispose();
  for (const p of processes) if (p.child.exitCode === null) p.child.kill("SIGKILL");
});

function startWorker(namespace: string, env: Record<string, string> = {}, url = SHARED_REDIS_URL, preload?: string): SidbotProcess {
  const p = startSidbot(
    { REDIS_URL: url, MEMORY_NAMESPACE: namespace, MODEL_PATH: modelPath, ...env },
    { args: ["worker"], ...(preload ? { preload } : {}) },
  );
  processes.push(p);
  return p;
}

async function workerReady(p: SidbotProcess): Promise<string> {
  return (await p.waitForLog((l) => l.msg === "model worker ready", 30_000)).id as string;
}

function remoteConfig(namespace: string, change?: (c: Config) => void): Config {
  const config = loadConfig({ env: { MEMORY_NAMESPACE: namespace, ENGINE_MODE: "remote" } });
  config.model.maxTokens = 64;
  change?.(config);
  return config;
}

async function remoteEngine(
  namespace: string,
  {
    url = SHARED_REDIS_URL,
    metrics = new Metrics({ defaultMetrics: false }),
    change,
  }: { url?: string; metrics?: Metrics; change?: (c: Config) => void } = {},
) {
  const config = remoteConfig(namespace, change);
  const engine = await Engine.create(config, { redisUrl: url, metrics });
  engines.push(engine);
  return { engine, config, metrics, remote: engine.modelBackend as RemoteModelBackend };
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `child` in slices of 60 ms every 310 ms until `done()`, then lets it run freely. */
async function throttled<T>(p: SidbotProcess, work: Promise<T>, done: () => boolean): Promise<T> {
  while (!done() && p.child.exitCode === null) {
    p.child.kill("SIGSTOP");
    await new Promise((r) => setTimeout(r, 250));
    p.child.kill("SIGCONT");
    await new Promise((r) => setTimeout(r, 60));
  }
  return work;
}

async function fallbacks(metrics: Metrics, reason: string): Promise<number> {
  const values = (await metrics.fallbacks.get()).values;
  return values.filter((v) => v.labels.reason === reason).reduce((n, v) => n + v.value, 0);
}

describe.runIf(redis)("remote model workers (BullMQ)", () => {
  it("answers through a worker with catalog items, streams text, and /readyz lists the worker", async () => {
    const namespace = uniqueNamespace("remote-answer");
    const worker = startWorker(namespace);
    const id = await workerReady(worker);
    const { engine, remote } = await remoteEngine(namespace);
    await until(() => remote.available);
    expect(remote.readiness()).toMatchObject({ workers: { available: 1, ids: [id], sequences: 2 } });

    const items = engine.catalog.catalog.items;
    const streamed: string[] = [];
    const answer = await engine.run(
      { kind: "explain", items: [items[5]!] },
      { onText: (t) => streamed.push(t), requestId: "req-explain-1" },
    );
    expect(answer.backend).toBe("llama");
    expect(answer.notices).toEqual([]);
    for (const item of answer.items) expect(engine.catalog.catalog.get(item.sid)?.title).toBe(item.title);
    // What the model wrote arrived as progress events before the answer.
    expect(streamed.join("").length).toBeGreaterThan(0);

    const list = await engine.run({ kind: "similar", items: [items[2]!], k: 3 });
    expect(list.backend).toBe("llama");
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.map((i) => i.sid)).not.toContain(items[2]!.sid);

    const ranked = await engine.run({ kind: "similar", items: [items[2]!], k: 3, ranked: true });
    expect(ranked.backend).toBe("llama");
    expect(ranked.items).toHaveLength(3);
    expect(ranked.items.every((i) => typeof i.score === "number")).toBe(true);
    worker.child.kill("SIGTERM");
    expect((await worker.exited()).code).toBe(0);
  }, 60_000);

  it("with no worker running, answers from the catalog at once, says so, counts it, and stays ready", async () => {
    const namespace = uniqueNamespace("remote-none");
    const { engine, remote, metrics } = await remoteEngine(namespace, { change: (c) => (c.model.timeoutMs = 600_000) });
    expect(remote.available).toBe(false);
    const answer = await engine.run({ kind: "similar", items: [engine.catalog.catalog.items[0]!] });
    expect(answer.backend).toBe("catalog");
    expect(answer.notices).toContain(NO_WORKER);
    expect(answer.items.length).toBeGreaterThan(0);
    expect(await fallbacks(metrics, "no-worker")).toBe(1);
    expect(remote.readiness()).toMatchObject({ workers: { available: 0, note: expect.stringContaining("no model worker") } });
  });

  it("streams the titles of SIDs the model writes inside its text (workers hold SID codes, not titles)", async () => {
    const namespace = uniqueNamespace("remote-sid-text");
    await workerReady(startWorker(namespace));
    // Hot sampling: the random fixture model then opens SIDs inside its text now and then.
    const { engine, remote } = await remoteEngine(namespace, {
      change: (c) => Object.assign(c.model, { temperature: 1.2, maxTokens: 128 }),
    });
    await until(() => remote.available);
    const items = engine.catalog.catalog.items;
    let inText = 0;
    for (let seed = 0; seed < 40 && inText < 2; seed++) {
      const task: Task =
        seed % 2
          ? { kind: "explain", items: [items[seed % items.length]!] }
          : { kind: "bundle", items: [items[seed % items.length]!, items[(seed * 7 + 3) % items.length]!] };
      const streamed: string[] = [];
      const answer = await engine.run(task, { seed, onText: (t) => streamed.push(t) });
      if (answer.backend !== "llama") continue;
      // SIDs after the requested list were opened by the model inside its text.
      for (const item of answer.items.slice(buildUserTurn(task).plan.sids)) {
        inText++;
        expect(streamed.join("")).toContain(`"${item.title}"`);
      }
      expect(streamed.join("")).not.toContain('""');
    }
    expect(inText).toBeGreaterThan(0);
  });

  it("a worker killed mid-generation: the request is answered once, from the catalog, labelled " +
    "worker-crash; the job never runs again", async () => {
    const namespace = uniqueNamespace("remote-kill");
    const victim = startWorker(namespace);
    const victimId = await workerReady(victim);
    const { engine, remote, metrics } = await remoteEngine(namespace, { change: (c) => (c.model.maxTokens = 256) });
    await until(() => remote.available);
    const events = new QueueEvents(jobQueueName("sidbot-generate", catalogFingerprint(engine.catalog.catalog)), {
      connection: new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: queuePrefix(namespace),
    });
    await events.waitUntilReady();
    // Freeze the worker as soon as it holds the job (so it cannot finish), then kill it.
    const taken = new Promise<void>((resolve) => events.on("active", () => resolve()));
    const answering = engine.run({ kind: "explain", items: [engine.catalog.catalog.items[3]!] }, { requestId: "req-kill-1" });
    await taken;
    victim.child.kill("SIGSTOP");
    victim.child.kill("SIGKILL");
    const answer = await answering;
    expect(answer.backend).toBe("catalog");
    expect(await fallbacks(metrics, "worker-crash")).toBe(1);
    expect(answer.notices.join(" ")).toMatch(/model had a problem/);
    // A second worker starts: the dead worker's job is not run again (its bot already answered).
    const heir = startWorker(namespace);
    await workerReady(heir);
    const completed: string[] = [];
    events.on("completed", ({ jobId }) => completed.push(jobId));
    await new Promise((r) => setTimeout(r, 2000));
    expect(completed).not.toContain("req-req-kill-1");
    expect(completed).toEqual([]);
    expect(victimId).not.toBe("");
    await events.close();
    heir.child.kill("SIGTERM");
    expect((await heir.exited()).code).toBe(0);
  }, 60_000);

  it("a cancelled request is aborted on its worker; stale and foreign-catalog jobs are refused, not run", async () => {
    const namespace = uniqueNamespace("remote-cancel");
    const worker = startWorker(namespace);
    await workerReady(worker);
    // A long answer: the cancel must reach the worker before it could finish (it runs in slices, see below).
    const { engine, remote } = await remoteEngine(namespace, { change: (c) => (c.model.maxTokens = 2048) });
    await until(() => remote.available);

    // Cancel (a reset, shutdown) while the worker streams: the caller gets its abort, the worker stops.
    const controller = new AbortController();
    const cancelled = engine.run(
      { kind: "explain", items: [engine.catalog.catalog.items[4]!] },
      { signal: controller.signal, onText: () => controller.abort(new Error("reset")), requestId: "req-cancel-1" },
    );
    const rejected = expect(cancelled).rejects.toThrow("reset"); // handled from now on, while the worker runs
    // The worker runs in slices, so on a busy machine it cannot finish all 2048 tokens before the cancel reaches it.
    let cancelSeen = false;
    const cancelLog = worker.waitForLog((l) => l.msg === "job cancelled by the bot" && l.jobId === "req-req-cancel-1", 60_000);
    await throttled(
      worker,
      cancelLog.then(() => {
        cancelSeen = true;
      }),
      () => cancelSeen,
    );
    await rejected;

    // Jobs queued by hand: one past its deadline, one built against another catalog.
    const name = jobQueueName("sidbot-generate", catalogFingerprint(engine.catalog.catalog));
    const queue = new Queue<GenerationJob>(name, {
      connection: new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: queuePrefix(namespace),
    });
    const events = new QueueEvents(name, {
      connection: new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: queuePrefix(namespace),
    });
    await events.waitUntilReady();
    const failed = new Map<string, string>();
    events.on("failed", ({ jobId, failedReason }) => failed.set(jobId, failedReason));
    const base = {
      prompt: { turns: [{ role: "user" as const, parts: [{ text: "hello" }] }], systemPrompt: null, reserveTokens: 64 },
      exclude: [],
      k: 3,
      budgetMs: 60_000,
    };
    await queue.add(
      "rank",
      { kind: "rank", ...base, deadline: Date.now() - 1000, catalog: catalogFingerprint(engine.catalog.catalog) },
      { jobId: "stale-1" },
    );
    await queue.add("rank", { kind: "rank", ...base, deadline: Date.now() + 60_000, catalog: "0000000000000000" }, { jobId: "foreign-1" });
    // A malformed job (a sampler setting llama.cpp would choke on) is refused, not run.
    await queue.add(
      "generate",
      {
        ...base,
        kind: "generate",
        deadline: Date.now() + 60_000,
        catalog: catalogFingerprint(engine.catalog.catalog),
        plan: { sids: 0, text: true },
        sampling: { temperature: "x", topK: -1, topP: 9 },
        maxTokens: 64,
        stream: false,
      } as unknown as GenerationJob,
      { jobId: "malformed-1" },
    );
    await until(() => failed.has("stale-1") && failed.has("foreign-1") && failed.has("malformed-1"));
    expect(failed.get("malformed-1")).toMatch(/^malformed job: sampling\.temperature/);
    expect(failed.get("stale-1")).toBe(REFUSED_STALE);
    expect(failed.get("foreign-1")).toContain(REFUSED_CATALOG);
    await worker.waitForLog((l) => l.msg === "dropping a stale job: nobody waits for its answer any more" && l.jobId === "stale-1");
    await worker.waitForLog((l) => String(l.msg).startsWith("refusing a job built against a different catalog") && l.jobId === "foreign-1");
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    worker.child.kill("SIGTERM");
    expect((await worker.exited()).code).toBe(0);
  }, 60_000);

  it("a worker with another catalog never gets this bot's jobs: every answer comes from the worker with the same catalog", async () => {
    const namespace = uniqueNamespace("remote-foreign");
    const other = startWorker(namespace, { CATALOG_PATH: writeFixtureCatalog(dir, 50) });
    const otherId = await workerReady(other);
    const { engine, remote, metrics } = await remoteEngine(namespace);
    await until(() => (remote.readiness().workers as { otherCatalog?: string[] }).otherCatalog?.includes(otherId) === true);
    expect(remote.available).toBe(false);
    const alone = await engine.run({ kind: "similar", items: [engine.catalog.catalog.items[0]!] });
    expect(alone.backend).toBe("catalog");
    expect(await fallbacks(metrics, "no-worker")).toBe(1);
    const same = startWorker(namespace);
    await workerReady(same);
    await until(() => remote.available);
    const answers = await Promise.all(
      engine.catalog.catalog.items.slice(0, 12).map((item) => engine.run({ kind: "similar", items: [item] })),
    );
    expect(answers.map((a) => a.backend)).toEqual(Array(12).fill("llama"));
    for (const p of [other, same]) p.child.kill("SIGTERM");
    for (const p of [other, same]) expect((await p.exited()).code).toBe(0);
  }, 60_000);

  it("a worker stopped with SIGTERM finishes the answer it is writing; a request aborted at once is never " +
    "queued; odd and repeated request ids work", async () => {
    const namespace = uniqueNamespace("remote-drain");
    const worker = startWorker(namespace);
    await workerReady(worker);
    const { engine, remote, metrics } = await remoteEngine(namespace);
    await until(() => remote.available);
    const user = { role: "user" as const, parts: [{ text: "Name a bundle of games." }] };
    const long = {
      segments: [],
      conversation: { turns: [user], systemPrompt: null, reserveTokens: 3500 },
      plan: { sids: 0, text: true },
      sampling: { temperature: 0.3, topK: 20, topP: 0.7 },
      maxTokens: 3500,
      seed: 19,
    };
    // Snowflake-like ids (BullMQ refuses integer job ids) and the same id twice at once.
    const ids = await Promise.all(
      ["1300000000000000000", "dup", "dup"].map((requestId) => remote.generate({ ...long, maxTokens: 16, requestId })),
    );
    expect(ids).toHaveLength(3);
    // Aborted right after the call: rejected, nothing queued.
    const controller = new AbortController();
    const aborted = remote.generate({ ...long, signal: controller.signal, requestId: "abort-at-once" });
    controller.abort(new Error("reset"));
    await expect(aborted).rejects.toThrow("reset");
    // SIGTERM while a long answer streams: the answer still comes from the model.
    let streamed = false;
    const answering = remote.generate({ ...long, requestId: "drain-1", onText: () => (streamed = true) });
    await until(() => streamed);
    worker.child.kill("SIGTERM");
    // Slow the worker down (CPU time in short slices) so the answer outlasts the bot's next look at
    // the registry: a worker that left it on SIGTERM would be taken for dead.
    let settled = false;
    const answer = await throttled(
      worker,
      answering.finally(() => (settled = true)),
      () => settled,
    );
    expect(answer.text.length).toBeGreaterThan(0);
    expect(await fallbacks(metrics, "worker-crash")).toBe(0);
    expect((await worker.exited()).code).toBe(0);
    // Once it is gone, the bot knows.
    await until(() => !remote.available);
    expect(engine.backend).toBe("catalog");
  }, 60_000);

  it.each([
    ["behind", "-5000"],
    ["ahead", "5000"],
  ])(
    "a worker whose clock is 5 s %s is still seen alive and still runs fresh jobs (3 s budget)",
    async (_where, skew) => {
      const namespace = uniqueNamespace("remote-skew");
      const worker = startWorker(
        namespace,
        { SKEW_MS: skew },
        SHARED_REDIS_URL,
        fileURLToPath(new URL("../../support/preload/skewClock.mjs", import.meta.url)),
      );
      await workerReady(worker);
      const { engine, remote } = await remoteEngine(namespace, { change: (c) => (c.model.timeoutMs = 3000) });
      await until(() => remote.available);
      await new Promise((r) => setTimeout(r, 1500)); // several heartbeats later
      expect(remote.available).toBe(true);
      expect((await engine.run({ kind: "similar", items: [engine.catalog.catalog.items[1]!] })).backend).toBe("llama");
      worker.child.kill("SIGTERM");
      expect((await worker.exited()).code).toBe(0);
    },
    60_000,
  );

  it("a worker started while Redis is down stops cleanly on SIGTERM", async () => {
    const worker = startWorker(uniqueNamespace("remote-noredis"), {}, `redis://127.0.0.1:${await freePort()}`);
    await worker.waitForLog((l) => l.msg === "catalog loaded");
    await new Promise((r) => setTimeout(r, 2000));
    worker.child.kill("SIGTERM");
    expect((await worker.exited()).code).toBe(0);
  }, 60_000);

  it("a backlog of limits.maxQueue jobs makes the bot say it is busy (and store nothing)", async () => {
    const namespace = uniqueNamespace("remote-busy");
    // A worker that is alive but takes nothing: the registry says so, the queue fills.
    const connection = new Redis(SHARED_REDIS_URL);
    const registry = new WorkerRegistry(connection, namespace, "sidbot-generate");
    const { engine, config } = await remoteEngine(namespace, { change: (c) => (c.limits.maxQueue = 2) });
    const info = {
      id: "idle-worker",
      host: "h",
      pid: 1,
      model: "m",
      sidTokens: "ok" as const,
      sequences: 1,
      contextSize: 4096,
      catalog: catalogFingerprint(engine.catalog.catalog),
      catalogItems: 19,
      startedAt: Date.now(),
    };
    const beat = setInterval(() => void registry.beat(info, Date.now()), 500);
    await registry.beat(info, Date.now());
    const remote = engine.modelBackend as RemoteModelBackend;
    await until(() => remote.available);
    const memory = new InProcessMemoryStore({ ttlMs: 60_000, maxTurns: 40 });
    const bot = new Bot({ engine, memory, config });
    // Other bots' requests wait in the shared queue (nobody takes them) …
    const queue = new Queue<GenerationJob>(jobQueueName("sidbot-generate", info.catalog), {
      connection: new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: queuePrefix(namespace),
    });
    const job = {
      kind: "rank" as const,
      prompt: { turns: [], systemPrompt: null, reserveTokens: 64 },
      exclude: [],
      k: 3,
      deadline: Date.now() + 60_000,
      budgetMs: 60_000,
      catalog: info.catalog,
    };
    await queue.add("rank", job, { jobId: "other-bot-1" });
    await queue.add("rank", job, { jobId: "other-bot-2" });
    // … so this bot's request is told to come back, and nothing is stored for it.
    const conversation = { platform: "discord" as const, scope: "channel" as const, id: "busy-1" };
    const busy = await bot.handle({ conversation, userId: "u3", input: { text: "similar to Halo 3" } });
    expect(busy.kind).toBe("busy");
    expect(await memory.get("discord:channel:busy-1")).toBeUndefined();
    await expect(engine.run({ kind: "similar", items: [engine.catalog.catalog.items[0]!] })).rejects.toBeInstanceOf(EngineBusyError);
    // A burst cannot slip past the check: of 8 requests at once with room for 2, at most 2 are queued.
    await queue.obliterate({ force: true });
    const burst = Array.from({ length: 8 }, (_, i) =>
      engine.run({ kind: "similar", items: [engine.catalog.catalog.items[i]!] }).catch((e: unknown) => e),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await queue.getWaitingCount()).toBeLessThanOrEqual(2);
    await queue.obliterate({ force: true });
    // Once the backlog is gone, requests are queued again.
    const queued = engine.run({ kind: "similar", items: [engine.catalog.catalog.items[0]!] }, { requestId: "after-backlog" });
    await until(async () => (await queue.getWaitingCount()) === 1);
    clearInterval(beat);
    await registry.leave(info.id);
    // The idle worker left: the bot answers what it holds from the catalog, labelled.
    const answer = await queued;
    expect(answer.backend).toBe("catalog");
    const outcomes = await Promise.all(burst);
    expect(outcomes.filter((o) => o instanceof EngineBusyError).length).toBeGreaterThanOrEqual(6);
    await bot.shutdown(0);
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }, 60_000);

  it.runIf(hasRedisServer())(
    "bots and workers reconnect after a Redis restart",
    async () => {
      const server = new PrivateRedis(await freePort(), tempDir("sidbot-redis-"));
      await server.start();
      const namespace = "sidbot-restart";
      const worker = startWorker(namespace, {}, server.url);
      await workerReady(worker);
      const { engine, remote, metrics } = await remoteEngine(namespace, { url: server.url });
      await until(() => remote.available);
      const item = engine.catalog.catalog.items[1]!;
      expect((await engine.run({ kind: "similar", items: [item] })).backend).toBe("llama");

      await server.stop();
      await until(() => !remote.available);
      // Redis away: the catalog answers at once, and says why.
      const during = await engine.run({ kind: "similar", items: [item] });
      expect(during.backend).toBe("catalog");
      expect(during.notices).toContain(WORKERS_UNREACHABLE);
      expect(await fallbacks(metrics, "redis")).toBeGreaterThanOrEqual(1);

      await server.start();
      await until(() => remote.available, 30_000);
      await until(async () => (await engine.run({ kind: "similar", items: [item] })).backend === "llama", 30_000);
      worker.child.kill("SIGTERM");
      expect((await worker.exited()).code).toBe(0);
      await server.stop();
    },
    90_000,
  );
});
