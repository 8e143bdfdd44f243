import { afterEach, describe, expect, it } from "vitest";
import { assistantHarness, EXPLANATION, EXPLANATION_CHUNKS } from "./assistantHarness.js";

let h: Awaited<ReturnType<typeof assistantHarness>> | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

/** A new assistant thread in `channel` and one message in it; resolves with the thread's ts. */
async function askInNewThread(harness: NonNullable<typeof h>, channel: string, text: string): Promise<string> {
  const started = harness.fake.assistantThreadStarted({ channel });
  const thread = started.event.assistant_thread.thread_ts as string;
  await harness.fake.send("events_api", started);
  await harness.fake.send("events_api", harness.fake.assistantMessage(text, thread, { channel }));
  await expect.poll(() => harness.finalAnswers(channel).length, { timeout: 5000 }).toBeGreaterThan(0);
  return thread;
}

const linesAbout = (harness: NonNullable<typeof h>, feature: string) =>
  harness.log.entries.filter((e) => e.level !== "debug" && e.fields.feature === feature);
const errorLines = (harness: NonNullable<typeof h>) => harness.log.entries.filter((e) => e.level === "error" || e.level === "fatal");

describe("Slack features a workspace refuses: the answer still arrives, with one log line", () => {
  it.each([
    ["assistant.threads.setStatus", "missing_scope", "status"],
    ["assistant.threads.setTitle", "missing_scope", "title"],
    ["assistant.threads.setSuggestedPrompts", "missing_scope", "prompts"],
    ["chat.startStream", "unknown_method", "streaming"],
    ["chat.startStream", "not_allowed_token_type", "streaming"],
  ])("%s refused (%s): tried once across two requests, both answered", async (method, error, feature) => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn(method, error);
    await askInNewThread(h, "D0F001", "similar to Mario Kart");
    await askInNewThread(h, "D0F002", "similar to Halo 3");
    for (const channel of ["D0F001", "D0F002"]) {
      const answers = h.finalAnswers(channel);
      expect(answers, channel).toHaveLength(1);
      expect(JSON.stringify(answers[0]!.args.blocks)).toMatch(/\*1\. /);
    }
    expect(h.fake.calls.filter((c) => c.method === method)).toHaveLength(1);
    expect(linesAbout(h, feature)).toHaveLength(1);
    expect(linesAbout(h, feature)[0]!.level).toBe("warn");
    expect(errorLines(h)).toEqual([]);
  });

  it("chat.startStream answered with HTTP 403: streaming off for the team after one log line, both answered", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.httpRefusals.set("chat.startStream", 403);
    await askInNewThread(h, "D0F005", "similar to Mario Kart");
    await askInNewThread(h, "D0F006", "similar to Halo 3");
    for (const channel of ["D0F005", "D0F006"]) expect(h.finalAnswers(channel), channel).toHaveLength(1);
    // The Web API client retries an HTTP error a couple of times within the first request; the second does not try.
    expect(h.callsIn("D0F005").filter((c) => c.method === "chat.startStream").length).toBeGreaterThan(0);
    expect(h.callsIn("D0F006").filter((c) => c.method === "chat.startStream")).toEqual([]);
    expect(linesAbout(h, "streaming")).toHaveLength(1);
    expect(errorLines(h)).toEqual([]);
  });

  it("without streaming, assistant threads get the whole answer: posted at once, then today's Thinking… updated", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn("chat.startStream", "missing_scope");
    // The first request learns of the refusal when its text is ready: the whole answer is posted (the status showed progress).
    await askInNewThread(h, "D0F010", "similar to Mario Kart");
    const [first] = h.finalAnswers("D0F010");
    expect(first!.method).toBe("chat.postMessage");
    expect(JSON.stringify(first!.args.blocks)).toContain(EXPLANATION);
    // Later requests go straight to the post-and-update path.
    await askInNewThread(h, "D0F011", "similar to Mario Kart");
    const posted = h.callsIn("D0F011").filter((c) => c.method === "chat.postMessage");
    expect(posted.map((c) => c.args.text)).toContain("Thinking…");
    const answers = h.finalAnswers("D0F011");
    expect(answers.map((c) => c.method)).toEqual(["chat.update"]);
    expect(JSON.stringify(answers[0]!.args.blocks)).toContain(EXPLANATION);
  });

  it("streaming refused in a channel thread: the Thinking… message is updated instead, and the next mention does not try", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn("chat.startStream", "method_not_supported_for_channel_type");
    for (const [channel, text] of [
      ["C0F020", "similar to Mario Kart"],
      ["C0F021", "similar to Halo 3"],
    ] as const) {
      await h.fake.send("events_api", h.fake.mention(text, { channel }));
      await expect.poll(() => h!.finalAnswers(channel).length, { timeout: 5000 }).toBe(1);
      expect(h.finalAnswers(channel)[0]!.method).toBe("chat.update");
    }
    expect(h.fake.calls.filter((c) => c.method === "chat.startStream")).toHaveLength(1);
    expect(linesAbout(h, "streaming")).toHaveLength(1);
  });
});

describe("Streaming that breaks mid-answer still delivers the answer exactly once", () => {
  it.each([
    ["chat.appendStream", "message_not_in_streaming_state"],
    ["chat.stopStream", "message_not_in_streaming_state"],
    ["chat.stopStream", "msg_too_long"],
  ])("%s fails (%s): the streamed message is replaced by the whole answer", async (method, error) => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn(method, error);
    await askInNewThread(h, "D0F030", "similar to Mario Kart");
    const start = h.callsIn("D0F030").find((c) => c.method === "chat.startStream")!;
    expect(start).toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    // Calls Slack refused delivered nothing.
    const answers = h.finalAnswers("D0F030").filter((c) => c.method !== method);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.method).toBe("chat.update");
    const streamTs = [...h.fake.streams.entries()].find(([, s]) => s.channel === "D0F030")![0];
    expect(answers[0]!.args.ts).toBe(streamTs);
    // The whole answer: the explanation (the stream may have shown only part of it) and the list.
    expect(JSON.stringify(answers[0]!.args.blocks)).toContain(EXPLANATION);
    expect(JSON.stringify(answers[0]!.args.blocks)).toMatch(/\*1\. /);
    expect(errorLines(h)).toEqual([]);
  });

  it("when the streamed message cannot be replaced either, the answer is posted anew, once", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn("chat.appendStream", "message_not_in_streaming_state");
    h.fake.failOn("chat.update", "cant_update_message");
    const thread = await askInNewThread(h, "D0F040", "similar to Mario Kart");
    await new Promise((r) => setTimeout(r, 200));
    // The stream had started (its first text shown) before it broke.
    expect([...h.fake.streams.values()].filter((s) => s.channel === "D0F040").map((s) => s.text)).toEqual([EXPLANATION_CHUNKS[0]]);
    const answers = h.finalAnswers("D0F040").filter((c) => c.method !== "chat.update");
    expect(answers.map((c) => c.method)).toEqual(["chat.postMessage"]);
    expect(answers[0]!.args.thread_ts).toBe(thread);
    expect(JSON.stringify(answers[0]!.args.blocks)).toContain(EXPLANATION);
  });
});

describe("The assistant thread's status", () => {
  it("is cleared by sidbot when no answer could be posted (Slack clears it only on a reply)", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn("chat.startStream", "unknown_method");
    // Every answer post fails; the greeting (no blocks) still goes out.
    h.fake.failOn("chat.postMessage", "channel_not_found", { match: (args) => Array.isArray(args.blocks) });
    const started = h.fake.assistantThreadStarted({ channel: "D0F070" });
    const thread = started.event.assistant_thread.thread_ts as string;
    await h.fake.send("events_api", started);
    await h.fake.send("events_api", h.fake.assistantMessage("similar to Mario Kart", thread, { channel: "D0F070" }));
    await expect.poll(() => h!.callsIn("D0F070").filter((c) => c.method === "assistant.threads.setStatus").length).toBe(2);
    const [set, cleared] = h.callsIn("D0F070").filter((c) => c.method === "assistant.threads.setStatus");
    expect(set!.args.status).not.toBe("");
    expect(cleared!.args).toMatchObject({ thread_ts: thread, status: "" });
    expect(h.fake.assistantThread("D0F070", thread)?.status).toBe("");
  });
});

describe("Streaming against a slow Slack", () => {
  it("every piece arrives once and in order, and the answer ends the stream once", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.delay("chat.startStream", 150);
    h.fake.delay("chat.appendStream", 150);
    await askInNewThread(h, "D0F060", "similar to Mario Kart");
    const [answer] = h.finalAnswers("D0F060");
    expect(answer!.method).toBe("chat.stopStream");
    // Text that piled up while a call was in flight goes in the next one: nothing lost, nothing twice.
    expect(h.fake.streams.get(answer!.args.ts)?.text).toBe(EXPLANATION);
    const calls = h.callsIn("D0F060").map((c) => c.method);
    expect(calls.filter((m) => m === "chat.startStream")).toHaveLength(1);
    expect(calls.lastIndexOf("chat.appendStream")).toBeLessThan(calls.indexOf("chat.stopStream"));
  });
});

describe("Streaming in a channel thread (a mention)", () => {
  it("streams to the person who asked, then removes the Thinking… placeholder", async () => {
    h = await assistantHarness({ redis: false });
    const mention = h.fake.mention("similar to Mario Kart", { channel: "C0F050", user: "U0050" });
    await h.fake.send("events_api", mention);
    const stop = await h.fake.waitFor((c) => c.method === "chat.stopStream" && c.args.channel === "C0F050");
    const thinking = h.callsIn("C0F050").find((c) => c.method === "chat.postMessage")!;
    expect(thinking.args.text).toBe("Thinking…");
    const start = h.callsIn("C0F050").find((c) => c.method === "chat.startStream")!;
    // Outside DMs Slack needs the recipient of the stream.
    expect(start.args).toMatchObject({ thread_ts: mention.event.ts, recipient_user_id: "U0050", recipient_team_id: h.fake.teamId });
    expect(h.fake.streams.get(stop.args.ts)?.text).toBe(EXPLANATION);
    await expect.poll(() => h!.fake.deleted).toContainEqual({ channel: "C0F050", ts: expect.any(String) });
    // What went is the placeholder (the only other bot message there), not the streamed answer.
    expect(h.fake.deleted.filter((d) => d.channel === "C0F050").map((d) => d.ts)).not.toContain(stop.args.ts);
    expect(h.finalAnswers("C0F050")).toHaveLength(1);
    expect(h.callsIn("C0F050").filter((c) => c.method === "chat.update")).toEqual([]);
  });
});
