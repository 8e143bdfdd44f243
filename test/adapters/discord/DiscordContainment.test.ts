/**
 * Every handler contains its own failures: a refused platform call or a malformed event is
 * logged (request id + stack) and, where possible, the person still gets an answer — nothing
 * escapes as an unhandled rejection (which ends a production process).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callbacks, channelPosts, discordHarness, sleep, threadStarts, watchProcessErrors } from "./discordHarness.js";

let h: Awaited<ReturnType<typeof discordHarness>>;
const processErrors = watchProcessErrors();

beforeAll(async () => {
  h = await discordHarness();
});
afterAll(async () => {
  await h?.stop();
  processErrors.dispose();
});
afterEach(() => {
  h.fake.forbidThreads = false;
  h.fake.failures.length = 0;
  expect(processErrors.errors).toEqual([]);
});

const botMessage = (channelId: string, extra: Record<string, unknown> = {}) => h.fake.botMessage(channelId, extra);

describe("Discord: a refused platform call is contained", () => {
  it("no permission to create threads: answers in the channel as a reply to the message, logs with request id and stack", async () => {
    h.fake.forbidThreads = true;
    const mention = h.fake.message("similar to Halo 3", { mentionBot: true });
    h.fake.dispatch("MESSAGE_CREATE", mention);
    const answer = await h.fake.waitFor(
      (r) => r.method === "POST" && r.path === `/channels/${h.fake.channelId}/messages` && r.body.embeds?.length > 0,
    );
    expect(answer.body.message_reference?.message_id).toBe(mention.id);
    expect(answer.body.embeds[0].description).toContain("Halo Reach");
    expect(answer.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    const logged = h.lines.find((l) => l.fields.requestId === mention.id && /thread/i.test(l.message ?? ""));
    expect(logged?.level).toBe("warn");
    expect(String((logged?.fields.err as Error | undefined)?.stack)).toMatch(/Missing Permissions/);
  });

  it("sending fails too (no thread, no send permission): logged, nothing thrown, and the next request is answered", async () => {
    h.fake.forbidThreads = true;
    h.fake.failures.push({
      method: "POST",
      path: /^\/channels\/\d+\/messages$/,
      status: 403,
      body: { message: "Missing Permissions", code: 50013 },
    });
    const mention = h.fake.message("similar to Halo 3", { mentionBot: true });
    h.fake.dispatch("MESSAGE_CREATE", mention);
    for (let i = 0; i < 50 && !h.lines.some((l) => l.level === "error" && l.fields.requestId === mention.id); i++) await sleep(100);
    const failed = h.lines.find((l) => l.level === "error" && l.fields.requestId === mention.id);
    expect(failed?.message).toMatch(/could not (answer|send)/);
    expect(String((failed?.fields.err as Error | undefined)?.stack)).toContain("DiscordAPIError");

    h.fake.forbidThreads = false;
    h.fake.failures.length = 0;
    const next = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    h.fake.dispatch("INTERACTION_CREATE", next);
    await h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(next.token) && r.body.embeds?.length > 0);
  });

  it("a refused deferral of a slash command is logged, not thrown", async () => {
    const interaction = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    h.fake.failures.push({
      method: "POST",
      path: new RegExp(`^/interactions/${interaction.id}/`),
      status: 404,
      body: { message: "Unknown interaction", code: 10062 },
    });
    h.fake.dispatch("INTERACTION_CREATE", interaction);
    for (let i = 0; i < 50 && !h.lines.some((l) => l.fields.requestId === interaction.id && l.level === "error"); i++) await sleep(100);
    expect(h.lines.find((l) => l.fields.requestId === interaction.id && l.level === "error")?.message).toMatch(/slash command failed/);
  });
});

describe("Discord: malformed events", () => {
  it("a button interaction whose message.thread is null is still answered", async () => {
    const message = botMessage(h.fake.channelId, { thread: null });
    const click = h.fake.buttonInteraction("sidbot:more:0", message);
    h.fake.dispatch("INTERACTION_CREATE", click);
    const edit = await h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(click.token));
    expect(edit.body.embeds?.[0]?.description ?? edit.body.content).toBeTruthy();
    expect(callbacks(h.fake, click)[0]?.body.type).toBe(5);
  });

  it("a mention whose message.thread is null is still answered", async () => {
    const mention = { ...h.fake.message("similar to Halo 3", { mentionBot: true }), thread: null };
    h.fake.dispatch("MESSAGE_CREATE", mention);
    await h.fake.waitFor((r) => r.method === "POST" && r.path.endsWith(`/messages/${mention.id}/threads`));
  });

  it("an event discord.js cannot read (a message without author) is dropped and logged; the bot keeps answering", async () => {
    const broken = { ...h.fake.message("similar to Halo 3", { mentionBot: true }), author: null };
    h.fake.dispatch("MESSAGE_CREATE", broken);
    const dropped = () => h.lines.find((l) => /malformed gateway event dropped/.test(l.message ?? ""));
    for (let i = 0; i < 30 && !dropped(); i++) await sleep(100);
    expect(dropped()?.level).toBe("error");
    expect(dropped()?.fields).toMatchObject({ event: "MESSAGE_CREATE" });
    expect(String((dropped()?.fields.err as Error | undefined)?.stack)).toMatch(/TypeError/);
    expect(threadStarts(h.fake, broken.id)).toEqual([]);
    const next = h.fake.commandInteraction("similar", [{ name: "game", type: 3, value: "Halo 3" }]);
    h.fake.dispatch("INTERACTION_CREATE", next);
    await h.fake.waitFor((r) => r.method === "PATCH" && r.path.includes(next.token) && r.body.embeds?.length > 0);
  });
});

describe("Discord feedback buttons", () => {
  it("acknowledge before storing; a failed store is logged and the person still gets the thanks", async () => {
    const original = h.bot.feedback.bind(h.bot);
    let storedAt = 0;
    h.bot.feedback = async () => {
      await sleep(2000);
      storedAt = Date.now();
      throw new Error("Redis is down");
    };
    try {
      const click = h.fake.buttonInteraction("sidbot:fb:up:0", botMessage(h.fake.channelId));
      const sent = Date.now();
      h.fake.dispatch("INTERACTION_CREATE", click);
      const ack = await h.fake.waitFor((r) => r.path === `/interactions/${click.id}/${click.token}/callback`);
      expect(ack.at - sent).toBeLessThan(1500);
      expect(ack.body).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringMatching(/Thanks/) } });
      for (let i = 0; i < 40 && !h.lines.some((l) => l.fields.requestId === click.id && /feedback/.test(l.message ?? "")); i++)
        await sleep(100);
      expect(storedAt).toBeGreaterThan(ack.at);
      const logged = h.lines.find((l) => l.fields.requestId === click.id && /feedback/.test(l.message ?? ""));
      expect(logged?.level).toBe("error");
      expect(callbacks(h.fake, click)).toHaveLength(1);
      // No "something went wrong" anywhere: the thanks stands.
      expect(channelPosts(h.fake).filter((r) => r.at >= sent && /went wrong/.test(r.body.content ?? ""))).toEqual([]);
      expect(h.fake.requests.filter((r) => r.method === "PATCH" && r.path.includes(click.token))).toEqual([]);
    } finally {
      h.bot.feedback = original;
    }
  });
});
