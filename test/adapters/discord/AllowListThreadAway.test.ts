/**
 * A server that added only sidbot's commands (bot not a member): `discord.allowedChannels` admits a
 * thread by its parent channel, as README promises. Discord's interaction payload names the thread's
 * parent as `channel.parent_id` (discord-api-types APIThreadChannel). Real discord.js against the fake Discord.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { discordHarness } from "./discordHarness.js";

let h: Awaited<ReturnType<typeof discordHarness>>;
beforeAll(async () => {
  h = await discordHarness({ settings: (fake) => ({ allowedChannels: [fake.channelId] }) });
});
afterAll(async () => {
  await h?.stop();
});

async function similarIn(channelId: string, channelType?: number) {
  const appOnly = h.fake.foreignGuild();
  const i = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
    guildId: appOnly.guildId,
    channelId,
    ...(channelType === undefined ? {} : { channelType }),
    guildInstall: true,
  });
  h.fake.dispatch("INTERACTION_CREATE", i);
  return (await h.fake.waitFor((r) => r.path === `/interactions/${i.id}/${i.token}/callback`)).body;
}

describe("commands-only server, allow-list", () => {
  it("answers in a thread (type 11) whose parent is allowed: deferred callback type 5", async () => {
    const body = await similarIn(nextId(), 11);
    expect(body.type).toBe(5);
  });

  it("control: answers in the allowed channel itself", async () => {
    expect((await similarIn(h.fake.channelId)).type).toBe(5);
  });
});
