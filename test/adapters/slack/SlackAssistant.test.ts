import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationId } from "../../../src/bot/types.js";
import { requireRedis } from "../../support/redis.js";
import { assistantHarness, EXPLANATION, firstCatalogTitle } from "./assistantHarness.js";

const redis = await requireRedis();
let h: Awaited<ReturnType<typeof assistantHarness>>;

beforeAll(async () => {
  if (redis) h = await assistantHarness();
});
afterAll(async () => {
  await h?.dispose();
});

type Block = { type: string; text?: { text: string }; elements?: { type?: string; action_id?: string; value?: string }[] };

describe.runIf(redis)("Slack assistant thread, through Bolt's Assistant against a fake Slack", () => {
  it("greets a new thread and suggests prompts that name a game of the loaded catalog", async () => {
    const started = h.fake.assistantThreadStarted({ channel: "D0A100" });
    const thread = started.event.assistant_thread.thread_ts as string;
    await h.fake.send("events_api", started);
    const greeting = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "D0A100");
    expect(greeting.args.thread_ts).toBe(thread);
    expect(greeting.args.text.length).toBeLessThanOrEqual(200);
    const prompts = await h.fake.waitFor((c) => c.method === "assistant.threads.setSuggestedPrompts" && c.args.channel_id === "D0A100");
    expect(prompts.args.thread_ts).toBe(thread);
    // Slack takes up to four, each with a title and a message.
    const list = prompts.args.prompts as { title: string; message: string }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(4);
    for (const p of list) expect(p).toEqual({ title: expect.any(String), message: expect.any(String) });
    expect(list.map((p) => p.message).join("\n")).toContain(firstCatalogTitle());

    // Each prompt really answers on this catalog: clicking one in a new thread sends its message there.
    for (const [i, p] of list.entries()) {
      const channel = `D0A10${i + 1}`;
      const fresh = h.fake.assistantThreadStarted({ channel });
      await h.fake.send("events_api", fresh);
      await h.fake.send("events_api", h.fake.assistantMessage(p.message, fresh.event.assistant_thread.thread_ts as string, { channel }));
      await expect.poll(() => h.finalAnswers(channel).length, { timeout: 5000 }).toBe(1);
      const titled = (h.finalAnswers(channel)[0]!.args.blocks as Block[]).filter(
        (b) => b.type === "section" && /^\*1\. /.test(b.text?.text ?? ""),
      );
      expect(titled, `${p.message}: ${JSON.stringify(h.finalAnswers(channel)[0]!.args.blocks)}`).toHaveLength(1);
    }
  });

  it("start → status and title → streamed answer with its blocks at stop → 👍 stored in the thread's memory", async () => {
    const started = h.fake.assistantThreadStarted({ channel: "D0A200" });
    const thread = started.event.assistant_thread.thread_ts as string;
    await h.fake.send("events_api", started);
    await h.fake.waitFor((c) => c.method === "assistant.threads.setSuggestedPrompts" && c.args.channel_id === "D0A200");

    await h.fake.send("events_api", h.fake.assistantMessage("similar to Mario Kart", thread, { channel: "D0A200" }));
    const stop = await h.fake.waitFor((c) => c.method === "chat.stopStream" && c.args.channel === "D0A200");
    const calls = h.callsIn("D0A200").map((c) => c.method);
    const order = ["assistant.threads.setTitle", "assistant.threads.setStatus", "chat.startStream", "chat.appendStream", "chat.stopStream"];
    expect(order.map((m) => calls.indexOf(m))).toEqual([...order.map((m) => calls.indexOf(m))].sort((a, b) => a - b));
    expect(calls).not.toContain("chat.update");

    const title = h.callsIn("D0A200").find((c) => c.method === "assistant.threads.setTitle")!;
    expect(title.args).toMatchObject({ thread_ts: thread, title: "similar to Mario Kart" });
    const status = h.callsIn("D0A200").find((c) => c.method === "assistant.threads.setStatus")!;
    expect(status.args.thread_ts).toBe(thread);
    expect(status.args.status).not.toBe("");
    expect(status.args.loading_messages.length).toBeGreaterThan(1);
    expect(status.args.loading_messages.length).toBeLessThanOrEqual(10);

    const start = h.callsIn("D0A200").find((c) => c.method === "chat.startStream")!;
    expect(start.args.thread_ts).toBe(thread);
    const streamed = h.fake.streams.get(stop.args.ts)!;
    expect(streamed).toMatchObject({ text: EXPLANATION, streaming: false });
    // The person saw the answer, so Slack cleared the status.
    expect(h.fake.assistantThread("D0A200", thread)?.status).toBe("");

    const blocks = stop.args.blocks as Block[];
    expect(blocks.find((b) => b.type === "section")?.text?.text).toMatch(/^\*1\. /);
    // The explanation was streamed: it is not repeated in the blocks.
    expect(JSON.stringify(blocks)).not.toContain("split-screen");
    // 👍/👎 ride along as Slack's feedback buttons in a context_actions block.
    const feedback = blocks.find((b) => b.type === "context_actions")?.elements?.find((e) => e.type === "feedback_buttons");
    expect(feedback).toBeDefined();

    await h.fake.send(
      "interactive",
      h.fake.feedbackClick(feedback as Record<string, unknown>, "positive", { ts: stop.args.ts, thread_ts: thread }, { channel: "D0A200" }),
    );
    const key = conversationId({ platform: "slack", scope: "thread", id: `${h.fake.teamId}:D0A200:${thread}` });
    await expect.poll(async () => (await h.memory.get(key))?.feedback.map((f) => f.value), { timeout: 5000 }).toContain("up");
    const state = await h.memory.get(key);
    expect(state!.feedback.every((f) => f.userId === "U0001")).toBe(true);
    expect(state!.turns.length).toBe(2); // one user/assistant pair
  });

  it("a second message in the thread is a follow-up (same memory); the title is set once", async () => {
    const started = h.fake.assistantThreadStarted({ channel: "D0A300" });
    const thread = started.event.assistant_thread.thread_ts as string;
    await h.fake.send("events_api", started);
    await h.fake.send("events_api", h.fake.assistantMessage("similar to Mario Kart", thread, { channel: "D0A300" }));
    const first = await h.fake.waitFor((c) => c.method === "chat.stopStream" && c.args.channel === "D0A300");
    await h.fake.send("events_api", h.fake.assistantMessage("how about for Xbox?", thread, { channel: "D0A300" }));
    const second = await h.fake.waitFor((c) => c.method === "chat.stopStream" && c.args.channel === "D0A300" && c !== first);
    const titles = (second.args.blocks as Block[]).filter((b) => b.type === "section").map((b) => b.text!.text);
    expect(titles.length).toBeGreaterThan(0);
    // "for Xbox" steers the last answer: only an answer that saw the first turn is all Xbox (catalog titles).
    expect(
      titles.filter((t) => !/Xbox|Halo/.test(t)),
      JSON.stringify(second.args.blocks),
    ).toEqual([]);
    expect(h.callsIn("D0A300").filter((c) => c.method === "assistant.threads.setTitle")).toHaveLength(1);
    const key = conversationId({ platform: "slack", scope: "thread", id: `${h.fake.teamId}:D0A300:${thread}` });
    expect((await h.memory.get(key))?.turns.length).toBe(4); // two user/assistant pairs
  });

  it("a redelivered message is answered once; a context change is taken without a call or an error", async () => {
    const started = h.fake.assistantThreadStarted({ channel: "D0A400" });
    const thread = started.event.assistant_thread.thread_ts as string;
    await h.fake.send("events_api", started);
    await h.fake.send("events_api", started, { retryAttempt: 1 });
    const message = h.fake.assistantMessage("similar to Halo 3", thread, { channel: "D0A400" });
    await h.fake.send("events_api", message);
    await h.fake.send("events_api", message, { retryAttempt: 1 });
    await h.fake.waitFor((c) => c.method === "chat.stopStream" && c.args.channel === "D0A400");
    // After the answer, its follow-ups become the thread's suggested prompts.
    await h.fake.waitFor(
      (c) => c.method === "assistant.threads.setSuggestedPrompts" && c.args.channel_id === "D0A400" && c.args.title !== "Try one of these",
    );

    const before = h.fake.calls.length;
    const errorsBefore = h.log.entries.filter((e) => e.level === "error" || e.level === "warn").length;
    const ack = await h.fake.send("events_api", h.fake.assistantContextChanged(thread, { channel: "D0A400" }));
    expect(ack.envelope_id).toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.calls.slice(before)).toEqual([]);
    expect(h.log.entries.filter((e) => e.level === "error" || e.level === "warn")).toHaveLength(errorsBefore);

    expect(h.callsIn("D0A400").filter((c) => c.method === "chat.postMessage")).toHaveLength(1); // the greeting, once
    expect(h.finalAnswers("D0A400")).toHaveLength(1);
    expect(h.callsIn("D0A400").filter((c) => c.method === "chat.startStream")).toHaveLength(1);
  });
});
