/**
 * Interaction tokens expire (15 minutes on Discord). A deferred reply is never edited with a
 * token about to expire: queued requests get "busy" before then (startBy), and an answer that
 * arrives too late goes to the channel as a normal message. The lifetime is shortened to 2 s here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HandleOptions } from "../../../src/bot/types.js";
import { discordHarness, sleep, watchProcessErrors } from "./discordHarness.js";

const LIFETIME_MS = 2000;
const MARGIN_MS = 500;
let h: Awaited<ReturnType<typeof discordHarness>>;
const processErrors = watchProcessErrors();
const options = new Map<string, HandleOptions>();

beforeAll(async () => {
  h = await discordHarness({
    adapter: { interactionTokenLifetimeMs: LIFETIME_MS, interactionTokenMarginMs: MARGIN_MS, generationBudgetMs: 0 },
  });
  const handle = h.bot.handle.bind(h.bot);
  h.bot.handle = (request, o = {}) => {
    if (request.requestId) options.set(request.requestId, o);
    return handle(request, o);
  };
});
afterAll(async () => {
  await h?.stop();
  processErrors.dispose();
  expect(processErrors.errors).toEqual([]);
});

describe("Discord interaction token lifetime", () => {
  it("passes startBy = created + lifetime − margin − generation budget", async () => {
    const sent = Date.now();
    const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    h.fake.dispatch("INTERACTION_CREATE", interaction);
    await h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(interaction.token) && r.body.embeds?.length > 0);
    const startBy = options.get(interaction.id)?.startBy;
    expect(startBy).toBeGreaterThanOrEqual(sent + LIFETIME_MS - MARGIN_MS - 50);
    expect(startBy).toBeLessThanOrEqual(Date.now() + LIFETIME_MS - MARGIN_MS);
  });

  it("an answer ready after the token's useful life goes to the channel as a message, with no edit on the stale token", async () => {
    const run = h.engine.run.bind(h.engine);
    h.engine.run = async (...args: Parameters<typeof run>) => {
      await sleep(LIFETIME_MS + 500);
      return run(...args);
    };
    try {
      const user = h.fake.user();
      const sent = Date.now();
      const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], { user });
      h.fake.dispatch("INTERACTION_CREATE", interaction);
      const post = await h.fake.waitFor(
        (r) => r.method === "POST" && r.path === `/channels/${h.fake.channelId}/messages` && r.at >= sent && r.body.embeds?.length > 0,
      );
      expect(post.body.embeds[0].description).toContain("Halo Reach");
      expect(post.body.content).toContain(`<@${user.id}>`);
      expect(post.body.allowed_mentions).toMatchObject({ parse: [], users: [user.id] });
      await sleep(300);
      const late = h.fake.requests.filter(
        (r) => r.path.includes(interaction.token) && r.method !== "POST" && r.at >= sent + LIFETIME_MS - MARGIN_MS,
      );
      expect(late).toEqual([]);
      expect(h.fake.requests.filter((r) => r.path.includes(interaction.token) && r.at >= sent + LIFETIME_MS)).toEqual([]);
    } finally {
      h.engine.run = run;
    }
  });

  it("a late private answer goes to the person's DM with the bot: a server without the bot, and the message menu", async () => {
    const run = h.engine.run.bind(h.engine);
    h.engine.run = async (...args: Parameters<typeof run>) => {
      await sleep(LIFETIME_MS + 500);
      return run(...args);
    };
    try {
      const user = h.fake.user();
      const foreign = h.fake.foreignGuild();
      const away = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }], {
        user,
        guildId: foreign.guildId,
        channelId: foreign.channelId,
        userInstall: true,
      });
      const sent = Date.now();
      const dmPosts = () =>
        h.fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${h.fake.dmChannels.get(user.id)}/messages`);
      // One at a time: the harness runs one request at once and lets none wait past its token.
      h.fake.dispatch("INTERACTION_CREATE", away);
      const opened = await h.fake.waitFor((r) => r.method === "POST" && r.path === "/users/@me/channels");
      expect(opened.body).toEqual({ recipient_id: user.id });
      for (let i = 0; i < 50 && dmPosts().length < 1; i++) await sleep(100);
      // Made now: its token's life starts when it is created.
      const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("Forza Motorsport 2 rules"), { user });
      h.fake.dispatch("INTERACTION_CREATE", menu);
      for (let i = 0; i < 50 && dmPosts().length < 2; i++) await sleep(100);
      const answers = dmPosts().map((r) => r.body);
      expect(answers).toHaveLength(2);
      expect(answers[0].embeds[0].description).toContain("Halo Reach");
      expect(answers[1].embeds[0].description).toMatch(/^1\. /);
      // Private answers stay the person's: no "Share" in their own DM; and no buttons at all, since
      // "More like"/👍/👎 clicked in the DM would act on the DM's conversation, not the one answered.
      expect(JSON.stringify(answers)).not.toContain("sidbot:share");
      expect(answers.map((a) => a.components ?? [])).toEqual([[], []]);
      // Nothing went to either channel: the bot cannot post in one, and the other answer was private.
      expect(h.fake.requests.filter((r) => r.path.startsWith(`/channels/${foreign.channelId}`))).toEqual([]);
      expect(h.fake.requests.filter((r) => r.path === `/channels/${h.fake.channelId}/messages` && r.at >= sent)).toEqual([]);
    } finally {
      h.engine.run = run;
    }
  });
});
