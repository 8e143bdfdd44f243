/**
 * With user installs, sidbot sees a stream of group DMs, servers without the bot and people it
 * will never see again: discord.js's caches must stay bounded. Real discord.js against the fake
 * Discord; the interactions are shaped as Discord documents them (context 2 = private channel,
 * channel type 3 = group DM, a guild the READY event did not list).
 */
import { expect, it } from "vitest";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { discordHarnessPerFile, sleep } from "./discordHarness.js";

const USER_CACHE = 50;
const h = discordHarnessPerFile({ adapter: { userCacheSize: USER_CACHE } });

it("hundreds of distinct group DMs and servers without the bot leave the channel and user caches bounded", async () => {
  const client = h.adapter.client;
  const channelsBefore = client.channels.cache.size;
  const tokens: string[] = [];
  for (let n = 0; n < 150; n++) {
    const groupDm = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "ha", focused: true }], {
      autocomplete: true,
      channelId: nextId(),
      context: "privateChannel",
      userInstall: true,
    });
    const foreign = h.fake.foreignGuild();
    const command = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
      guildId: foreign.guildId,
      channelId: foreign.channelId,
      userInstall: true,
    });
    h.fake.dispatch("INTERACTION_CREATE", groupDm);
    h.fake.dispatch("INTERACTION_CREATE", command);
    tokens.push(groupDm.token, command.token);
  }
  // Every interaction answered (autocomplete responses, command answers).
  await h.fake.waitFor(
    () => tokens.every((token) => h.fake.requests.some((r) => r.path.includes(token) && (r.method === "PATCH" || r.body?.type === 8))),
    30_000,
  );
  await sleep(100); // the handlers' clean-up runs right after their last request
  expect(client.channels.cache.size - channelsBefore).toBeLessThan(10);
  expect(client.users.cache.size).toBeLessThanOrEqual(USER_CACHE + 1);
  // The bot itself is never evicted.
  expect(client.users.cache.has(h.fake.botUser.id)).toBe(true);
});

it("the channel of a server that installed the bot stays cached", async () => {
  const command = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
  h.fake.dispatch("INTERACTION_CREATE", command);
  await h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(command.token));
  await sleep(100);
  expect(h.adapter.client.channels.cache.has(h.fake.channelId)).toBe(true);
});
