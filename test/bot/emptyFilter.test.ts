/**
 * A request whose filter leaves nothing (the demo catalog has no PlayStation 5 game): the reply
 * carries the engine's reason and next step only, not the generic "couldn't find anything" line
 * that would send the person the other way.
 */
import { afterAll, expect, it } from "vitest";
import { MESSAGES } from "../../src/bot/messages.js";
import { dm, say, testBot } from "../support/bots.js";

const { bot, dispose } = await testBot();
afterAll(dispose);

it("says the catalog has no such platform's games, once, and no generic line", async () => {
  const reply = await bot.handle(say(dm("ps5"), "games like Halo 3 for PS5"));
  expect(reply.kind).toBe("answer");
  expect(reply.items).toEqual([]);
  expect(reply.notices).toEqual(["The catalog has no PlayStation 5 games, so I can't recommend any — try another platform."]);
  expect(reply.notices).not.toContain(MESSAGES.noResults);
});

it("an answer with items carries neither", async () => {
  const reply = await bot.handle(say(dm("none"), "similar to Halo 3 for Xbox 360"));
  expect(reply.items.length).toBeGreaterThan(0);
  expect(reply.notices).not.toContain(MESSAGES.noResults);
});
