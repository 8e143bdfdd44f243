/**
 * The conversation an interaction belongs to comes from the payload (guild, channel id, channel
 * type), never from whether discord.js happens to have the channel cached: a guild command in an
 * uncached channel must not land in the user's DM memory.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationKey } from "../../../src/bot/types.js";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { callbacks, discordHarness, watchProcessErrors } from "./discordHarness.js";

let h: Awaited<ReturnType<typeof discordHarness>>;
const processErrors = watchProcessErrors();
/** Conversations the bot was asked about, by interaction id. */
const asked = new Map<string, ConversationKey>();

beforeAll(async () => {
  h = await discordHarness();
  const handle = h.bot.handle.bind(h.bot);
  h.bot.handle = (request, options) => {
    if (request.requestId) asked.set(request.requestId, request.conversation);
    return handle(request, options);
  };
});
afterAll(async () => {
  await h?.stop();
  processErrors.dispose();
  expect(processErrors.errors).toEqual([]);
});

const dm = (userId: string): ConversationKey => ({ platform: "discord", scope: "dm", id: userId });

async function run(interaction: { id: string; token: string }) {
  h.fake.dispatch("INTERACTION_CREATE", interaction);
  return h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(interaction.token));
}

describe("Discord conversation scope from the payload", () => {
  it("an uncached guild channel (channel_id only, unknown to REST): channel conversation, never the user's DM", async () => {
    const user = h.fake.user();
    const channelId = nextId();
    expect(h.adapter.client.channels.cache.has(channelId)).toBe(false);
    const similar = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Need for Speed Carbon" }], {
      user,
      channelId,
      channelIdOnly: true,
    });
    await run(similar);
    const bundle = h.fake.commandInteraction("bundle", [], { user, channelId, channelIdOnly: true });
    const edit = await run(bundle);
    expect(edit.body.content + JSON.stringify(edit.body.embeds ?? [])).toMatch(/Collection/);
    expect(asked.get(similar.id)).toEqual({ platform: "discord", scope: "channel", id: channelId });
    expect(await h.bot.knows({ platform: "discord", scope: "channel", id: channelId })).toBe(true);
    expect(await h.bot.knows(dm(user.id))).toBe(false);
  });

  it("an uncached thread (channel_id only): fetched over REST, thread conversation", async () => {
    const user = h.fake.user();
    const thread = h.fake.addThread({ ownerId: user.id });
    const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
      user,
      channelId: thread.id,
      channelIdOnly: true,
    });
    await run(interaction);
    expect(asked.get(interaction.id)).toEqual({ platform: "discord", scope: "thread", id: thread.id });
    expect(await h.bot.knows(dm(user.id))).toBe(false);
  });

  it("the guild's own channel without a channel object: channel conversation", async () => {
    const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], { channelIdOnly: true });
    await run(interaction);
    expect(asked.get(interaction.id)).toEqual({ platform: "discord", scope: "channel", id: h.fake.channelId });
  });

  it("an interaction without a guild is a DM, with or without a channel object", async () => {
    for (const channelIdOnly of [false, true]) {
      const user = h.fake.user();
      const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        user,
        channelId: nextId(),
        dm: true,
        channelIdOnly,
      });
      await run(interaction);
      expect(asked.get(interaction.id)).toEqual(dm(user.id));
    }
  });

  it("a 👍 in an uncached channel is stored in that channel's conversation", async () => {
    const user = h.fake.user();
    const channelId = nextId();
    const stored: ConversationKey[] = [];
    const feedback = h.bot.feedback.bind(h.bot);
    h.bot.feedback = async (conversation, ...rest) => {
      stored.push(conversation);
      return feedback(conversation, ...rest);
    };
    try {
      const click = h.fake.buttonInteraction("sidbot:fb:up:0", h.fake.botMessage(channelId), user, { channelIdOnly: true });
      h.fake.dispatch("INTERACTION_CREATE", click);
      await h.fake.waitFor((r) => r.path === `/interactions/${click.id}/${click.token}/callback`);
      for (let i = 0; i < 50 && stored.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(stored).toEqual([{ platform: "discord", scope: "channel", id: channelId }]);
      expect(await h.bot.knows(dm(user.id))).toBe(false);
    } finally {
      h.bot.feedback = feedback;
    }
  });
});

describe("Discord allow-list with uncached channels", () => {
  it("a thread counts by its parent even when only its id arrives", async () => {
    // The fake's guild channel is allowed; the thread under it is known only to REST.
    const allowed = await discordHarness({ settings: (fake) => ({ allowedChannels: [fake.channelId] }) });
    try {
      const thread = allowed.fake.addThread();
      const interaction = allowed.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        channelId: thread.id,
        channelIdOnly: true,
      });
      allowed.fake.dispatch("INTERACTION_CREATE", interaction);
      const edit = await allowed.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(interaction.token));
      expect(edit.body.embeds?.[0]?.description).toContain("Halo Reach");
      expect(callbacks(allowed.fake, interaction)[0]?.body.type).toBe(5);

      const elsewhere = allowed.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        channelId: nextId(),
        channelIdOnly: true,
      });
      allowed.fake.dispatch("INTERACTION_CREATE", elsewhere);
      const refused = await allowed.fake.waitFor((r) => r.path === `/interactions/${elsewhere.id}/${elsewhere.token}/callback`);
      expect(refused.body).toMatchObject({
        type: 4,
        data: { flags: 64, content: expect.stringMatching(/not set up to answer in this channel/) },
      });
    } finally {
      await allowed.stop();
    }
  });
});
