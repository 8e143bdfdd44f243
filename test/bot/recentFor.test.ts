/**
 * Bot.recentFor: every answered request adds its games to the person's recent list, whatever the
 * conversation; Slack teams never mix; Redis away reads as unavailable, never as an error.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { ConversationKey } from "../../src/bot/types.js";
import { say, testBot } from "../support/bots.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../support/redis.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});
async function bot(options: Parameters<typeof testBot>[0] = {}) {
  const t = await testBot(options);
  cleanups.push(t.dispose);
  return t.bot;
}
const slack = (id: string, scope: ConversationKey["scope"] = "channel"): ConversationKey => ({ platform: "slack", scope, id });
const redis = await requireRedis();

describe.each([
  ["in process", {}],
  ["on a real Redis", { redisUrl: SHARED_REDIS_URL, namespace: uniqueNamespace("bot-recent") }],
] as const)("Bot.recentFor %s", (_name, options) => {
  it.runIf(redis || !("redisUrl" in options))("lists what the person was recommended anywhere, newest answer first, per team", async () => {
    const b = await bot(options);
    const first = await b.handle(say(slack("T1:C1"), "similar to Halo 3", "U1"));
    const second = await b.handle(say(slack("T1:U1", "dm"), "similar to Mario Kart", "U1"));
    expect(first.items.length).toBeGreaterThan(0);
    expect(second.items.length).toBeGreaterThan(0);
    // Help and clarifications recommend nothing, so they add nothing.
    await b.handle(say(slack("T1:C1:1.0", "thread"), "help", "U1"));

    const seen = [...second.items, ...first.items.filter((i) => !second.items.some((s) => s.sid === i.sid))].slice(0, 10);
    expect(await b.recentFor({ platform: "slack", team: "T1", userId: "U1" })).toEqual({
      available: true,
      games: seen.map((i) => ({ id: i.id, title: i.title })),
    });
    // The same user id in another team, or on another platform, is someone else.
    expect(await b.recentFor({ platform: "slack", team: "T2", userId: "U1" })).toEqual({ available: true, games: [] });
    expect(await b.recentFor({ platform: "discord", userId: "U1" })).toEqual({ available: true, games: [] });
  });

  it.runIf(redis || !("redisUrl" in options))(
    "/reset forgets the conversation, not the person's recent list (it spans conversations)",
    async () => {
      const b = await bot(options);
      const where = slack("T1:C2:2.0", "thread");
      const answer = await b.handle(say(where, "similar to Halo 3", "U2"));
      expect(answer.items.length).toBeGreaterThan(0);
      expect((await b.handle({ conversation: where, userId: "U2", input: { command: "reset" } })).kind).toBe("reset");
      expect(await b.knows(where)).toBe(false);
      expect((await b.recentFor({ platform: "slack", team: "T1", userId: "U2" })).games).toEqual(
        answer.items.slice(0, 10).map((i) => ({ id: i.id, title: i.title })),
      );
    },
  );
});

describe("Bot.recentFor with Redis unreachable", () => {
  it("says the list is unavailable instead of failing, and answers go on", async () => {
    const b = await bot({ redisUrl: "redis://127.0.0.1:1", namespace: uniqueNamespace("bot-recent-down") });
    const answer = await b.handle(say(slack("T1:C9"), "similar to Halo 3", "U9"));
    expect(answer.kind).toBe("answer");
    expect(await b.recentFor({ platform: "slack", team: "T1", userId: "U9" })).toEqual({ available: false, games: [] });
  });
});
