import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SlackAdapter } from "../../../src/adapters/slack/SlackAdapter.js";
import { GENERIC_ERROR } from "../../../src/adapters/userMessages.js";
import { slackHarness } from "./slackHarness.js";

let h: Awaited<ReturnType<typeof slackHarness>>;
let adapter: SlackAdapter;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  h = await slackHarness();
  adapter = await h.socketAdapter();
});
afterEach(() => h.reset());
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await h?.dispose();
});

const answered = (channel: string) =>
  h.fake.waitFor((c) => c.method === "chat.update" && c.args.channel === channel && Array.isArray(c.args.blocks));
// biome-ignore lint/suspicious/noExplicitAny: the fake Slack records untyped request arguments as received
const privately = (test: (args: Record<string, any>) => boolean) => h.fake.waitFor((c) => c.method.startsWith("response/") && test(c.args));

/** The handler logged the failure itself (request id, stack); nothing reached Bolt or the process. */
async function expectContained(requestId: string) {
  for (let i = 0; i < 100 && !h.log.entries.some((e) => e.level === "error" && e.fields.requestId === requestId); i++)
    await new Promise((r) => setTimeout(r, 20));
  const line = h.log.entries.find((e) => e.level === "error" && e.fields.requestId === requestId);
  expect(line, JSON.stringify(h.log.entries.filter((e) => e.level !== "debug"))).toBeDefined();
  expect(line!.fields.err).toBeTruthy();
  expect(String((line!.fields.err as Error).stack)).toMatch(/\n\s+at /);
  expect(h.log.entries.filter((e) => e.message === "slack handler failed")).toEqual([]);
  expect(unhandled).toEqual([]);
}

describe("Slack handlers contain their own failures", () => {
  it("bot.handle throwing: the person is told, the log has the request id and the stack", async () => {
    h.faults.handle = () => Promise.reject(new Error("engine exploded"));
    const command = h.fake.slashCommand("similar to Halo 3", { channel: "C3100" });
    await h.fake.send("slash_commands", command);
    const told = await h.fake.waitFor((c) => c.method === "chat.update" && c.args.channel === "C3100");
    expect(told.args.text).toBe(GENERIC_ERROR);
    await expectContained(command.trigger_id);
  });

  it("chat.update failing: the answer still reaches the person, privately", async () => {
    h.fake.failOn("chat.update", "cant_update_message", { match: (a) => a.channel === "C3200" });
    const command = h.fake.slashCommand("similar to Halo 3", { channel: "C3200" });
    await h.fake.send("slash_commands", command);
    const reply = await privately((a) => Array.isArray(a.blocks) && /Halo/.test(JSON.stringify(a.blocks)));
    expect(reply.args.response_type).toBe("ephemeral");
    await expectContained(command.trigger_id);
  });

  it("chat.update failing for a mention: the answer is posted anew in the thread", async () => {
    h.fake.failOn("chat.update", "message_not_found", { match: (a) => a.channel === "C3250" });
    const mention = h.fake.mention("similar to Halo 3", { channel: "C3250" });
    await h.fake.send("events_api", mention);
    const anew = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "C3250" && Array.isArray(c.args.blocks));
    expect(anew.args.thread_ts).toBe(mention.event.ts);
    await expectContained(mention.event_id);
  });

  it("the ack failing: logged with the request id and stack, and the command is still answered", async () => {
    const client = (adapter as unknown as { app: { receiver: { client: { send: (...args: unknown[]) => Promise<void> } } } }).app.receiver
      .client;
    client.send = () => Promise.reject(new Error("socket closed before the ack"));
    try {
      const command = h.fake.slashCommand("similar to Halo 3", { channel: "C3300" });
      void h.fake.send("slash_commands", command).catch(() => undefined);
      await answered("C3300");
      await expectContained(command.trigger_id);
    } finally {
      delete (client as { send?: unknown }).send;
    }
  });

  it("a memory lookup failing for a thread message: contained and logged with the event id", async () => {
    h.faults.knows = () => Promise.reject(new Error("redis went away"));
    const event = h.fake.message("how about for Xbox?", { channel: "C3400", threadTs: "1700000000.000100" });
    await h.fake.send("events_api", event);
    await expectContained(event.event_id);
  });

  it("the duplicate check failing: the mention is answered anyway", async () => {
    h.faults.firstDelivery = () => Promise.reject(new Error("redis went away"));
    await h.fake.send("events_api", h.fake.mention("similar to Halo 3", { channel: "C3500" }));
    await answered("C3500");
    expect(unhandled).toEqual([]);
  });
});

describe("Slack text reaches the bot unescaped", () => {
  it("'Ratchet &amp; Clank' in a slash command reaches the bot as 'Ratchet & Clank'", async () => {
    const before = h.calls.handle.length;
    await h.fake.send("slash_commands", h.fake.slashCommand("similar to Ratchet &amp; Clank", { channel: "C3600" }));
    await answered("C3600");
    expect(h.calls.handle.slice(before).map((r) => r.input)).toEqual([{ text: "similar to Ratchet & Clank" }]);
  });

  it("a mention with links and channel references reaches the bot as plain text", async () => {
    const before = h.calls.handle.length;
    await h.fake.send("events_api", h.fake.mention("like <http://example.com/halo|Halo 3> for <#C024BE7LR|general>", { channel: "C3700" }));
    await answered("C3700");
    expect(h.calls.handle.slice(before).map((r) => r.input)).toEqual([{ text: "like Halo 3 for #general" }]);
  });

  it("a DM that mentions the bot is answered (Slack sends no app_mention for DMs), without the mention", async () => {
    const before = h.calls.handle.length;
    await h.fake.send("events_api", h.fake.message(`<@${h.fake.botUserId}> similar to Halo 3`, { channel: "D3750", im: true }));
    await answered("D3750");
    expect(h.calls.handle.slice(before).map((r) => r.input)).toEqual([{ text: "similar to Halo 3" }]);
  });
});

describe("Thinking… cannot be posted", () => {
  it("not_in_channel: the request runs once and the one answer arrives privately", async () => {
    h.fake.failOn("chat.postMessage", "not_in_channel", { match: (a) => a.channel === "C3800" });
    const before = h.calls.handle.length;
    const command = h.fake.slashCommand("similar to Halo 3", { channel: "C3800" });
    await h.fake.send("slash_commands", command);
    const reply = await privately((a) => Array.isArray(a.blocks));
    expect(reply.args.response_type).toBe("ephemeral");
    expect(JSON.stringify(reply.args.blocks)).toMatch(/Halo Reach/);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.calls.handle.length - before).toBe(1);
    const responses = h.fake.calls.filter((c) => c.method === new URL(command.response_url).pathname.slice(1));
    expect(responses).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.method === "chat.update" && c.args.channel === "C3800")).toEqual([]);
  });
});

describe("Slack feedback buttons", () => {
  const click = (action: string, channel: string) =>
    h.fake.buttonClick(action, "0,1", { ts: "1700000000.000200", thread_ts: "1700000000.000100" }, { channel });

  it("👍 is acknowledged and thanked before the vote is stored", async () => {
    let release = () => {};
    h.faults.feedback = () => new Promise<void>((resolve) => (release = resolve));
    const started = Date.now();
    const ack = await h.fake.send("interactive", click("sidbot_fb_up", "C3900"));
    expect(ack.envelope_id).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
    const thanks = await privately((a) => /Thanks/.test(String(a.text)));
    expect(thanks.args.response_type).toBe("ephemeral");
    expect(h.calls.feedback.at(-1)).toEqual([
      { platform: "slack", scope: "thread", id: "T0001:C3900:1700000000.000100" },
      "U0001",
      ["0", "1"],
      "up",
    ]);
    release();
  });

  it("a failure storing the vote is logged with the request id and stack, not crashed", async () => {
    h.faults.feedback = () => Promise.reject(new Error("redis went away"));
    const payload = click("sidbot_fb_down", "C4000");
    await h.fake.send("interactive", payload);
    await privately((a) => /Thanks/.test(String(a.text)) && a.text.includes("👎"));
    await expectContained(payload.trigger_id);
  });
});
