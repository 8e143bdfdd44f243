/**
 * Bot.votable decides, before anything is stored, whether a 👍/👎 would be recorded: only ids of
 * games in today's catalog count (a button from an answer made with an older catalog may name none).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channel, testBot } from "../support/bots.js";

let t: Awaited<ReturnType<typeof testBot>>;
beforeAll(async () => {
  t = await testBot();
});
afterAll(async () => {
  await t?.dispose();
});

describe("Bot.votable", () => {
  it("is true when at least one id names a catalog game, false when none does", () => {
    const last = String(t.engine.catalog.catalog.items.length - 1);
    expect(t.bot.votable(["0"])).toBe(true);
    expect(t.bot.votable(["99999999", last])).toBe(true);
    expect(t.bot.votable([String(t.engine.catalog.catalog.items.length)])).toBe(false);
    expect(t.bot.votable(["99999999", "abc", "-1", "1.5"])).toBe(false);
    expect(t.bot.votable([])).toBe(false);
  });

  it("agrees with what feedback stores", async () => {
    await t.bot.feedback(channel("votable"), "u1", ["99999999"], "up");
    expect(await t.memory.feedbackSince(0)).toEqual([]);
    await t.bot.feedback(channel("votable"), "u1", ["99999999", "0"], "up");
    expect((await t.memory.feedbackSince(0)).map((v) => v.sids)).toEqual([[t.engine.catalog.catalog.items[0]!.sid]]);
  });
});
