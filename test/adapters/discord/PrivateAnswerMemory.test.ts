/**
 * Memory of private answers where the bot is a member (a server that installed it, the bot's own
 * DM): the DM has one conversation; the person's /reset forgets their private answers too; their
 * /bundle names the newer of their private and the shared answers. Real discord.js against the
 * fake Discord, real Redis. Oracles: Discord's callback type 5 with flags 64 (= only the person
 * sees it), the README's promises, and titles read back from the answers themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateConversation } from "../../../src/adapters/discord/discordScope.js";
import { MESSAGES } from "../../../src/bot/messages.js";
import type { ConversationKey } from "../../../src/bot/types.js";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { callbacks, discordHarness, watchProcessErrors } from "./discordHarness.js";

const hasRedis = await requireRedis();
const processErrors = watchProcessErrors();
let h: Awaited<ReturnType<typeof discordHarness>>;
beforeAll(async () => {
  if (!hasRedis) return;
  h = await discordHarness({ bot: { redisUrl: SHARED_REDIS_URL, namespace: uniqueNamespace("discord-private-memory") } });
});
afterAll(async () => {
  await h?.stop();
  processErrors.dispose();
  expect(processErrors.errors).toEqual([]);
});

const channelKey = (id: string): ConversationKey => ({ platform: "discord", scope: "channel", id });
const threadKey = (id: string): ConversationKey => ({ platform: "discord", scope: "thread", id });
const dmKey = (id: string): ConversationKey => ({ platform: "discord", scope: "dm", id });
const answered = (token: string) =>
  h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${token}/messages/@original`) && !/in line/.test(r.body.content ?? ""));
const firstTitle = (body: { embeds?: { description?: string }[] }) => /1\. \*\*(.+?)\*\*/.exec(body.embeds?.[0]?.description ?? "")?.[1];
const isEphemeralDefer = (interaction: { id: string; token: string }) =>
  (Number(callbacks(h.fake, interaction)[0]?.body.data?.flags ?? 0) & 64) !== 0;

/** "Find similar games" on a message naming `game`, by `user`; resolves with the answer's first title. */
async function findSimilar(user: ReturnType<typeof h.fake.user>, game: string, channelId: string, { dm = false, channelType = 0 } = {}) {
  const target = { ...h.fake.message(`${game} is my favourite`, dm ? { dm: true, author: user } : {}), channel_id: channelId };
  const menu = h.fake.messageCommandInteraction("Find similar games", target, { user, dm, channelType });
  h.fake.dispatch("INTERACTION_CREATE", menu);
  return firstTitle((await answered(menu.token)).body)!;
}

async function command(name: string, user: ReturnType<typeof h.fake.user>, extra: Record<string, unknown> = {}, options: never[] = []) {
  const interaction = h.fake.commandInteraction(name, options, { user, ...extra });
  h.fake.dispatch("INTERACTION_CREATE", interaction);
  return { interaction, body: (await answered(interaction.token)).body };
}

describe.skipIf(!hasRedis)("private answers in the bot's own DM", () => {
  it("are the DM conversation itself: a /bundle there names them", async () => {
    const user = h.fake.user();
    const dmChannel = nextId();
    const title = await findSimilar(user, "Halo 3", dmChannel, { dm: true });
    expect(await h.bot.knows(dmKey(user.id))).toBe(true);
    expect(await h.bot.knows(privateConversation(dmKey(user.id), user.id))).toBe(false);
    const { body } = await command("bundle", user, { dm: true, channelId: dmChannel });
    expect(JSON.stringify(body)).toContain(title.slice(0, 12));
  });
});

describe.skipIf(!hasRedis)("/reset by the person where answers are public", () => {
  it("also forgets their private answers at that place, and says it forgot", async () => {
    const user = h.fake.user();
    const channelId = nextId();
    h.fake.channels.set(channelId, { id: channelId, type: 0, guild_id: h.fake.guildId, name: "games", position: 0 });
    await findSimilar(user, "Halo 3", channelId);
    const mine = privateConversation(channelKey(channelId), user.id);
    expect(await h.bot.knows(mine)).toBe(true);
    const { body } = await command("reset", user, { channelId });
    expect(body.content).toBe(MESSAGES.reset);
    expect(await h.bot.knows(mine)).toBe(false);
  });

  it("in someone else's thread: forgets only their private answers and says exactly that", async () => {
    const starter = h.fake.user();
    const user = h.fake.user();
    const thread = h.fake.addThread({ ownerId: starter.id });
    // The starter's shared conversation in the thread (they own it).
    await h.bot.handle({ conversation: threadKey(thread.id), userId: starter.id, input: { text: "similar to Forza Motorsport 2" } });
    await findSimilar(user, "Halo 3", thread.id, { channelType: 11 });
    const mine = privateConversation(threadKey(thread.id), user.id);
    expect(await h.bot.knows(mine)).toBe(true);
    const { body } = await command("reset", user, { channelId: thread.id, channelType: 11 });
    expect(body.content).toBe(MESSAGES.resetPrivateOnly);
    expect(await h.bot.knows(mine)).toBe(false);
    expect(await h.bot.knows(threadKey(thread.id))).toBe(true);
  });
});

describe.skipIf(!hasRedis)("/bundle by the person where answers are public", () => {
  it("names their private answer when it is newer than the shared one, privately", async () => {
    const user = h.fake.user();
    const channelId = nextId();
    h.fake.channels.set(channelId, { id: channelId, type: 0, guild_id: h.fake.guildId, name: "games", position: 0 });
    await command("similar", user, { channelId }, [{ name: "game", type: 3, value: "Forza Motorsport 2" }] as never[]);
    const title = await findSimilar(user, "Halo 3", channelId);
    const { interaction, body } = await command("bundle", user, { channelId });
    expect(isEphemeralDefer(interaction)).toBe(true);
    expect(JSON.stringify(body)).toContain(title.slice(0, 12));
  });

  it("names the shared answer when it is newer, publicly", async () => {
    const user = h.fake.user();
    const channelId = nextId();
    h.fake.channels.set(channelId, { id: channelId, type: 0, guild_id: h.fake.guildId, name: "games", position: 0 });
    const privateTitle = await findSimilar(user, "Halo 3", channelId);
    const shared = await command("similar", h.fake.user(), { channelId }, [{ name: "game", type: 3, value: "Animal Crossing" }] as never[]);
    const sharedTitle = firstTitle(shared.body)!;
    const { interaction, body } = await command("bundle", user, { channelId });
    expect(isEphemeralDefer(interaction)).toBe(false);
    expect(JSON.stringify(body)).toContain(sharedTitle.slice(0, 12));
    expect(JSON.stringify(body)).not.toContain(privateTitle.slice(0, 12));
  });
});
