/**
 * "Each answer is shared once" — but only once it really was shared: a Share whose public reply
 * Discord refuses (10062 Unknown interaction, as its API documents for an expired interaction)
 * can be clicked again. The share claim lives as long as conversations (memory.ttlSeconds), not the
 * one-day delivery window. Real discord.js against the fake Discord; real Redis for the claim's lifetime.
 */
import { afterAll, describe, expect, it } from "vitest";
import { DISCORD_TEXTS } from "../../../src/adapters/discord/discordTexts.js";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { discordHarness } from "./discordHarness.js";

const hasRedis = await requireRedis();
const harnesses: Awaited<ReturnType<typeof discordHarness>>[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.stop();
});

async function privateAnswer(h: Awaited<ReturnType<typeof discordHarness>>, user: ReturnType<typeof h.fake.user>) {
  const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("Halo 3 is my favourite"), { user });
  h.fake.dispatch("INTERACTION_CREATE", menu);
  const answer = await h.fake.waitFor(
    (r) => r.method === "PATCH" && r.path.endsWith(`/${menu.token}/messages/@original`) && !/in line/.test(r.body.content ?? ""),
  );
  return { ...answer.body, id: nextId(), channel_id: h.fake.channelId, author: h.fake.botUser, flags: 64, type: 0 };
}

/** Clicks Share; resolves with the click's last callback (after a refused reply: the private "could not share" line). */
async function clickShare(
  h: Awaited<ReturnType<typeof discordHarness>>,
  message: unknown,
  user: ReturnType<typeof h.fake.user>,
  refused = false,
) {
  const click = h.fake.buttonInteraction("sidbot:share", message, user);
  h.fake.dispatch("INTERACTION_CREATE", click);
  const path = `/interactions/${click.id}/${click.token}/callback`;
  return h.fake.waitFor((r) => r.path === path && (!refused || r.body.data?.content === DISCORD_TEXTS.shareFailed));
}

describe("Share after a refused public reply", () => {
  it("a second click shares it (nothing was posted the first time); a third says Already shared", async () => {
    const h = await discordHarness();
    harnesses.push(h);
    const me = h.fake.user("me");
    const answer = await privateAnswer(h, me);
    h.fake.failures.push({
      method: "POST",
      path: /\/interactions\/.*\/callback$/,
      status: 404,
      body: { code: 10062, message: "Unknown interaction" },
      times: 1,
    });
    await clickShare(h, answer, me, true);
    const second = await clickShare(h, answer, me);
    // Callback type 4 without the ephemeral flag (64): a message everyone in the channel sees.
    expect(second.body.type).toBe(4);
    expect(Number(second.body.data.flags ?? 0) & 64).toBe(0);
    expect(second.body.data.embeds).toEqual(answer.embeds);
    const third = await clickShare(h, answer, me);
    expect(third.body.data.content).toBe(DISCORD_TEXTS.alreadyShared);
  });
});

describe.runIf(hasRedis)("Share claim lifetime", () => {
  it("is kept as long as conversations (memory.ttlSeconds), not one day", async () => {
    const namespace = uniqueNamespace("discord-share-ttl");
    const week = 7 * 24 * 3600;
    const h = await discordHarness({
      bot: { redisUrl: SHARED_REDIS_URL, namespace, configure: (c) => Object.assign(c.memory, { ttlSeconds: week }) },
    });
    harnesses.push(h);
    const me = h.fake.user("me");
    const answer = await privateAnswer(h, me);
    await clickShare(h, answer, me);
    const { createClient } = await import("@keyv/redis");
    const client = createClient({ url: SHARED_REDIS_URL });
    await client.connect();
    try {
      const ttl = await client.pTTL(`${namespace}:seen:discord:share:${answer.id}`);
      expect(ttl).toBeGreaterThan(24 * 3600 * 1000);
      expect(ttl).toBeLessThanOrEqual(week * 1000);
    } finally {
      await client.quit();
    }
  });
});
