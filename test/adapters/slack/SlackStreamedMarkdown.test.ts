/**
 * What reaches Slack through real Bolt and FakeSlack: streaming refused for one kind of
 * conversation only, the model's code spans as written, whole characters at the 12,000 cut, and
 * non-streamed text in `verbatim` mrkdwn (docs.slack.dev text object: without it Slack turns
 * addresses and channel names into links).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ApiCall } from "../../support/fakes/FakeSlack.js";
import { assistantHarness } from "./assistantHarness.js";

let h: Awaited<ReturnType<typeof assistantHarness>> | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});
type Harness = NonNullable<typeof h>;

async function askInAssistantThread(harness: Harness, channel: string, text: string): Promise<string> {
  const started = harness.fake.assistantThreadStarted({ channel });
  const thread = started.event.assistant_thread.thread_ts as string;
  await harness.fake.send("events_api", started);
  await harness.fake.send("events_api", harness.fake.assistantMessage(text, thread, { channel }));
  return thread;
}

/** The markdown each streaming call carried. */
function streamedCalls(harness: Harness, channel: string): string[] {
  return harness
    .callsIn(channel)
    .filter((c) => ["chat.startStream", "chat.appendStream", "chat.stopStream"].includes(c.method))
    .map((c) => {
      const chunks = (Array.isArray(c.args.chunks) ? c.args.chunks : []) as { text?: string }[];
      return String(c.args.markdown_text ?? "") + chunks.map((x) => x.text ?? "").join("");
    });
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every mrkdwn text object of a message's blocks (sections, context elements). */
function mrkdwnObjects(call: ApiCall): Record<string, unknown>[] {
  const blocks = (call.args.blocks ?? []) as Record<string, unknown>[];
  return blocks
    .flatMap((b) => [b.text, ...((b.elements as unknown[] | undefined) ?? [])])
    .filter((o): o is Record<string, unknown> => (o as { type?: string } | undefined)?.type === "mrkdwn");
}

describe("Streaming refused for one kind of conversation", () => {
  it("a group DM refusing chat.startStream (method_not_supported_for_channel_type) leaves streaming on in assistant threads", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn("chat.startStream", "method_not_supported_for_channel_type", { match: (a) => String(a.channel).startsWith("G") });
    await h.fake.send("events_api", h.fake.mention("similar to Mario Kart", { channel: "G0MP001" }));
    await expect.poll(() => h!.finalAnswers("G0MP001").length, { timeout: 8000 }).toBe(1);
    await askInAssistantThread(h, "D0MP002", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0MP002").length, { timeout: 8000 }).toBe(1);
    expect(h.finalAnswers("D0MP002")[0]!.method).toBe("chat.stopStream");
    // The group DM got its answer the plain way; one line names the kind of conversation.
    const refusals = h.log.entries.filter((e) => e.level === "warn" && /chat\.startStream/.test(String(e.message)));
    expect(refusals).toHaveLength(1);
    expect(String(refusals[0]!.message)).toMatch(/group DMs/);

    // Another group DM in the same workspace is not tried again.
    const before = h.fake.calls.filter((c) => c.method === "chat.startStream").length;
    await h.fake.send("events_api", h.fake.mention("similar to Mario Kart", { channel: "G0MP003" }));
    await expect.poll(() => h!.finalAnswers("G0MP003").length, { timeout: 8000 }).toBe(1);
    expect(h.fake.calls.filter((c) => c.method === "chat.startStream").length).toBe(before);
  });
});

describe("Streamed markdown", () => {
  it("the model's own code span holding an address streams as written, & and < included", async () => {
    h = await assistantHarness({ redis: false, chunks: ["Run ", "`curl https://api.example/?a=1&b=<2>` ", "then see https://x.example."] });
    await askInAssistantThread(h, "D0MD001", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0MD001").length, { timeout: 8000 }).toBe(1);
    const shown = [...h.fake.streams.values()].find((s) => s.channel === "D0MD001")!.text;
    expect(shown).toBe("Run `curl https://api.example/?a=1&b=<2>` then see `https://x.example`.");
  });

  it("a backtick in one piece cannot pair with one in a later piece to carry a mention outside code", async () => {
    // Joined, "`a b`" is the code span and the mention is outside it: it must arrive escaped.
    h = await assistantHarness({ redis: false, chunks: ["Try `a ", "b` and <@U0001> `c` ok."] });
    await askInAssistantThread(h, "D0MD004", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0MD004").length, { timeout: 8000 }).toBe(1);
    const shown = [...h.fake.streams.values()].find((s) => s.channel === "D0MD004")!.text;
    expect(shown).toBe("Try `a b` and &lt;@U0001&gt; `c` ok.");
  });

  it("an emoji at the 12,000-character limit is never sent in halves", async () => {
    h = await assistantHarness({ redis: false, chunks: ["word ", `${"x".repeat(11_994)}🎮 more text`] });
    await askInAssistantThread(h, "D0MD002", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0MD002").length, { timeout: 8000 }).toBe(1);
    const calls = streamedCalls(h, "D0MD002");
    expect(calls.filter((t) => loneSurrogate.test(t))).toEqual([]);
    expect(h.finalAnswers("D0MD002")[0]!.method).toBe("chat.stopStream");
  });
});

describe("Answers posted whole (not streamed)", () => {
  it("every mrkdwn text object is verbatim, and the model's address and markdown link are not links", async () => {
    h = await assistantHarness({
      redis: false,
      chunks: ["Buy it at https://evil.example/deal ", "or [here](https://evil.example/x) in #general."],
    });
    // A top-level DM is answered by updating "Thinking…", not streamed.
    await h.fake.send("events_api", h.fake.message("similar to Mario Kart", { channel: "D0MD003", im: true }));
    await expect.poll(() => h!.finalAnswers("D0MD003").length, { timeout: 8000 }).toBe(1);
    const answer = h.finalAnswers("D0MD003")[0]!;
    const objects = mrkdwnObjects(answer);
    expect(objects.length).toBeGreaterThan(1);
    for (const o of objects) expect(o.verbatim).toBe(true);
    const all = objects.map((o) => String(o.text)).join("\n");
    expect(all).toContain("`https://evil.example/deal`");
    expect(all).toContain("[here] (`https://evil.example/x`)");
    // The progressive text went out with Slack's automatic parsing off, addresses as code.
    const progress = h.callsIn("D0MD003").filter((c) => c.method === "chat.update" && !c.args.blocks && /evil/.test(String(c.args.text)));
    expect(progress.length).toBeGreaterThan(0);
    for (const c of progress) {
      expect(c.args.parse).toBe("none");
      expect(String(c.args.text).replace(/`[^`]*`/g, "")).not.toContain("https://");
    }
  });
});
