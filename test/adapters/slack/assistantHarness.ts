import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { SlackAdapter } from "../../../src/adapters/slack/SlackAdapter.js";
import type { BotRequest, HandleOptions } from "../../../src/bot/types.js";
import { testBot } from "../../support/bots.js";
import { FakeSlack, type ApiCall } from "../../support/fakes/FakeSlack.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";

/** The explanation the streaming engine writes, in the pieces it writes it. */
export const EXPLANATION_CHUNKS = ["These share ", "fast racing ", "and split-screen fun, ", "so they suit a party night."];
export const EXPLANATION = EXPLANATION_CHUNKS.join("");

/** The first title of the embedded catalog (config/demo-catalog.jsonl): what a "similar to" prompt should name. */
export function firstCatalogTitle(): string {
  const line = readFileSync(new URL("../../../config/demo-catalog.jsonl", import.meta.url), "utf8").split("\n")[0]!;
  return (JSON.parse(line) as { title: string }).title;
}

/**
 * A started Slack adapter (Socket Mode) on a FakeSlack, over a real bot whose memory is in
 * Redis. With `streaming`, the bot's engine streams an explanation (in pieces, with pauses)
 * before answering, as the model backend does; the answer's items are the real ones.
 */
export async function assistantHarness({
  streaming = true,
  redis = true,
  chunks = EXPLANATION_CHUNKS,
  pauseMs = 30,
  stopTimeoutMs,
  namespace = uniqueNamespace("slack-ai"),
}: {
  streaming?: boolean;
  redis?: boolean;
  chunks?: string[];
  pauseMs?: number;
  stopTimeoutMs?: number;
  namespace?: string;
} = {}) {
  const fake = new FakeSlack();
  await fake.start();
  const t = await testBot(redis ? { redisUrl: SHARED_REDIS_URL, namespace } : {});
  const handle = t.bot.handle.bind(t.bot);
  if (streaming)
    t.bot.handle = async (request: BotRequest, options: HandleOptions = {}) => {
      const reply = await handle(request, options);
      if (reply.kind !== "answer" || reply.items.length === 0) return reply;
      for (const chunk of chunks) {
        options.onText?.(chunk);
        await delay(pauseMs);
      }
      return { ...reply, text: chunks.join("") };
    };
  const log = recordingLogger();
  const adapter = new SlackAdapter({
    bot: t.bot,
    botToken: fake.botToken,
    appToken: fake.appToken,
    apiUrl: fake.apiUrl,
    streamEditIntervalMs: 20,
    logger: log,
    ...(stopTimeoutMs ? { stopTimeoutMs } : {}),
  });
  await adapter.start();
  await fake.socketReady();
  return {
    fake,
    bot: t.bot,
    memory: t.memory,
    log,
    /** Calls in `channel` (or about its thread) since `at`. */
    callsIn(channel: string, at = 0): ApiCall[] {
      return fake.calls.filter((c) => c.at >= at && (c.args.channel === channel || c.args.channel_id === channel));
    },
    /** Final answers delivered in `channel`: streams stopped with blocks, and posts or updates carrying blocks. */
    finalAnswers(channel: string, at = 0): ApiCall[] {
      return this.callsIn(channel, at).filter(
        (c) =>
          (c.method === "chat.stopStream" || c.method === "chat.postMessage" || c.method === "chat.update") && Array.isArray(c.args.blocks),
      );
    },
    adapter,
    stopped: false,
    async dispose() {
      if (!this.stopped) await adapter.stop();
      await fake.stop();
      await t.dispose();
    },
  };
}
