/**
 * Discord user installs, the "Find similar games" message menu with its Share button, and
 * autocomplete values that are item ids — through the real discord.js client against the fake
 * Discord, with Redis memory. Oracles: Discord's documented numbers (context 0/1/2, flags 64,
 * response types 4/5, command type 3) and titles/SIDs read from the catalog files themselves.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateConversation } from "../../../src/adapters/discord/discordScope.js";
import { conversationId, type ConversationKey } from "../../../src/bot/types.js";
import { BUILTIN_CATALOG } from "../../../src/config.js";
import { nextId, type RecordedRequest } from "../../support/fakes/FakeDiscord.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { tempDir } from "../../support/tempDir.js";
import { callbacks, channelPosts, discordHarness, watchProcessErrors } from "./discordHarness.js";

interface Row {
  semantic_id: string;
  title: string;
  platform?: string;
}
const demoRows = readFileSync(BUILTIN_CATALOG, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as Row);
const rowTitled = (title: string) => demoRows.find((r) => r.title === title)!;
const HALO_3 = rowTitled("Halo 3 Limited Edition -Xbox 360");
const FORZA_2 = rowTitled("Forza Motorsport 2 - Xbox 360");
// A title longer than the 100 characters an autocomplete value may have, with a SID no demo item uses.
const LONG: Row = {
  semantic_id: "<|sid_start|><|sid_183|><|sid_313|><|sid_679|><|sid_770|><|sid_end|>",
  title: "Galactic Rally Legends: The Complete Collector's Anthology with Every Track, Car Pack and Bonus Soundtrack Disc - Xbox 360",
  platform: "Xbox 360",
};

const dir = tempDir();
const catalogPath = join(dir, "catalog.jsonl");
writeFileSync(catalogPath, `${[...demoRows, LONG].map((r) => JSON.stringify(r)).join("\n")}\n`);

const hasRedis = await requireRedis();
const processErrors = watchProcessErrors();
let h: Awaited<ReturnType<typeof discordHarness>>;

beforeAll(async () => {
  if (!hasRedis) return;
  h = await discordHarness({
    bot: { redisUrl: SHARED_REDIS_URL, namespace: uniqueNamespace("discord-user-install"), env: { CATALOG_PATH: catalogPath } },
  });
});
afterAll(async () => {
  await h?.stop();
  processErrors.dispose();
  expect(processErrors.errors).toEqual([]);
});

const channelConversation = (id: string): ConversationKey => ({ platform: "discord", scope: "channel", id });
const dmConversation = (id: string): ConversationKey => ({ platform: "discord", scope: "dm", id });
const privateTo = (conversation: ConversationKey, user: { id: string }) => privateConversation(conversation, user.id);
const answerOf = (interaction: { token: string }) =>
  h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${interaction.token}/messages/@original`) && r.body.embeds?.length > 0);
const buttonIds = (body: RecordedRequest["body"]): string[] =>
  (body.components ?? []).flatMap((row: { components: { custom_id?: string }[] }) => row.components.map((b) => b.custom_id ?? ""));
const listed = (body: RecordedRequest["body"]): string => body.embeds[0].description;
const channelRequests = (channelId: string) => h.fake.requests.filter((r) => r.path.startsWith(`/channels/${channelId}`));
const basisOf = async (conversation: ConversationKey) => (await h.memory.get(conversationId(conversation)))?.lastAnswer?.basis;

describe.skipIf(!hasRedis)("Discord user installs", () => {
  it("/recommend in a group DM: answered privately through the interaction, remembered in that channel, not the bot DM", async () => {
    const user = h.fake.user();
    const channelId = nextId();
    const interaction = h.fake.commandInteraction("recommend", [{ name: "query", type: 3, value: "cute animal games" }], {
      user,
      channelId,
      context: "privateChannel",
      userInstall: true,
    });
    expect(interaction).toMatchObject({ context: 2, authorizing_integration_owners: { "1": user.id } });
    h.fake.dispatch("INTERACTION_CREATE", interaction);
    const answer = await answerOf(interaction);
    expect(callbacks(h.fake, interaction)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(listed(answer.body)).toContain("Animal Crossing: New Leaf");
    expect(buttonIds(answer.body)).toContain("sidbot:share");
    expect(channelRequests(channelId)).toEqual([]);
    // Only the person saw the answer: it is remembered in their own conversation there, not the group's, not the bot DM.
    expect(await h.bot.knows(privateTo(channelConversation(channelId), user))).toBe(true);
    expect(await h.bot.knows(channelConversation(channelId))).toBe(false);
    expect(await h.bot.knows(dmConversation(user.id))).toBe(false);

    // Someone else in the same group DM asks to name "this bundle": they have no answer of their own to build on.
    const other = h.fake.user(nextId(), "friend");
    const theirs = h.fake.commandInteraction("bundle", [], { user: other, channelId, context: "privateChannel", userInstall: true });
    h.fake.dispatch("INTERACTION_CREATE", theirs);
    const theirAnswer = await h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${theirs.token}/messages/@original`));
    const mine = h.fake.commandInteraction("bundle", [], { user, channelId, context: "privateChannel", userInstall: true });
    h.fake.dispatch("INTERACTION_CREATE", mine);
    const myAnswer = await h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${mine.token}/messages/@original`));
    expect(JSON.stringify(theirAnswer.body)).not.toContain("Animal Crossing");
    expect(JSON.stringify(myAnswer.body)).toContain("Animal Crossing");
  });

  it("a payload without context or authorizing_integration_owners (an older server) is answered as before", async () => {
    const user = h.fake.user();
    const {
      context: _context,
      authorizing_integration_owners: _owners,
      ...legacy
    } = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], { user });
    h.fake.dispatch("INTERACTION_CREATE", legacy);
    const answer = await answerOf(legacy);
    expect(callbacks(h.fake, legacy)[0]?.body.type).toBe(5);
    expect((callbacks(h.fake, legacy)[0]?.body.data?.flags ?? 0) & 64).toBe(0);
    expect(listed(answer.body)).toContain("Halo Reach");
    const dm = h.fake.commandInteraction("bundle", [], { user, dm: true });
    const { authorizing_integration_owners: _dmOwners, ...nullOwners } = dm;
    h.fake.dispatch("INTERACTION_CREATE", { ...nullOwners, authorizing_integration_owners: null });
    await h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${dm.token}/messages/@original`));
  });

  it("a server that added only the app's commands (no bot): public answer through the interaction, no channel look-up", async () => {
    const appOnly = h.fake.foreignGuild();
    const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
      guildId: appOnly.guildId,
      channelId: appOnly.channelId,
      guildInstall: true,
    });
    expect(interaction.authorizing_integration_owners).toEqual({ "0": appOnly.guildId });
    h.fake.dispatch("INTERACTION_CREATE", interaction);
    const answer = await answerOf(interaction);
    expect((callbacks(h.fake, interaction)[0]?.body.data?.flags ?? 0) & 64).toBe(0);
    expect(buttonIds(answer.body)).not.toContain("sidbot:share");
    expect(channelRequests(appOnly.channelId)).toEqual([]);
    expect(await basisOf(channelConversation(appOnly.channelId))).toEqual([HALO_3.semantic_id]);
  });

  it("a command in a server without the bot: no channel look-up, no thread, no channel post; answered privately", async () => {
    const foreign = h.fake.foreignGuild();
    const user = h.fake.user();
    const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
      user,
      guildId: foreign.guildId,
      channelId: foreign.channelId,
      userInstall: true,
    });
    expect(interaction).toMatchObject({ context: 0, authorizing_integration_owners: { "1": user.id } });
    expect(interaction.authorizing_integration_owners).not.toHaveProperty("0");
    h.fake.dispatch("INTERACTION_CREATE", interaction);
    const answer = await answerOf(interaction);
    expect(callbacks(h.fake, interaction)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(listed(answer.body)).toContain("Halo Reach");
    expect(channelRequests(foreign.channelId)).toEqual([]);
    expect(await basisOf(privateTo(channelConversation(foreign.channelId), user))).toEqual([HALO_3.semantic_id]);

    // A thread there (type 11 in the payload) is its own conversation, as threads are elsewhere.
    const threadId = nextId();
    const inThread = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Forza Motorsport 2" }], {
      user,
      guildId: foreign.guildId,
      channelId: threadId,
      channelType: 11,
      userInstall: true,
    });
    h.fake.dispatch("INTERACTION_CREATE", inThread);
    await answerOf(inThread);
    expect(await basisOf(privateTo({ platform: "discord", scope: "thread", id: threadId }, user))).toEqual([FORZA_2.semantic_id]);

    // The same person's install used in a server that installed the bot: public, as before.
    const home = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], { user, userInstall: true });
    h.fake.dispatch("INTERACTION_CREATE", home);
    const homeAnswer = await answerOf(home);
    expect(callbacks(h.fake, home)[0]?.body.data?.flags ?? 0).toBe(0);
    expect(buttonIds(homeAnswer.body)).not.toContain("sidbot:share");
  });
});

describe.skipIf(!hasRedis)("Find similar games (message menu)", () => {
  it("on a message naming two games: a private answer based on both, with Share; Share posts it for everyone", async () => {
    const author = h.fake.user("friend");
    const target = h.fake.message("Halo 3 and Forza Motorsport 2 were the best things on my 360", { author });
    const user = h.fake.user();
    const menu = h.fake.messageCommandInteraction("Find similar games", target, { user });
    expect(menu.data).toMatchObject({ type: 3, target_id: target.id });
    h.fake.dispatch("INTERACTION_CREATE", menu);
    const answer = await answerOf(menu);
    expect(callbacks(h.fake, menu)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    const titles = listed(answer.body);
    expect(titles).toMatch(/^1\. \*\*/);
    expect(titles).not.toContain(HALO_3.title);
    expect(titles).not.toContain(FORZA_2.title);
    expect(await basisOf(privateTo(channelConversation(h.fake.channelId), user))).toEqual([HALO_3.semantic_id, FORZA_2.semantic_id]);
    expect(buttonIds(answer.body)).toContain("sidbot:share");

    // The private answer as Discord delivers it with a click on its button: flags 64 (ephemeral).
    const ephemeral = { ...answer.body, id: nextId(), channel_id: h.fake.channelId, author: h.fake.botUser, flags: 64, type: 0 };
    const share = h.fake.buttonInteraction("sidbot:share", ephemeral, user);
    h.fake.dispatch("INTERACTION_CREATE", share);
    const shared = await h.fake.waitFor((r) => r.path === `/interactions/${share.id}/${share.token}/callback`);
    expect(shared.body.type).toBe(4);
    expect((shared.body.data.flags ?? 0) & 64).toBe(0);
    expect(shared.body.data.embeds[0].description).toBe(titles);
    expect(buttonIds(shared.body.data)).not.toContain("sidbot:share");
    expect(buttonIds(shared.body.data).some((id) => id.startsWith("sidbot:more:"))).toBe(true);
    expect(shared.body.data.allowed_mentions).toMatchObject({ parse: [] });
  });

  it("through a user install in a server without the bot, Share still goes through the interaction", async () => {
    const foreign = h.fake.foreignGuild();
    const user = h.fake.user();
    const target = { ...h.fake.message("anyone tried Forza Motorsport 2?"), channel_id: foreign.channelId, guild_id: foreign.guildId };
    const menu = h.fake.messageCommandInteraction("Find similar games", target, {
      user,
      guildId: foreign.guildId,
      userInstall: true,
    });
    h.fake.dispatch("INTERACTION_CREATE", menu);
    const answer = await answerOf(menu);
    const ephemeral = { ...answer.body, id: nextId(), channel_id: foreign.channelId, author: h.fake.botUser, flags: 64, type: 0 };
    const share = h.fake.buttonInteraction("sidbot:share", ephemeral, user, { guildId: foreign.guildId, userInstall: true });
    h.fake.dispatch("INTERACTION_CREATE", share);
    const shared = await h.fake.waitFor((r) => r.path === `/interactions/${share.id}/${share.token}/callback`);
    expect(shared.body.type).toBe(4);
    expect(shared.body.data.embeds[0].description).toBe(listed(answer.body));
    expect(channelRequests(foreign.channelId)).toEqual([]);
  });

  it("on a message naming no game: a friendly private answer, no Share", async () => {
    const target = h.fake.message("see you all at the meetup on friday!");
    const menu = h.fake.messageCommandInteraction("Find similar games", target);
    h.fake.dispatch("INTERACTION_CREATE", menu);
    const reply = await h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${menu.token}/messages/@original`));
    expect(callbacks(h.fake, menu)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(reply.body.content).toMatch(/couldn't spot a game/);
    expect(buttonIds(reply.body)).toEqual([]);
  });
});

describe.skipIf(!hasRedis)("Find similar games on hostile input", () => {
  it("delivered twice: answered once", async () => {
    const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("loved Halo 3"));
    h.fake.dispatch("INTERACTION_CREATE", menu, 2);
    await answerOf(menu);
    const after = await h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(menu.token));
    expect(after).toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    expect(callbacks(h.fake, menu)).toHaveLength(1);
  });

  it("a target message missing from resolved.messages: the friendly private answer, not an error", async () => {
    const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("Halo 3"));
    const malformed = { ...menu, data: { ...menu.data, resolved: { messages: {} } } };
    h.fake.dispatch("INTERACTION_CREATE", malformed);
    const reply = await h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${menu.token}/messages/@original`));
    expect(reply.body.content).toMatch(/couldn't spot a game/);
  });
});

describe.skipIf(!hasRedis)("Autocomplete values are item ids", () => {
  it("a title over 100 characters round-trips: /similar with the picked value is about that very game", async () => {
    const user = h.fake.user();
    const auto = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "galactic rally", focused: true }], {
      user,
      autocomplete: true,
    });
    h.fake.dispatch("INTERACTION_CREATE", auto);
    const response = await h.fake.waitFor((r) => r.path === `/interactions/${auto.id}/${auto.token}/callback`);
    expect(response.body.type).toBe(8);
    const choices = response.body.data.choices as { name: string; value: string }[];
    const choice = choices.find((c) => LONG.title.startsWith(c.name.replace(/…$/, "")));
    expect(choice).toBeDefined();
    expect(LONG.title.length).toBeGreaterThan(100);
    expect(choice!.name.length).toBeLessThanOrEqual(100);
    expect(choice!.value.length).toBeLessThanOrEqual(100);
    expect(choice!.value).not.toBe(choice!.name);

    const channelId = nextId();
    h.fake.channels.set(channelId, { id: channelId, type: 0, guild_id: h.fake.guildId, name: "games", position: 0 });
    const pick = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: choice!.value }], { user, channelId });
    h.fake.dispatch("INTERACTION_CREATE", pick);
    const answer = await answerOf(pick);
    expect(listed(answer.body)).not.toContain(LONG.title);
    expect(await basisOf(channelConversation(channelId))).toEqual([LONG.semantic_id]);
  });

  it("a stale id is never searched as a title; typed text still is", async () => {
    const stale = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "id:987654" }]);
    h.fake.dispatch("INTERACTION_CREATE", stale);
    const reply = await h.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${stale.token}/messages/@original`));
    expect(reply.body.embeds ?? []).toEqual([]);
    // Said as a game that is gone, never as a title "id:987654" that was searched.
    expect(reply.body.content).toMatch(/couldn't find “that game”/);
    expect(reply.body.content).not.toContain("987654");

    const typed = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Forza Motorsport 2" }]);
    h.fake.dispatch("INTERACTION_CREATE", typed);
    const answer = await answerOf(typed);
    expect(listed(answer.body)).toMatch(/^1\. /);
  });
});

describe.skipIf(!hasRedis)("discord.userInstall: false", () => {
  it("a group DM or a server without the bot gets one private line; the bot's own servers work as before", async () => {
    const off = await discordHarness({ settings: { userInstall: false } });
    try {
      const dm = off.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        channelId: nextId(),
        context: "privateChannel",
        userInstall: true,
      });
      off.fake.dispatch("INTERACTION_CREATE", dm);
      const refused = await off.fake.waitFor((r) => r.path === `/interactions/${dm.id}/${dm.token}/callback`);
      expect(refused.body).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringMatching(/servers that added me/) } });

      const home = off.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
      off.fake.dispatch("INTERACTION_CREATE", home);
      const answer = await off.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(home.token) && r.body.embeds?.length > 0);
      expect(answer.body.embeds[0].description).toContain("Halo Reach");
      expect(channelPosts(off.fake)).toEqual([]);
    } finally {
      await off.stop();
    }
  });
});
