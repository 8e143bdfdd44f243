import { Bot } from "../../src/bot/Bot.js";
import { InProcessMemoryStore } from "../../src/bot/memory/InProcessMemoryStore.js";
import { RedisMemoryStore } from "../../src/bot/memory/RedisMemoryStore.js";
import type { BotRequest, ConversationKey } from "../../src/bot/types.js";
import { loadConfig, type Config } from "../../src/config.js";
import { Engine } from "../../src/engine/Engine.js";

export interface TestBotOptions {
  env?: Record<string, string>;
  redisUrl?: string;
  namespace?: string;
  configure?: (config: Config) => void;
}

/** A real bot (engine, memory, gate) for tests; dispose it after. */
export async function testBot({ env = {}, redisUrl, namespace = "sidbot-test", configure }: TestBotOptions = {}) {
  const config = loadConfig({ env: { MODEL_GPU: "off", ...env } });
  config.limits.userRequests = 1000;
  configure?.(config);
  const engine = await Engine.create(config);
  const common = { ttlMs: config.memory.ttlSeconds * 1000, maxTurns: config.memory.maxTurns };
  const memory = redisUrl
    ? new RedisMemoryStore({ ...common, url: redisUrl, namespace, operationTimeoutMs: 300 })
    : new InProcessMemoryStore(common);
  const bot = new Bot({ engine, memory, config });
  return {
    bot,
    engine,
    memory,
    config,
    async dispose() {
      await memory.close();
      await engine.dispose();
    },
  };
}

export const channel = (id = "c1"): ConversationKey => ({ platform: "discord", scope: "channel", id });
export const thread = (id = "t1"): ConversationKey => ({ platform: "discord", scope: "thread", id });
export const dm = (id = "u1"): ConversationKey => ({ platform: "discord", scope: "dm", id });

export function say(conversation: ConversationKey, text: string, userId = "u1"): BotRequest {
  return { conversation, userId, input: { text } };
}
