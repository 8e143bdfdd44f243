/**
 * Wiring: config → engine, memory, bot, health/metrics, adapters. Discord and Slack start when
 * their credentials are set; otherwise the console chat is the embedded default.
 */
import type { Adapter } from "./adapters/Adapter.js";
import { Bot } from "./bot/Bot.js";
import { InProcessMemoryStore } from "./bot/memory/InProcessMemoryStore.js";
import type { MemoryStore } from "./bot/memory/MemoryStore.js";
import { RedisMemoryStore } from "./bot/memory/RedisMemoryStore.js";
import type { Config, Secrets } from "./config.js";
import { describeSkipped } from "./engine/catalog/loadCatalog.js";
import { Engine } from "./engine/Engine.js";
import { HealthServer } from "./ops/HealthServer.js";
import { Metrics } from "./ops/Metrics.js";
import { describeError } from "./errors.js";
import type { Logger } from "./util/logger.js";

export interface Runtime {
  engine: Engine;
  memory: MemoryStore;
  bot: Bot;
  metrics: Metrics;
  /** The health server's port, when HEALTH_PORT is set. */
  healthPort?: number;
  /** How long running requests may take at shutdown (limits.shutdownGraceMs). */
  shutdownGraceMs: number;
  /** Refuses new requests, lets running ones finish (up to limits.shutdownGraceMs), then frees everything. */
  dispose(): Promise<void>;
}

export async function createRuntime(config: Config, secrets: Secrets, logger: Logger): Promise<Runtime> {
  const metrics = new Metrics();
  const engine = await Engine.create(config, { logger, metrics });
  const opened = engine.catalog;
  logger.info({ catalog: opened.source, items: opened.catalog.size, loadMs: Math.round(opened.loadMs), builtin: opened.builtin }, "catalog loaded");
  const skipped = describeSkipped(opened.skipped);
  if (skipped) logger.warn({ catalog: opened.source }, skipped);
  const memory = createMemoryStore(config, secrets, logger, metrics);
  const bot = new Bot({ engine, memory, config, logger, metrics });
  let closing = false;
  const health = secrets.healthPort !== undefined ? new HealthServer(metrics, { problems: () => readinessProblems(engine, memory, closing) }) : undefined;
  const healthPort = health ? await health.listen(secrets.healthPort!) : undefined;
  if (healthPort !== undefined) logger.info({ port: healthPort }, "health and metrics listening");
  return {
    engine,
    memory,
    bot,
    metrics,
    ...(healthPort !== undefined ? { healthPort } : {}),
    shutdownGraceMs: config.limits.shutdownGraceMs,
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
export function createMemoryStore(config: Config, secrets: Secrets, logger: Logger, metrics?: Metrics): MemoryStore {
  const common = { ttlMs: config.memory.ttlSeconds * 1000, maxTurns: config.memory.maxTurns };
  if (!secrets.redisUrl) return new InProcessMemoryStore(common);
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

export interface RunOptions {
  /** Extra time for adapters, memory and model to close after the requests' grace. @defaultValue 5000 */
  closeGraceMs?: number;
  /** Where signals and process-level failures come from. @defaultValue process */
  proc?: NodeJS.Process;
}

/**
 * Starts the adapters and serves until SIGINT/SIGTERM (or, for the console, until input ends),
 * then shuts down in order: stop taking requests, let running ones finish and be delivered (up
 * to `limits.shutdownGraceMs`, then they get a polite "restarting" reply), disconnect the
 * adapters, write memory, free the model. Resolves with the exit code:
 * - 0 after a signal or the end of console input;
 * - 1 when a configured platform failed to start (the others are stopped too), or after an
 *   uncaught exception (logged as fatal; the same orderly shutdown runs first).
 * An unhandled promise rejection is logged with its stack and the bot keeps serving. A second
 * signal, or a shutdown that overruns its grace, ends the process at once.
 */
export async function runUntilStopped(adapters: readonly Adapter[], runtime: Runtime, logger: Logger, { closeGraceMs = 5000, proc = process }: RunOptions = {}): Promise<number> {
  const stopped = new AbortController();
  let exitCode = 0;
  let startError: unknown;
  let watchdog: NodeJS.Timeout | undefined;
  const stop = (code: number) => {
    exitCode = Math.max(exitCode, code);
    if (stopped.signal.aborted) return;
    stopped.abort();
    watchdog = setTimeout(() => {
      logger.error({ graceMs: runtime.shutdownGraceMs + closeGraceMs }, "shutdown took too long; exiting now");
      proc.exit(exitCode || 1);
    }, runtime.shutdownGraceMs + closeGraceMs);
    watchdog.unref();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopped.signal.aborted) {
      logger.warn({ signal }, "second signal: exiting now");
      proc.exit(exitCode || 1);
    }
    logger.info({ signal }, "shutting down");
    stop(0);
  };
  const onRejection = (reason: unknown) => logger.error({ err: describeError(reason), stack: stackOf(reason) }, "unhandled promise rejection; still serving");
  const onException = (error: unknown) => {
    logger.fatal({ err: describeError(error), stack: stackOf(error) }, "uncaught exception; shutting down");
    stop(1);
  };
  proc.on("SIGINT", onSignal);
  proc.on("SIGTERM", onSignal);
  proc.on("unhandledRejection", onRejection);
  proc.on("uncaughtException", onException);
  try {
    // The console resolves when its input ends; platform adapters resolve once connected.
    const started = adapters.map((a) =>
      a.start(stopped.signal).catch((error: unknown) => {
        startError ??= error;
        stop(1);
      }),
    );
    await Promise.race([Promise.all(started), new Promise((resolve) => stopped.signal.addEventListener("abort", resolve, { once: true }))]);
    if (adapters.some((a) => a.name !== "console") && !stopped.signal.aborted) {
      await new Promise<void>((resolve) => stopped.signal.addEventListener("abort", () => resolve(), { once: true }));
    }
    stop(0);
    // Finish (or cancel) running requests while the adapters can still deliver their answers.
    await runtime.bot.shutdown();
    await Promise.allSettled(adapters.map((a) => a.stop()));
    await runtime.dispose();
    logger.info({ exitCode }, "stopped");
  } finally {
    clearTimeout(watchdog);
    proc.off("SIGINT", onSignal);
    proc.off("SIGTERM", onSignal);
    proc.off("uncaughtException", onException);
    // Rejections can still come from adapters closing: keep logging them until the process ends.
  }
  if (startError !== undefined) throw startError;
  return exitCode;
}

function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}
