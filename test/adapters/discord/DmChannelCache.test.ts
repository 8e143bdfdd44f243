/**
 * With user installs anyone can reach the bot's DM; discord.js caches every DM channel it sees and no
 * limit or sweeper covers channels. Once handled, a DM channel leaves the cache. Real discord.js
 * against the fake Discord (DM payloads: channel type 1, no guild_id, as Discord sends them).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { discordHarness, sleep } from "./discordHarness.js";

let h: Awaited<ReturnType<typeof discordHarness>>;
beforeAll(async () => {
  h = await discordHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Waits (bounded) until none of `ids` is cached; resolves with those still cached. */
async function cachedAfterHandling(ids: string[]): Promise<string[]> {
  const cached = () => ids.filter((id) => h.adapter.client.channels.cache.has(id));
  for (let i = 0; i < 50 && cached().length > 0; i++) await sleep(100);
  return cached();
}

it("DM channels of many people (autocomplete in the bot's DM) do not stay cached", async () => {
  const channels: string[] = [];
  const tokens: string[] = [];
  for (let n = 0; n < 40; n++) {
    const channelId = nextId();
    const i = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "ha", focused: true }], {
      autocomplete: true,
      channelId,
      dm: true,
      userInstall: true,
    });
    h.fake.dispatch("INTERACTION_CREATE", i);
    channels.push(channelId);
    tokens.push(i.token);
  }
  for (const token of tokens) await h.fake.waitFor((r) => r.path.includes(token));
  expect(await cachedAfterHandling(channels)).toEqual([]);
});

it("a DM message's channel is answered, then uncached", async () => {
  const channelId = nextId();
  h.fake.dispatch("MESSAGE_CREATE", h.fake.message("similar to Mario Kart", { channelId, dm: true }));
  await h.fake.waitFor((r) => r.method === "POST" && r.path === `/channels/${channelId}/messages`);
  expect(await cachedAfterHandling([channelId])).toEqual([]);
});
