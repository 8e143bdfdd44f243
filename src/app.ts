/**
 * Wiring: config → engine, memory, bot, health/metrics, adapters. Discord and Slack start when
 * their credentials are set; otherwise the console chat is the embedded default. Redis and
 * prom-client are imported only when configured (REDIS_URL, HEALTH_PORT).
 */
import type { Adapter } from "./adapters/Adapter.js";
import { Bot } from "./bot/Bot.js";
import { InProcessMemoryStore } from "./bot/memory/InProcessMemoryStore.js";
import type { MemoryStore } from "./bot/memory/MemoryStore.js";
import type { Config, Secrets } from "./config.js";
import { describeMetadata, describeSkipped } from "./engine/catalog/loadCatalog.js";
import { Engine } from "./engine/Engine.js";
import type { Metrics } from "./ops/Metrics.js";
import type { ProcessLifecycle } from "./ops/ProcessLifecycle.js";
import type { Logger } from "./util/logger.js";

export interface Runtime {
  engine: Engine;
  memory: MemoryStore;
  bot: Bot;
  /** Prometheus metrics, when HEALTH_PORT is set (nothing else reads them). */
  metrics?: Metrics;
  /** The health server's port, when HEALTH_PORT is set. */
  healthPort?: number;
  /** Refuses new requests, lets running ones finish (up to limits.shutdownGraceMs), then frees everything. */
  dispose(): Promise<void>;
}

export async function createRuntime(config: Config, secrets: Secrets, logger: Logger): Promise<Runtime> {
  const metrics = secrets.healthPort !== undefined ? new (await import("./ops/Metrics.js")).Metrics() : undefined;
  const engine = await Engine.create(config, { logger, metrics, redisUrl: secrets.redisUrl });
  const opened = engine.catalog;
  logger.info(
    { catalog: opened.source, items: opened.catalog.size, loadMs: Math.round(opened.loadMs), builtin: opened.builtin },
    "catalog loaded",
  );
  const skipped = describeSkipped(opened.skipped);
  if (skipped) logger.warn({ catalog: opened.source }, skipped);
  const metadata = describeMetadata(opened.metadata, opened.catalog.size);
  if (metadata) logger.info({ metadata: config.catalog.metadataPath }, metadata);
  const memory = await createMemoryStore(config, secrets, logger, metrics);
  const bot = new Bot({ engine, memory, config, logger, metrics });
  let closing = false;
  const health = metrics
    ? new (await import("./ops/HealthServer.js")).HealthServer(metrics, {
        problems: () => readinessProblems(engine, memory, closing),
        details: () => engine.modelBackend?.readiness?.(),
      })
    : undefined;
  const healthPort = health ? await health.listen(secrets.healthPort!) : undefined;
  if (healthPort !== undefined) logger.info({ port: healthPort }, "health and metrics listening");
  return {
    engine,
    memory,
    bot,
    ...(metrics ? { metrics } : {}),
    ...(healthPort !== undefined ? { healthPort } : {}),
    async dispose() {
      closing = true;
      await bot.shutdown();
      await memory.close();
      await engine.dispose();
      await health?.close();
    },
  };
}

/** Redis when REDIS_URL is set (shared, survives restarts), else this process's memory. */
export async function createMemoryStore(config: Config, secrets: Secrets, logger: Logger, metrics?: Metrics): Promise<MemoryStore> {
  const common = { ttlMs: config.memory.ttlSeconds * 1000, maxTurns: config.memory.maxTurns };
  if (!secrets.redisUrl) return new InProcessMemoryStore(common);
  const { RedisMemoryStore } = await import("./bot/memory/RedisMemoryStore.js");
  return new RedisMemoryStore({ ...common, url: secrets.redisUrl, namespace: config.memory.namespace, logger, metrics });
}

function readinessProblems(engine: Engine, memory: MemoryStore, closing: boolean): string[] {
  const problems: string[] = [];
  if (closing) problems.push("shutting down");
  if (memory.degraded) problems.push("Redis unreachable (answering without stored memory)");
  // The catalog backend is always there: a missing model makes the bot less clever, not unready.
  if (engine.catalog.catalog.size === 0) problems.push("empty catalog");
  return problems;
}

/**
 * Starts the adapters and serves until the lifecycle is asked to stop (signal, uncaught
 * exception) or, for the console alone, until input ends; then shuts down in order: stop taking
 * requests, let running ones finish and be delivered (up to `limits.shutdownGraceMs`, then they
 * get a polite "restarting" reply), disconnect the adapters, write memory, free the model.
 * Resolves with the exit code: 0, or 1 after an uncaught exception. A configured platform that
 * fails to start stops the others and is rethrown (the caller prints its one line, exit 1).
 */
export async function runUntilStopped(
  adapters: readonly Adapter[],
  runtime: Runtime,
  logger: Logger,
  lifecycle: ProcessLifecycle,
): Promise<number> {
  const stopped = lifecycle.stopping;
  let startError: unknown;
  try {
    // The console resolves when its input ends; platform adapters resolve once connected.
    const started = adapters.map((a) =>
      a.start(stopped).catch((error: unknown) => {
        startError ??= error;
        lifecycle.stop(1);
      }),
    );
    // A stop may already have come (a signal while the adapters' modules loaded): no event follows then.
    const aborted = stopped.aborted
      ? Promise.resolve()
      : new Promise((resolve) => stopped.addEventListener("abort", resolve, { once: true }));
    await Promise.race([Promise.all(started), aborted]);
    if (adapters.some((a) => a.name !== "console") && !stopped.aborted) await aborted;
    lifecycle.stop(0);
    // Finish (or cancel) running requests while the adapters can still deliver their answers.
    await runtime.bot.shutdown();
    await Promise.allSettled(adapters.map((a) => a.stop()));
    await runtime.dispose();
    logger.info({ exitCode: lifecycle.exitCode }, "stopped");
  } finally {
    lifecycle.dispose();
  }
  if (startError !== undefined) throw startError;
  return lifecycle.exitCode;
}
