/**
 * Wiring: config → engine, memory, bot, adapters. Discord and Slack start when their
 * credentials are set; otherwise the console chat is the embedded default.
 */
import type { Config, Secrets } from "./config.js";
import { Bot } from "./bot/Bot.js";
import { KeyvMemoryStore } from "./bot/memory/KeyvMemoryStore.js";
import { Engine } from "./engine/Engine.js";
import { describeSkipped } from "./engine/catalog/loadCatalog.js";
import type { Adapter } from "./adapters/Adapter.js";
import type { Logger } from "./util/logger.js";

export interface Runtime {
  engine: Engine;
  memory: KeyvMemoryStore;
  bot: Bot;
  dispose(): Promise<void>;
}

export async function createRuntime(config: Config, secrets: Secrets, logger: Logger): Promise<Runtime> {
  const engine = await Engine.create(config, { logger });
  const opened = engine.catalog;
  logger.info({ catalog: opened.source, items: opened.catalog.size, loadMs: Math.round(opened.loadMs), builtin: opened.builtin }, "catalog loaded");
  const skipped = describeSkipped(opened.skipped);
  if (skipped) logger.warn({ catalog: opened.source }, skipped);
  const memory = new KeyvMemoryStore({ redisUrl: secrets.redisUrl, namespace: config.memory.namespace, ttlMs: config.memory.ttlSeconds * 1000, logger });
  const bot = new Bot({ engine, memory, config, logger });
  return {
    engine,
    memory,
    bot,
    async dispose() {
      await bot.gate.idle();
      await memory.close();
      await engine.dispose();
    },
  };
}

/**
 * Starts the adapters and serves until SIGINT/SIGTERM (or, for the console, until input ends),
 * then stops the adapters, lets running requests finish, saves memory and frees the model.
 */
export async function runUntilStopped(adapters: readonly Adapter[], runtime: Runtime, logger: Logger): Promise<void> {
  const stopped = new AbortController();
  const stop = (signal: string) => {
    logger.info({ signal }, "shutting down");
    stopped.abort();
  };
  const onSigint = () => stop("SIGINT");
  const onSigterm = () => stop("SIGTERM");
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigterm);
  try {
    // The console resolves when its input ends; platform adapters resolve once connected.
    await Promise.all(adapters.map((a) => a.start(stopped.signal)));
    if (adapters.some((a) => a.name !== "console") && !stopped.signal.aborted) {
      await new Promise<void>((resolve) => stopped.signal.addEventListener("abort", () => resolve(), { once: true }));
    }
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    await Promise.allSettled(adapters.map((a) => a.stop()));
    await runtime.dispose();
  }
}
