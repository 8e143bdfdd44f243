/**
 * A payload without `context` from a DM between two people: channel type 1 (ChannelType.DM in
 * discord-api-types), its `recipients` naming someone other than the person and the bot. It is a
 * private channel, never the person's DM with the bot. A type 1 payload listing only the person, or
 * no recipients, stays the bot's DM (what it cannot tell apart). Callback type 5 with flags 64 = private.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationKey } from "../../../src/bot/types.js";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { callbacks, discordHarness } from "./discordHarness.js";

let h: Awaited<ReturnType<typeof discordHarness>>;
beforeAll(async () => {
  h = await discordHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** A /recommend by `me` in a type 1 channel listing `recipients`, with `context` left out; resolves with the deferral. */
async function recommendInDm(me: ReturnType<typeof h.fake.user>, recipients: ReturnType<typeof h.fake.user>[]) {
  const channelId = nextId();
  const made = h.fake.commandInteraction("recommend", [{ name: "query", type: 3, value: "games like Halo 3" }], {
    user: me,
    channelId,
    context: "privateChannel",
    userInstall: true,
  });
  const { context: _context, ...i } = { ...made, channel: { id: channelId, type: 1, recipients } };
  h.fake.dispatch("INTERACTION_CREATE", i);
  await h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${i.token}/messages/@original`));
  return callbacks(h.fake, i)[0]?.body;
}

const botDm = (id: string): ConversationKey => ({ platform: "discord", scope: "dm", id });

describe("a payload without context, channel type 1", () => {
  it("a DM between two people: answered privately, kept out of the person's DM with the bot", async () => {
    const me = h.fake.user("me");
    const defer = await recommendInDm(me, [h.fake.user("friend")]);
    expect(defer).toEqual({ type: 5, data: { flags: 64 } });
    expect(await h.bot.knows(botDm(me.id))).toBe(false);
  });

  it("control: listing only the person, it is the person's DM with the bot", async () => {
    const me = h.fake.user("me2");
    await recommendInDm(me, [me]);
    expect(await h.bot.knows(botDm(me.id))).toBe(true);
  });
});
