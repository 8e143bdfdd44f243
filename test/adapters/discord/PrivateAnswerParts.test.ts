/**
 * A private (ephemeral) answer stays private in every part, and "Share" posts all of it, once —
 * through the real discord.js client against the fake Discord. Oracles, from Discord's docs:
 * after a deferred response only the first follow-up inherits its ephemerality, every other
 * follow-up is private only with flags 64; one message carries at most 10 embeds and 6000 embed
 * characters; callback type 4 posts a message (flags 64 = only the person sees it).
 */
import { describe, expect, it } from "vitest";
import { CUT_TO_FIT } from "../../../src/adapters/discord/renderDiscordReply.js";
import type { BotReply } from "../../../src/bot/types.js";
import { toRecommended } from "../../../src/engine/Engine.js";
import { nextId } from "../../support/fakes/FakeDiscord.js";
import { callbacks, discordHarnessPerFile, sleep } from "./discordHarness.js";

const h = discordHarnessPerFile();

/** A long explanation made of distinct numbered paragraphs, so each part can be found again. */
const explanation = (paragraphs: number) =>
  Array.from({ length: paragraphs }, (_, i) => `Paragraph ${i}: why these games fit what you asked for, in some detail.`).join("\n\n");

/** Runs `work` with the bot answering `answer` to every request. */
async function answering<T>(answer: () => BotReply, work: () => Promise<T>): Promise<T> {
  const real = h.bot.handle.bind(h.bot);
  h.bot.handle = async () => answer();
  try {
    return await work();
  } finally {
    h.bot.handle = real;
  }
}

const answered = (token: string) =>
  h.fake.waitFor(
    (r) => r.method === "PATCH" && r.path.endsWith(`/${token}/messages/@original`) && (r.body.embeds?.length > 0 || r.body.content),
  );

/** Every text the messages of an interaction token carry (content and embed descriptions). */
const textsOf = (bodies: { content?: string; embeds?: { description?: string }[] }[]) =>
  bodies.flatMap((b) => [b.content ?? "", ...(b.embeds ?? []).map((e) => e.description ?? "")]).join("\n");

describe("a private answer without items", () => {
  it("is one private message with Share, all its text in the embeds", async () => {
    const text = explanation(60); // ≈ 4,400 characters: more than one message's 2,000 of content, within 6,000 of embeds
    await answering(
      () => ({ kind: "answer", items: [], text, notices: [], followUps: [] }),
      async () => {
        const foreign = h.fake.foreignGuild();
        const i = h.fake.commandInteraction("recommend", [{ name: "query", type: 3, value: "cozy games" }], {
          guildId: foreign.guildId,
          channelId: foreign.channelId,
          userInstall: true,
        });
        h.fake.dispatch("INTERACTION_CREATE", i);
        const edit = await answered(i.token);
        expect(callbacks(h.fake, i)[0]?.body).toEqual({ type: 5, data: { flags: 64 } });
        for (let p = 0; p < 60; p++) expect(textsOf([edit.body])).toContain(`Paragraph ${p}:`);
        expect(JSON.stringify(edit.body.components)).toContain("sidbot:share");
        await sleep(100);
        const sent = h.fake.interactionMessages.filter((m) => m.token === i.token);
        expect(sent).toHaveLength(1);
        expect(sent.filter((m) => !m.ephemeral)).toEqual([]);
      },
    );
  });
});

describe("Share", () => {
  it("a private answer with a long explanation is one message, and Share posts all of it", async () => {
    const text = explanation(60); // ≈ 4,500 characters: more than one embed description holds
    const items = h.engine.catalog.catalog.items.slice(0, 3).map(toRecommended);
    await answering(
      () => ({ kind: "answer", items, text, notices: [], followUps: [] }),
      async () => {
        const user = h.fake.user();
        const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("Halo 3 was great"), { user });
        h.fake.dispatch("INTERACTION_CREATE", menu);
        const answer = await answered(menu.token);
        await sleep(200); // any follow-up parts would have been sent by now
        expect(h.fake.interactionMessages.filter((m) => m.token === menu.token)).toHaveLength(1);
        expect(answer.body.embeds.length).toBeLessThanOrEqual(10);
        const embedChars = (answer.body.embeds as { description?: string; footer?: { text: string }; title?: string }[]).reduce(
          (n, e) => n + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.title?.length ?? 0),
          0,
        );
        expect(embedChars).toBeLessThanOrEqual(6000);

        const ephemeral = { ...answer.body, id: nextId(), channel_id: h.fake.channelId, author: h.fake.botUser, flags: 64, type: 0 };
        const share = h.fake.buttonInteraction("sidbot:share", ephemeral, user);
        h.fake.dispatch("INTERACTION_CREATE", share);
        const posted = await h.fake.waitFor((r) => r.path === `/interactions/${share.id}/${share.token}/callback`);
        expect(posted.body.type).toBe(4);
        const shared = textsOf([posted.body.data]);
        for (let p = 0; p < 60; p++) expect(shared).toContain(`Paragraph ${p}:`);
      },
    );
  });

  it("an explanation beyond one message's room is cut visibly, never silently", async () => {
    const text = explanation(200); // ≈ 15,000 characters
    const items = h.engine.catalog.catalog.items.slice(0, 3).map(toRecommended);
    await answering(
      () => ({ kind: "answer", items, text, notices: [], followUps: [] }),
      async () => {
        const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("Halo 3 was great"));
        h.fake.dispatch("INTERACTION_CREATE", menu);
        const answer = await answered(menu.token);
        expect(textsOf([answer.body])).toContain(CUT_TO_FIT);
      },
    );
  });

  it("clicked twice, posts the answer once; the second click gets a private note", async () => {
    const user = h.fake.user();
    const menu = h.fake.messageCommandInteraction("Find similar games", h.fake.message("Halo 3 was great"), { user });
    h.fake.dispatch("INTERACTION_CREATE", menu);
    const answer = await answered(menu.token);
    const ephemeral = { ...answer.body, id: nextId(), channel_id: h.fake.channelId, author: h.fake.botUser, flags: 64, type: 0 };
    const first = h.fake.buttonInteraction("sidbot:share", ephemeral, user);
    const second = h.fake.buttonInteraction("sidbot:share", ephemeral, user);
    h.fake.dispatch("INTERACTION_CREATE", first);
    h.fake.dispatch("INTERACTION_CREATE", second);
    await h.fake.waitFor(() => callbacks(h.fake, first).length > 0 && callbacks(h.fake, second).length > 0);
    const responses = [...callbacks(h.fake, first), ...callbacks(h.fake, second)].map((c) => c.body);
    const publicPosts = responses.filter((b) => b.type === 4 && (Number(b.data?.flags ?? 0) & 64) === 0);
    const notes = responses.filter((b) => b.type === 4 && (Number(b.data?.flags ?? 0) & 64) !== 0);
    expect(publicPosts).toHaveLength(1);
    expect(notes).toHaveLength(1);
    expect(notes[0].data.content).toMatch(/already shared/i);
  });
});
