import { afterAll, beforeAll, expect } from "vitest";
/**
 * Shared set-up for the Discord adapter tests: a loopback fake Discord, a real bot, the real
 * discord.js client through DiscordAdapter, a logger that records lines, and a watch on
 * unhandled rejections (the failure mode that kills a production process).
 */
import { DiscordAdapter, type DiscordAdapterOptions } from "../../../src/adapters/discord/DiscordAdapter.js";
import type { Config } from "../../../src/config.js";
import type { Logger } from "../../../src/util/logger.js";
import { recordingLogger as recordingLoggerOf, type LogEntry } from "../../support/recordingLogger.js";
import { testBot, type TestBotOptions } from "../../support/bots.js";
import { FakeDiscord, type FakeDiscordOptions, type RecordedRequest } from "../../support/fakes/FakeDiscord.js";

export type LogLine = LogEntry;

/** A Logger that keeps every line with its bound (child) fields. */
export function recordingLogger(lines: LogLine[] = []): { logger: Logger; lines: LogLine[] } {
  const logger = recordingLoggerOf(lines);
  return { logger, lines: logger.entries };
}

/** Collects unhandled rejections and uncaught exceptions while a test file runs. */
export function watchProcessErrors(): { errors: unknown[]; dispose: () => void } {
  const errors: unknown[] = [];
  const onError = (error: unknown) => void errors.push(error);
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);
  return {
    errors,
    dispose: () => {
      process.off("unhandledRejection", onError);
      process.off("uncaughtException", onError);
    },
  };
}

export interface HarnessOptions {
  fake?: FakeDiscordOptions;
  /** Discord settings, or a function of the fake (to name its channels). */
  settings?: Partial<Config["discord"]> | ((fake: FakeDiscord) => Partial<Config["discord"]>);
  adapter?: Partial<Omit<DiscordAdapterOptions, "bot" | "token" | "apiUrl" | "settings" | "logger">>;
  /** Several adapters on one bot: processes sharing one Redis, each with its own gateway session. */
  adapters?: number;
  /** How the bot is made (e.g. Redis memory, another catalog). */
  bot?: TestBotOptions;
}

export async function discordHarness(options: HarnessOptions = {}) {
  const fake = new FakeDiscord(options.fake);
  await fake.start();
  const t = await testBot(options.bot);
  const { logger, lines } = recordingLogger();
  const settings = {
    ...t.config.discord,
    streamEditIntervalMs: 250,
    ...(typeof options.settings === "function" ? options.settings(fake) : options.settings),
  };
  const adapters: DiscordAdapter[] = [];
  for (let i = 0; i < (options.adapters ?? 1); i++) {
    const adapter = new DiscordAdapter({
      bot: t.bot,
      token: fake.token,
      apiUrl: fake.apiUrl,
      settings,
      logger: logger.child({ process: i }),
      ...options.adapter,
    });
    await adapter.start();
    adapters.push(adapter);
  }
  return {
    fake,
    bot: t.bot,
    engine: t.engine,
    memory: t.memory,
    adapter: adapters[0]!,
    adapters,
    lines,
    async stop() {
      for (const a of adapters) await a.stop();
      await fake.stop();
      await t.dispose();
    },
  };
}

export type DiscordHarness = Awaited<ReturnType<typeof discordHarness>>;

/**
 * One harness for a whole test file: started before its tests, stopped after them, and the file
 * fails if anything was left unhandled (a rejection or exception) while it ran. The returned
 * object is filled in once the harness has started.
 */
export function discordHarnessPerFile(options: HarnessOptions | (() => HarnessOptions) = {}): DiscordHarness {
  const processErrors = watchProcessErrors();
  const h = {} as DiscordHarness;
  beforeAll(async () => {
    Object.assign(h, await discordHarness(typeof options === "function" ? options() : options));
  });
  afterAll(async () => {
    await h.stop?.();
    processErrors.dispose();
    expect(processErrors.errors).toEqual([]);
  });
  return h;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts of messages into channels (not interaction webhooks). */
export const channelPosts = (fake: FakeDiscord, channelId?: string): RecordedRequest[] =>
  fake.requests.filter(
    (r) =>
      r.method === "POST" &&
      /^\/channels\/\d+\/messages$/.test(r.path) &&
      (channelId === undefined || r.path === `/channels/${channelId}/messages`),
  );

export const callbacks = (fake: FakeDiscord, interaction: { id: string; token: string }): RecordedRequest[] =>
  fake.requests.filter((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);

export const threadStarts = (fake: FakeDiscord, messageId: string): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/messages/${messageId}/threads`));
