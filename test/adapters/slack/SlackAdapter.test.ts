import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackAdapter } from "../../../src/adapters/slack/SlackAdapter.js";
import { testBot } from "../../support/bots.js";
import { FakeSlack } from "../../support/fakes/FakeSlack.js";

let fake: FakeSlack;
let adapter: SlackAdapter;
let dispose: () => Promise<void>;

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  const t = await testBot();
  dispose = t.dispose;
  adapter = new SlackAdapter({
    bot: t.bot,
    botToken: fake.botToken,
    appToken: fake.appToken,
    apiUrl: fake.apiUrl,
    streamEditIntervalMs: 250,
  });
  await adapter.start();
  await fake.socketReady();
});
afterAll(async () => {
  await adapter?.stop();
  await fake?.stop();
  await dispose?.();
});

/** The next final answer (an update with blocks) in `channel` not yet seen by `skip`. */
const answered = (channel: string, skip: readonly unknown[] = []) =>
  fake.waitFor((c) => c.method === "chat.update" && c.args.channel === channel && Array.isArray(c.args.blocks) && !skip.includes(c));

describe("SlackAdapter in Socket Mode against a fake Slack", () => {
  it("slash command: acked at once, then Thinking… updated with the answer in Block Kit", async () => {
    const started = Date.now();
    const ack = await fake.send("slash_commands", fake.slashCommand("similar to Halo 3", { channel: "C0100" }));
    expect(ack.envelope_id).toBeDefined();
    const thinking = await fake.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "C0100");
    expect(thinking.args.text).toBe("Thinking…");
    const update = await answered("C0100");
    expect(update.args.blocks[0].text.text).toMatch(/^\*1\. Halo Reach - Limited Edition -Xbox 360\*/);
    expect(update.args.blocks.length).toBeLessThanOrEqual(50);
    expect(update.args.blocks.at(-1)).toMatchObject({ type: "context" });
    expect(JSON.stringify(update.args.blocks)).toMatch(/answered by the catalog/);
    expect(update.args.text).toMatch(/^1\. Halo Reach/);
    expect(update.at - started).toBeLessThan(3000);
  });

  it("mention → answer in its thread → follow-up in the thread without a mention, with memory", async () => {
    const mention = fake.mention("similar to Mario Kart", { channel: "C0200" });
    await fake.send("events_api", mention);
    const thinking = await fake.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "C0200");
    expect(thinking.args.thread_ts).toBe(mention.event.ts);
    const first = await answered("C0200");

    const followUp = fake.message("how about for Xbox?", { channel: "C0200", threadTs: mention.event.ts as string });
    await fake.send("events_api", followUp);
    const second = await answered("C0200", [first]);
    const titles = (second.args.blocks as { type: string; text?: { text: string } }[])
      .filter((b) => b.type === "section")
      .map((b) => b.text!.text);
    expect(titles.length).toBeGreaterThan(0);
    expect(
      titles.filter((t) => !/Xbox|Halo/.test(t)),
      JSON.stringify(second.args.blocks),
    ).toEqual([]);
  });

  it("ignores thread messages in threads it is not part of, and channel chatter", async () => {
    const before = fake.calls.length;
    await fake.send("events_api", fake.message("similar to Halo 3", { channel: "C0300", threadTs: "123.456" }));
    await fake.send("events_api", fake.message("similar to Halo 3", { channel: "C0300" }));
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls.slice(before).filter((c) => c.method === "chat.postMessage")).toEqual([]);
  });

  it("answers DMs", async () => {
    await fake.send("events_api", fake.message("similar to Forza Motorsport 2", { channel: "D0400", im: true }));
    const update = await answered("D0400");
    expect(update.args.blocks[0].text.text).toMatch(/^\*1\. /);
  });

  it("processes a retried event (same event_id) once", async () => {
    const event = fake.mention("similar to Halo 3", { channel: "C0500" });
    await fake.send("events_api", event);
    await fake.send("events_api", event, { retryAttempt: 1 });
    await answered("C0500");
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === "C0500")).toHaveLength(1);
  });

  it("buttons: more like #1 answers anew in the thread; 👍 is acknowledged", async () => {
    const mention = fake.mention("similar to Halo 3", { channel: "C0600" });
    await fake.send("events_api", mention);
    const first = await answered("C0600");
    const actions = (first.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
      (b) => b.type === "actions",
    )!;
    const more = actions.elements!.find((e) => e.action_id === "sidbot_more_1")!;
    await fake.send(
      "interactive",
      fake.buttonClick("sidbot_more_1", more.value, { ts: first.args.ts, thread_ts: mention.event.ts as string }, { channel: "C0600" }),
    );
    const second = await answered("C0600", [first]);
    expect(second.args.blocks[0].text.text).toMatch(/^\*1\. /);

    const feedback = (first.args.blocks as { type: string; elements?: Record<string, unknown>[] }[]).find(
      (b) => b.type === "context_actions",
    )!;
    await fake.send(
      "interactive",
      fake.feedbackClick(
        feedback.elements![0]!,
        "positive",
        { ts: first.args.ts, thread_ts: mention.event.ts as string },
        { channel: "C0600" },
      ),
    );
    const thanks = await fake.waitFor((c) => c.method.startsWith("response/") && /Thanks/.test(JSON.stringify(c.args)));
    expect(thanks.args.response_type).toBe("ephemeral");
  });

  it("retries a rate-limited chat.update after the advised delay", async () => {
    fake.rateLimitOnce.push({ method: "chat.update" });
    await fake.send("slash_commands", fake.slashCommand("similar to Halo 3", { channel: "C0700" }));
    const update = await answered("C0700");
    const limited = fake.calls.find((c) => c.method === "chat.update (ratelimited)")!;
    expect(limited).toBeDefined();
    expect(update.at - limited.at).toBeGreaterThanOrEqual(900);
  });
});

describe("Slack Socket Mode disconnects", () => {
  it("reconnects by itself and keeps answering", async () => {
    const opens = () => fake.calls.filter((c) => c.method === "apps.connections.open").length;
    const before = opens();
    fake.dropSockets();
    for (let i = 0; i < 100 && opens() === before; i++) await new Promise((r) => setTimeout(r, 100));
    expect(opens()).toBeGreaterThan(before);
    await fake.socketReady();
    await fake.send("slash_commands", fake.slashCommand("similar to Halo 3", { channel: "C0800" }));
    const update = await answered("C0800");
    expect(update.args.blocks[0].text.text).toMatch(/Halo Reach/);
  });
});
