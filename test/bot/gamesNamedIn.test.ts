/**
 * "Games named in this text" (the Discord message context menu) and `/similar` by item id, through
 * the real bot with Redis memory. Oracles: titles and SIDs read from the demo catalog file itself.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bot } from "../../src/bot/Bot.js";
import { conversationId, type ConversationKey } from "../../src/bot/types.js";
import type { MemoryStore } from "../../src/bot/memory/MemoryStore.js";
import { BUILTIN_CATALOG } from "../../src/config.js";
import { testBot } from "../support/bots.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../support/redis.js";

const rows = readFileSync(BUILTIN_CATALOG, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as { semantic_id: string; title: string });
const row = (title: string) => {
  const index = rows.findIndex((r) => r.title === title);
  if (index < 0) throw new Error(`demo catalog lacks ${title}`);
  return { ...rows[index]!, id: String(index) };
};
const HALO_3 = row("Halo 3 Limited Edition -Xbox 360");
const FORZA_2 = row("Forza Motorsport 2 - Xbox 360");

const hasRedis = await requireRedis();
let bot: Bot;
let memory: MemoryStore;
let dispose: () => Promise<void>;

beforeAll(async () => {
  if (!hasRedis) return;
  const t = await testBot({ redisUrl: SHARED_REDIS_URL, namespace: uniqueNamespace("games-in") });
  ({ bot, memory, dispose } = t);
});
afterAll(async () => {
  await dispose?.();
});

const key = (id: string): ConversationKey => ({ platform: "discord", scope: "channel", id });

describe.skipIf(!hasRedis)("Bot: games named in a text", () => {
  it("a message naming two games: both are the basis of the recommendation, neither is recommended", async () => {
    const conversation = key("two-games");
    const reply = await bot.handle({
      conversation,
      userId: "u1",
      input: { gamesIn: "honestly Halo 3 and Forza Motorsport 2 were the best things on my 360" },
    });
    expect(reply.kind).toBe("answer");
    expect(reply.items.length).toBeGreaterThan(0);
    const titles = reply.items.map((i) => i.title);
    expect(titles).not.toContain(HALO_3.title);
    expect(titles).not.toContain(FORZA_2.title);
    const state = await memory.get(conversationId(conversation));
    expect(state?.lastAnswer?.basis).toEqual([HALO_3.semantic_id, FORZA_2.semantic_id]);
  });

  it("a message naming no game: a friendly question back, nothing remembered", async () => {
    const conversation = key("no-game");
    const reply = await bot.handle({ conversation, userId: "u1", input: { gamesIn: "see you all at the meetup on friday!" } });
    expect(reply.kind).toBe("clarify");
    expect(reply.items).toEqual([]);
    expect(reply.text).toMatch(/couldn't spot a game/);
    expect(await bot.knows(conversation)).toBe(false);
  });
});

describe.skipIf(!hasRedis)("Bot: /similar by item id", () => {
  it("resolves the id, never the display text", async () => {
    const conversation = key("by-id");
    const reply = await bot.handle({
      conversation,
      userId: "u1",
      input: { command: "similar", game: "Mario Kart: Super Circuit", itemId: HALO_3.id },
    });
    expect(reply.kind).toBe("answer");
    const state = await memory.get(conversationId(conversation));
    expect(state?.lastAnswer?.basis).toEqual([HALO_3.semantic_id]);
  });

  it("a stale id is not searched as a title, even when its display text is one", async () => {
    const reply = await bot.handle({
      conversation: key("stale-id"),
      userId: "u1",
      input: { command: "similar", game: "Halo 3", itemId: "99999" },
    });
    expect(reply.kind).toBe("clarify");
    expect(reply.items).toEqual([]);
  });
});
