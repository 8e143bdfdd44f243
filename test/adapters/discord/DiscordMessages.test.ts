/**
 * Messages and redeliveries: thread names that cannot ping or leak mention syntax, the Message
 * Content intent switched off, and the same event delivered twice (gateway replay, or two
 * processes that both see it).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../support/fakes/FakeDiscord.js";
import { channelPosts, discordHarness, sleep, threadStarts, watchProcessErrors } from "./discordHarness.js";

const processErrors = watchProcessErrors();
const harnesses: Awaited<ReturnType<typeof discordHarness>>[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.stop();
  processErrors.dispose();
  expect(processErrors.errors).toEqual([]);
});
async function harness(options: Parameters<typeof discordHarness>[0] = {}) {
  const h = await discordHarness(options);
  harnesses.push(h);
  return h;
}

/** The thread id from the bot's first post into a thread started on `messageId`. */
async function threadOf(h: Awaited<ReturnType<typeof discordHarness>>, messageId: string): Promise<string> {
  await h.fake.waitFor((r) => r.method === "POST" && r.path.endsWith(`/messages/${messageId}/threads`));
  return h.fake.threadsByMessage.get(messageId)!;
}

describe("Discord thread names", () => {
  it("neutralise @everyone, @here and mention syntax, and stay within 100 characters", async () => {
    const h = await harness();
    const friend = h.fake.user(undefined, "Robin");
    const text =
      `@everyone @here games like <@${friend.id}> plays, for <@&123456789012345678> in ` +
      `<#234567890123456789>, not <@!345678901234567890> ${"and more ".repeat(20)}`;
    const mention = h.fake.message(text, { mentionBot: true, mentions: [friend] });
    h.fake.dispatch("MESSAGE_CREATE", mention);
    const start = await h.fake.waitFor((r) => r.method === "POST" && r.path.endsWith(`/messages/${mention.id}/threads`));
    const name = start.body.name as string;
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name).not.toMatch(/@everyone|@here|<[@#]/);
    expect(name).toMatch(/^everyone here games like Robin plays, for @role in #channel, not someone and more/);
  });
});

describe("Discord without the Message Content intent", () => {
  it("answers mentions; an unmentioned (empty) message in its thread gets one short hint per thread, not the help text", async () => {
    const h = await harness({ settings: { messageContentIntent: false } });
    const mention = h.fake.message("similar to Halo 3", { mentionBot: true });
    h.fake.dispatch("MESSAGE_CREATE", mention);
    const threadId = await threadOf(h, mention.id);
    await h.fake.waitFor((r) => r.method === "POST" && r.path === `/channels/${threadId}/messages` && r.body.embeds?.length > 0);

    const before = h.fake.requests.length;
    const since = (r: RecordedRequest) => h.fake.requests.indexOf(r) >= before;
    h.fake.dispatch("MESSAGE_CREATE", h.fake.message("", { channelId: threadId }));
    const hint = await h.fake.waitFor((r) => r.method === "POST" && r.path === `/channels/${threadId}/messages` && since(r));
    expect(hint.body.content).toMatch(/mention me/);
    expect(hint.body.content).toMatch(/\/recommend/);
    expect(hint.body.content).not.toMatch(/I recommend video games/);

    h.fake.dispatch("MESSAGE_CREATE", h.fake.message("", { channelId: threadId }));
    await sleep(500);
    expect(channelPosts(h.fake, threadId).filter(since)).toHaveLength(1);

    const followUp = h.fake.requests.length;
    h.fake.dispatch("MESSAGE_CREATE", h.fake.message("why that one?", { channelId: threadId, mentionBot: true }));
    const why = await h.fake.waitFor(
      (r) =>
        r.method === "POST" &&
        r.path === `/channels/${threadId}/messages` &&
        h.fake.requests.indexOf(r) >= followUp &&
        /Halo|catalog|related|match/.test(JSON.stringify(r.body)),
    );
    expect(why.body.content).not.toMatch(/mention me/);
  });
});

describe("Discord duplicate deliveries", () => {
  it("the same INTERACTION_CREATE twice: deferred once, answered once", async () => {
    const h = await harness();
    const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    h.fake.dispatch("INTERACTION_CREATE", interaction, 2);
    await h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(interaction.token) && r.body.embeds?.length > 0);
    await sleep(500);
    expect(h.fake.requests.filter((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`)).toHaveLength(1);
    expect(
      h.fake.requests.filter((r) => r.method === "PATCH" && r.path.includes(interaction.token) && r.body.embeds?.length > 0),
    ).toHaveLength(1);
  });

  it("the same mention seen by two processes: one thread, one answer", async () => {
    const h = await harness({ adapters: 2 });
    const mention = h.fake.message("similar to Halo 3", { mentionBot: true });
    h.fake.dispatch("MESSAGE_CREATE", mention);
    const threadId = await threadOf(h, mention.id);
    await h.fake.waitFor((r) => r.method === "POST" && r.path === `/channels/${threadId}/messages` && r.body.embeds?.length > 0);
    await sleep(500);
    expect(threadStarts(h.fake, mention.id)).toHaveLength(1);
    expect(channelPosts(h.fake).filter((r) => r.body.embeds?.length > 0)).toHaveLength(1);
  });

  it("the same MESSAGE_CREATE twice to one process: one thread", async () => {
    const h = await harness();
    const mention = h.fake.message("similar to Halo 3", { mentionBot: true });
    h.fake.dispatch("MESSAGE_CREATE", mention, 2);
    const threadId = await threadOf(h, mention.id);
    await h.fake.waitFor((r) => r.method === "POST" && r.path === `/channels/${threadId}/messages` && r.body.embeds?.length > 0);
    await sleep(500);
    expect(threadStarts(h.fake, mention.id)).toHaveLength(1);
  });

  it("dispatchTo reaches one gateway connection only", async () => {
    const h = await harness({ adapters: 2 });
    const seen = [0, 0];
    h.adapters.forEach((a, i) => {
      a.client.on("raw", (p: { t?: string }) => void (p.t === "TYPING_START" && seen[i]!++));
    });
    h.fake.dispatchTo(1, "TYPING_START", { channel_id: h.fake.channelId, user_id: "1", timestamp: 0 });
    await sleep(300);
    expect(seen[0]! + seen[1]!).toBe(1);
  });
});
