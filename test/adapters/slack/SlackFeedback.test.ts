/**
 * 👍/👎 through real Bolt and FakeSlack: Slack's feedback buttons under an answer store the vote
 * on the answer's items and thank the person privately; the old plain buttons on answers posted
 * before keep working; a click with a value sidbot did not write is acknowledged and ignored.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApiCall } from "../../support/fakes/FakeSlack.js";
import { slackHarness } from "./slackHarness.js";

let h: Awaited<ReturnType<typeof slackHarness>>;
beforeAll(async () => {
  h = await slackHarness();
  await h.socketAdapter();
});
afterEach(() => h.reset());
afterAll(async () => {
  await h?.dispose();
});

type Block = { type: string; elements?: Record<string, unknown>[] };
const answered = (channel: string) =>
  h.fake.waitFor((c) => c.method === "chat.update" && c.args.channel === channel && Array.isArray(c.args.blocks));
const thanked = (test: (text: string) => boolean) => h.fake.waitFor((c) => c.method.startsWith("response/") && test(String(c.args.text)));

/** A mention answered in its thread: the answer's ts, the thread, the feedback element and the item ids shown. */
async function answerInThread(channel: string) {
  const mention = h.fake.mention("similar to Halo 3", { channel });
  await h.fake.send("events_api", mention);
  const answer = await answered(channel);
  const blocks = answer.args.blocks as Block[];
  const feedback = blocks.find((b) => b.type === "context_actions")!.elements![0]!;
  const more = blocks.find((b) => b.type === "actions")!.elements as { value: string }[];
  return { message: { ts: String(answer.args.ts), thread_ts: String(mention.event.ts) }, feedback, shownIds: more.map((m) => m.value) };
}

describe("Slack feedback buttons", () => {
  it("👍 stores an up vote on the answer's items for that thread and thanks privately", async () => {
    const { message, feedback, shownIds } = await answerInThread("C5100");
    const click = h.fake.feedbackClick(feedback, "positive", message, { channel: "C5100", user: "U5100" });
    const ack = await h.fake.send("interactive", click);
    expect(ack.envelope_id).toBeDefined();
    const thanks = await thanked((t) => /Thanks/.test(t) && t.includes("👍"));
    expect(thanks.args.response_type).toBe("ephemeral");
    for (let i = 0; i < 100 && h.calls.feedback.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [conversation, user, ids, value] = h.calls.feedback.at(-1)!;
    expect(conversation).toEqual({ platform: "slack", scope: "thread", id: `${h.fake.teamId}:C5100:${message.thread_ts}` });
    expect(user).toBe("U5100");
    expect(value).toBe("up");
    // Every item of the answer (the More-like buttons show the first ones), in the answer's order.
    expect((ids as string[]).slice(0, shownIds.length)).toEqual(shownIds);
  });

  it("👎 stores a down vote", async () => {
    const { message, feedback } = await answerInThread("C5200");
    await h.fake.send("interactive", h.fake.feedbackClick(feedback, "negative", message, { channel: "C5200" }));
    await thanked((t) => t.includes("👎"));
    for (let i = 0; i < 100 && h.calls.feedback.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(h.calls.feedback.at(-1)![3]).toBe("down");
  });

  it("the old 👍/👎 buttons on answers posted before still count", async () => {
    const before = h.calls.feedback.length;
    const old = h.fake.buttonClick(
      "sidbot_fb_down",
      "3,4",
      { ts: "1700000000.000300", thread_ts: "1700000000.000100" },
      { channel: "C5300" },
    );
    await h.fake.send("interactive", old);
    await thanked((t) => t.includes("👎"));
    for (let i = 0; i < 100 && h.calls.feedback.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(h.calls.feedback.at(-1)).toEqual([
      { platform: "slack", scope: "thread", id: `${h.fake.teamId}:C5300:1700000000.000100` },
      "U0001",
      ["3", "4"],
      "down",
    ]);
  });

  it("a feedback click whose value sidbot did not write is acknowledged and ignored, without an error", async () => {
    const before = {
      feedback: h.calls.feedback.length,
      handle: h.calls.handle.length,
      errors: h.log.entries.filter((e) => e.level === "error").length,
    };
    const forged = { action_id: "sidbot_feedback", positive_button: { value: "sideways", text: { type: "plain_text", text: "👍" } } };
    const ack = await h.fake.send(
      "interactive",
      h.fake.feedbackClick(forged, "positive", { ts: "1700000000.000400" }, { channel: "C5400" }),
    );
    expect(ack.envelope_id).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.calls.feedback.length).toBe(before.feedback);
    // Not mistaken for "More like" either.
    expect(h.calls.handle.length).toBe(before.handle);
    expect(h.log.entries.filter((e) => e.level === "error").length).toBe(before.errors);
  });
});

describe("a Slack that refuses the feedback buttons", () => {
  let old: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    old = await slackHarness();
    await old.socketAdapter();
  });
  afterAll(async () => {
    await old?.dispose();
  });

  it("gets the plain 👍/👎 buttons instead — the answer arrives, one line is logged, later answers skip the refused try", async () => {
    // As Slack answers a message whose blocks it does not accept.
    old.fake.failOn("chat.update", "invalid_blocks", { match: (a) => JSON.stringify(a.blocks ?? []).includes("context_actions") });
    const blocksOf = (c: ApiCall) => c.args.blocks as Block[];
    const answeredIn = (channel: string) =>
      old.fake.waitFor(
        (c) =>
          c.method === "chat.update" &&
          c.args.channel === channel &&
          Array.isArray(c.args.blocks) &&
          !JSON.stringify(c.args.blocks).includes("context_actions"),
      );

    await old.fake.send("slash_commands", old.fake.slashCommand("similar to Halo 3", { channel: "C5500" }));
    const first = await answeredIn("C5500");
    const actionIds = blocksOf(first)
      .filter((b) => b.type === "actions")
      .flatMap((b) => (b.elements as { action_id: string }[]).map((e) => e.action_id));
    expect(actionIds).toEqual(expect.arrayContaining(["sidbot_more_1", "sidbot_fb_up", "sidbot_fb_down"]));
    const up = blocksOf(first)
      .flatMap((b) => (b.elements ?? []) as { action_id: string; value: string }[])
      .find((e) => e.action_id === "sidbot_fb_up")!;
    expect(up.value).toMatch(/^\d+\.[\w-]{4}(,\d+\.[\w-]{4})*$/);

    await old.fake.send("slash_commands", old.fake.slashCommand("similar to Mario Kart", { channel: "C5600" }));
    await answeredIn("C5600");
    const refused = old.fake.calls.filter(
      (c) => c.method === "chat.update" && JSON.stringify(c.args.blocks ?? []).includes("context_actions"),
    );
    expect(refused).toHaveLength(1);
    const lines = old.log.entries.filter((e) => e.level === "warn" || e.level === "error");
    expect(lines.map((e) => e.message)).toEqual(["Slack refused the feedback buttons: answers carry plain 👍/👎 buttons from now on"]);

    // Those plain buttons still count.
    await old.fake.send("interactive", old.fake.buttonClick("sidbot_fb_up", up.value, { ts: String(first.args.ts) }, { channel: "C5500" }));
    await old.fake.waitFor((c) => c.method.startsWith("response/") && String(c.args.text).includes("👍"));
    for (let i = 0; i < 100 && old.calls.feedback.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(old.calls.feedback.at(-1)).toEqual([
      { platform: "slack", scope: "channel", id: `${old.fake.teamId}:C5500` },
      "U0001",
      up.value.split(","),
      "up",
    ]);
  });
});
