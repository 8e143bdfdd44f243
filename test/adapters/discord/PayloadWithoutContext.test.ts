/**
 * Interactions without `context` (servers that predate user installs, or leave it out) are placed
 * by what else the payload says: channel type 3 (a group DM) → the group DM's own conversation,
 * answered privately through the interaction; `authorizing_integration_owners` naming only "1"
 * (a user install) → refused when `discord.userInstall` is false. Oracles: discord-api-types
 * (ChannelType.GroupDM = 3, ApplicationIntegrationType.UserInstall = 1) and callback type 4 / 5
 * with flags 64.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateConversation } from "../../../src/adapters/discord/discordScope.js";
import { DISCORD_TEXTS } from "../../../src/adapters/discord/discordTexts.js";
import type { ConversationKey } from "../../../src/bot/types.js";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { callbacks, channelPosts, discordHarness, watchProcessErrors } from "./discordHarness.js";

const processErrors = watchProcessErrors();
let on: Awaited<ReturnType<typeof discordHarness>>;
let off: Awaited<ReturnType<typeof discordHarness>>;
beforeAll(async () => {
  on = await discordHarness();
  off = await discordHarness({ settings: { userInstall: false } });
});
afterAll(async () => {
  await on?.stop();
  await off?.stop();
  processErrors.dispose();
  expect(processErrors.errors).toEqual([]);
});

const withoutContext = <T extends { context?: unknown }>(interaction: T): Omit<T, "context"> => {
  const { context: _context, ...rest } = interaction;
  return rest;
};

describe("a payload without context", () => {
  it("in a group DM (channel type 3): the group DM's conversation, privately, never the person's DM with the bot", async () => {
    const user = on.fake.user();
    const channelId = nextId();
    const interaction = withoutContext(
      on.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        user,
        channelId,
        context: "privateChannel",
        userInstall: true,
      }),
    );
    expect((interaction as unknown as { channel: { type: number } }).channel.type).toBe(3);
    on.fake.dispatch("INTERACTION_CREATE", interaction);
    await on.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${interaction.token}/messages/@original`));
    expect(callbacks(on.fake, interaction)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
    const dm: ConversationKey = { platform: "discord", scope: "dm", id: user.id };
    const group: ConversationKey = { platform: "discord", scope: "channel", id: channelId };
    expect(await on.bot.knows(dm)).toBe(false);
    expect(await on.bot.knows(privateConversation(group, user.id))).toBe(true);
    expect(channelPosts(on.fake, channelId)).toEqual([]);
  });

  it("with user installs off, a user-install-only interaction in a server without the bot is refused privately", async () => {
    const foreign = off.fake.foreignGuild();
    const interaction = withoutContext(
      off.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        guildId: foreign.guildId,
        channelId: foreign.channelId,
        userInstall: true,
      }),
    );
    expect(interaction.authorizing_integration_owners).toEqual({ "1": expect.any(String) });
    off.fake.dispatch("INTERACTION_CREATE", interaction);
    const first = await off.fake.waitFor((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    expect(first.body).toMatchObject({ type: 4, data: { content: DISCORD_TEXTS.notHereUserInstall, flags: 64 } });
  });

  it("with user installs off, a server that installed the app (owners name the guild) is still answered", async () => {
    const appOnly = off.fake.foreignGuild();
    const interaction = withoutContext(
      off.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        guildId: appOnly.guildId,
        channelId: appOnly.channelId,
        guildInstall: true,
      }),
    );
    off.fake.dispatch("INTERACTION_CREATE", interaction);
    await off.fake.waitFor((r) => r.method === "PATCH" && r.path.endsWith(`/${interaction.token}/messages/@original`));
    expect(callbacks(off.fake, interaction)[0]?.body.type).toBe(5);
  });
});
