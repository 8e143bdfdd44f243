import { afterAll, describe, expect, it } from "vitest";
import { registerCommands } from "../../../src/adapters/discord/commands.js";
import { DiscordAdapter } from "../../../src/adapters/discord/DiscordAdapter.js";
import { PlatformStartError } from "../../../src/errors.js";
import { testBot } from "../../support/bots.js";
import { FakeDiscord } from "../../support/fakes/FakeDiscord.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(options: ConstructorParameters<typeof FakeDiscord>[0] = {}) {
  const fake = new FakeDiscord(options);
  await fake.start();
  cleanups.push(() => fake.stop());
  const t = await testBot();
  cleanups.push(t.dispose);
  return { fake, t };
}

describe("Discord start-up problems get one clear message", () => {
  it("a bad token", async () => {
    const { fake, t } = await setup();
    const adapter = new DiscordAdapter({ bot: t.bot, token: "wrong-token", apiUrl: fake.apiUrl, settings: t.config.discord });
    const error = await adapter.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformStartError);
    expect((error as Error).message).toBe(
      "Discord rejected DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot → Reset Token) and set DISCORD_TOKEN.",
    );
  });

  it("a missing MESSAGE_CONTENT intent", async () => {
    const { fake, t } = await setup({ disallowedIntents: 1 << 15 });
    const adapter = new DiscordAdapter({ bot: t.bot, token: fake.token, apiUrl: fake.apiUrl, settings: t.config.discord });
    const error = await adapter.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformStartError);
    expect((error as Error).message).toMatch(/^Discord refused the Message Content intent: enable it in the Developer Portal/);
    // Without the intent the bot starts (mentions and DMs still work).
    const limited = new DiscordAdapter({
      bot: t.bot,
      token: fake.token,
      apiUrl: fake.apiUrl,
      settings: { ...t.config.discord, messageContentIntent: false },
    });
    await limited.start();
    cleanups.push(() => limited.stop());
    expect(limited.client.isReady()).toBe(true);
  });
});

describe("register-commands", () => {
  it("registers the slash commands and the message menu in a guild and globally, installable to servers and accounts", async () => {
    const { fake } = await setup();
    expect(
      await registerCommands({ token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl }),
    ).toBe(5);
    const guild = await fake.waitFor(
      (r) => r.method === "PUT" && r.path === `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`,
    );
    expect(guild.body.map((c: { name: string }) => c.name)).toEqual(["recommend", "similar", "bundle", "reset", "Find similar games"]);
    expect(guild.body[1].options[0]).toMatchObject({ name: "game", autocomplete: true, required: true });
    // Discord's numbers: type 3 = MESSAGE; integration types 0 guild / 1 user install; contexts 0 guild, 1 bot DM, 2 private channel.
    expect(guild.body[4]).toMatchObject({ type: 3, name: "Find similar games" });
    for (const command of guild.body) {
      expect(command.integration_types).toEqual([0, 1]);
      expect(command.contexts).toEqual([0, 1, 2]);
    }
    await registerCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl });
    const global = await fake.waitFor((r) => r.method === "PUT" && r.path === `/applications/${fake.applicationId}/commands`);
    expect(global.body).toEqual(guild.body);
    expect(fake.registeredCommands.get(`/applications/${fake.applicationId}/commands`)).toHaveLength(5);
  });

  it("with user installs off: server installs only, in servers and the bot's DMs", async () => {
    const { fake } = await setup();
    expect(await registerCommands({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl, userInstall: false })).toBe(
      5,
    );
    const put = await fake.waitFor((r) => r.method === "PUT" && r.path === `/applications/${fake.applicationId}/commands`);
    for (const command of put.body) {
      expect(command.integration_types).toEqual([0]);
      expect(command.contexts).toEqual([0, 1]);
    }
  });
});

describe("Discord channel allow-list", () => {
  it("answers only in allowed channels (and their threads), and says so elsewhere", async () => {
    const { fake, t } = await setup();
    const adapter = new DiscordAdapter({
      bot: t.bot,
      token: fake.token,
      apiUrl: fake.apiUrl,
      settings: { ...t.config.discord, allowedChannels: ["111111111111111111"] },
    });
    await adapter.start();
    cleanups.push(() => adapter.stop());
    const interaction = fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    fake.dispatch("INTERACTION_CREATE", interaction);
    const refused = await fake.waitFor((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    expect(refused.body).toMatchObject({
      type: 4,
      data: { flags: 64, content: expect.stringMatching(/not set up to answer in this channel/) },
    });
    const before = fake.requests.length;
    fake.dispatch("MESSAGE_CREATE", fake.message("similar to Halo 3", { mentionBot: true }));
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests.slice(before).filter((r) => r.method === "POST")).toEqual([]);
  });
});
