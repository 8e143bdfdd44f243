/**
 * A 👍/👎 is thanked only when it is stored: a click under an answer made with an older catalog
 * (no id names a game of today's catalog) gets a short line saying so instead — through real Bolt
 * and FakeSlack, for Slack's feedback buttons and the plain buttons of earlier versions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackHarness } from "./slackHarness.js";

let h: Awaited<ReturnType<typeof slackHarness>>;
beforeAll(async () => {
  h = await slackHarness();
  await h.socketAdapter();
});
afterAll(async () => {
  await h?.dispose();
});

// Far beyond the test catalog: ids an older, larger catalog wrote.
const GONE = "99999999";
/** The feedback_buttons element as Slack's Block Kit reference describes it, with sidbot's "vote:ids" values. */
const element = (ids: string) => ({
  type: "feedback_buttons",
  action_id: "sidbot_feedback",
  positive_button: { text: { type: "plain_text", text: "👍" }, value: `up:${ids}` },
  negative_button: { text: { type: "plain_text", text: "👎" }, value: `down:${ids}` },
});
/** The first private reply (through the response URL) after `since`. */
const replyAfter = (since: number) => h.fake.waitFor((c) => c.at >= since && c.method.startsWith("response/"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a vote on an answer from an older catalog", () => {
  it("feedback buttons naming no known game: told the answer is too old, not thanked, nothing stored", async () => {
    const before = h.calls.feedback.length;
    const since = Date.now();
    await h.fake.send(
      "interactive",
      h.fake.feedbackClick(element(`${GONE},abc`), "positive", { ts: "1700000000.000100" }, { channel: "C7100" }),
    );
    const reply = await replyAfter(since);
    expect(reply.args.response_type).toBe("ephemeral");
    expect(String(reply.args.text)).toMatch(/too old/i);
    expect(String(reply.args.text)).toMatch(/ask again/i);
    await sleep(200);
    const replies = h.fake.calls.filter((c) => c.at >= since && c.method.startsWith("response/"));
    expect(replies.map((c) => c.args.text)).toEqual([reply.args.text]);
    expect(h.calls.feedback.length).toBe(before);
    expect(h.log.entries.filter((e) => e.level === "error")).toEqual([]);
  });

  it("the plain 👎 button of an earlier version naming no known game: the same", async () => {
    const since = Date.now();
    await h.fake.send("interactive", h.fake.buttonClick("sidbot_fb_down", GONE, { ts: "1700000000.000200" }, { channel: "C7200" }));
    const reply = await replyAfter(since);
    expect(String(reply.args.text)).toMatch(/too old/i);
    expect(String(reply.args.text)).not.toMatch(/thanks/i);
  });

  it("some ids still known: thanked, and the vote is stored", async () => {
    const since = Date.now();
    const before = h.calls.feedback.length;
    await h.fake.send(
      "interactive",
      h.fake.feedbackClick(element(`${GONE},3`), "negative", { ts: "1700000000.000300" }, { channel: "C7300" }),
    );
    const reply = await replyAfter(since);
    expect(String(reply.args.text)).toMatch(/Thanks/);
    for (let i = 0; i < 100 && h.calls.feedback.length === before; i++) await sleep(20);
    expect(h.calls.feedback.at(-1)?.slice(2)).toEqual([[GONE, "3"], "down"]);
  });
});
