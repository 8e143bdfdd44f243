import { afterEach, describe, expect, it } from "vitest";
import { assistantHarness } from "./assistantHarness.js";

let h: Awaited<ReturnType<typeof assistantHarness>> | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

type Harness = NonNullable<typeof h>;

/** A new assistant thread in `channel` and one message in it; resolves with the thread's ts. */
async function ask(harness: Harness, channel: string, text: string, user = "U0001"): Promise<string> {
  const started = harness.fake.assistantThreadStarted({ channel, user });
  const thread = started.event.assistant_thread.thread_ts as string;
  await harness.fake.send("events_api", started);
  await harness.fake.send("events_api", harness.fake.assistantMessage(text, thread, { channel, user }));
  return thread;
}

/** The markdown each streaming call carried (`markdown_text` or markdown chunks). */
function streamedPieces(harness: Harness, channel: string): { method: string; text: string }[] {
  return harness
    .callsIn(channel)
    .filter((c) => ["chat.startStream", "chat.appendStream", "chat.stopStream"].includes(c.method))
    .map((c) => {
      const chunks = (Array.isArray(c.args.chunks) ? c.args.chunks : []) as { type: string; text?: string }[];
      return { method: c.method, text: String(c.args.markdown_text ?? "") + chunks.map((x) => x.text ?? "").join("") };
    });
}

const warnings = (harness: Harness) => harness.log.entries.filter((e) => e.level === "warn");

describe("Streamed text within Slack's rules", () => {
  it("no call carries more than 12,000 characters of markdown, counted after escaping", async () => {
    // Slack's chat.appendStream documents markdown_text as at most 12,000 characters; `&` escapes to five.
    const burst = "Ratchet & Clank ".repeat(11_000 / 16);
    h = await assistantHarness({ redis: false, chunks: [burst] });
    await ask(h, "D0S001", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0S001").length, { timeout: 8000 }).toBe(1);
    const pieces = streamedPieces(h, "D0S001");
    expect(Math.max(...pieces.map((p) => p.text.length))).toBeLessThanOrEqual(12_000);
    // Nothing lost, no entity cut in two: the stream reads back as the whole text.
    const shown = [...h.fake.streams.values()].find((s) => s.channel === "D0S001")!.text;
    expect(shown.replace(/&amp;/g, "&")).toBe(burst);
  });

  it("links and addresses the model writes are shown, never linked", async () => {
    h = await assistantHarness({
      redis: false,
      chunks: ["Great pick! [Claim your ", "free key](https://evil.example/x) now, ", "or see www.evil.example today."],
    });
    await ask(h, "D0S002", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0S002").length, { timeout: 8000 }).toBe(1);
    const shown = [...h.fake.streams.values()].find((s) => s.channel === "D0S002")!.text;
    // A markdown link needs `](` together; a bare address inside code is not turned into a link.
    expect(shown).not.toContain("](");
    expect(shown).toContain("`https://evil.example/x`");
    expect(shown).toContain("`www.evil.example`");
    expect(shown).toContain("Claim your free key");
  });

  it("the stream is for the asking person's own team (a Slack Connect guest's user_team)", async () => {
    h = await assistantHarness({ redis: false });
    const mention = h.fake.mention("similar to Mario Kart", { channel: "C0S003", user: "UEXT01" });
    // Slack's message events carry the author's team as `user_team` when it differs from the channel's workspace.
    Object.assign(mention.event, { user_team: "T0EXT", source_team: "T0EXT" });
    await h.fake.send("events_api", mention);
    const start = await h.fake.waitFor((c) => c.method === "chat.startStream" && c.args.channel === "C0S003");
    expect(start.args).toMatchObject({ recipient_user_id: "UEXT01", recipient_team_id: "T0EXT" });
  });
});

describe("A stream that fails does not cost the workspace its streaming", () => {
  it("invalid_arguments from chat.appendStream in one answer: the next person's answer is still streamed", async () => {
    h = await assistantHarness({ redis: false, chunks: ["a ", "b ", "c ", "d."], pauseMs: 60 });
    h.fake.failOn("chat.appendStream", "invalid_arguments", { times: 1 });
    await ask(h, "D0S010", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0S010").length, { timeout: 8000 }).toBeGreaterThan(0);
    await ask(h, "D0S011", "similar to Halo 3", "U0099");
    await expect.poll(() => h!.finalAnswers("D0S011").length, { timeout: 8000 }).toBe(1);
    expect(h.callsIn("D0S011").filter((c) => c.method === "chat.startStream")).toHaveLength(1);
    expect(h.finalAnswers("D0S011")[0]!.method).toBe("chat.stopStream");
  });

  it("invalid_arguments from chat.startStream is about that request: streaming stays on; one line names method and code", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.failOn("chat.startStream", "invalid_arguments", { times: 1 });
    await ask(h, "D0S012", "similar to Mario Kart");
    await expect.poll(() => h!.finalAnswers("D0S012").length, { timeout: 8000 }).toBe(1);
    await ask(h, "D0S013", "similar to Halo 3");
    await expect.poll(() => h!.finalAnswers("D0S013").length, { timeout: 8000 }).toBe(1);
    expect(h.finalAnswers("D0S013")[0]!.method).toBe("chat.stopStream");
    const lines = warnings(h).filter((e) => e.fields.method === "chat.startStream");
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields.slackError).toBe("invalid_arguments");
  });

  it(
    "a startStream code outside sidbot's lists (channel_type_not_supported): tried once per workspace, logged once; " +
      "the Thinking… message still shows the text as it comes",
    async () => {
      h = await assistantHarness({ redis: false, chunks: ["one ", "two ", "three ", "four."], pauseMs: 80 });
      h.fake.failOn("chat.startStream", "channel_type_not_supported", { match: (a) => String(a.channel).startsWith("C") });
      for (const channel of ["C0S020", "C0S021", "C0S022"]) {
        await h.fake.send("events_api", h.fake.mention("similar to Mario Kart", { channel }));
        await expect.poll(() => h!.finalAnswers(channel).length, { timeout: 8000 }).toBe(1);
        expect(h.finalAnswers(channel)[0]!.method).toBe("chat.update");
      }
      expect(h.fake.calls.filter((c) => c.method === "chat.startStream")).toHaveLength(1);
      expect(warnings(h).filter((e) => String(e.message).includes("channel_type_not_supported"))).toHaveLength(1);
      // Progressive text in the placeholder while the answer was being written (updates without blocks).
      for (const channel of ["C0S020", "C0S021"])
        expect(h.callsIn(channel).filter((c) => c.method === "chat.update" && !c.args.blocks).length, channel).toBeGreaterThan(0);
    },
  );
});

describe("A stream that breaks is not shown next to the whole answer", () => {
  it("when the broken stream cannot be replaced, it is removed before the answer is posted anew", async () => {
    h = await assistantHarness({ redis: false, chunks: ["These share ", "fast racing."], pauseMs: 60 });
    h.fake.failOn("chat.appendStream", "message_not_in_streaming_state");
    h.fake.failOn("chat.update", "cant_update_message");
    await ask(h, "D0S030", "similar to Mario Kart");
    await expect
      .poll(() => h!.callsIn("D0S030").filter((c) => c.method === "chat.postMessage" && c.args.blocks).length, { timeout: 8000 })
      .toBe(1);
    const streamTs = [...h.fake.streams.entries()].find(([, s]) => s.channel === "D0S030")![0];
    expect(h.fake.deleted).toContainEqual({ channel: "D0S030", ts: streamTs });
    const calls = h.callsIn("D0S030").map((c) => c.method);
    expect(calls.indexOf("chat.delete")).toBeLessThan(calls.lastIndexOf("chat.postMessage"));
  });
});

describe("Stopping sidbot while an answer streams", () => {
  it("ends the open stream with what was streamed and a note to ask again, before the connections close", async () => {
    h = await assistantHarness({
      redis: false,
      chunks: Array.from({ length: 12 }, (_, i) => `part ${i} `),
      pauseMs: 400,
      stopTimeoutMs: 1000,
    });
    await ask(h, "D0S040", "similar to Mario Kart");
    await h.fake.waitFor((c) => c.method === "chat.startStream" && c.args.channel === "D0S040");
    h.stopped = true;
    await h.adapter.stop();
    const stream = [...h.fake.streams.values()].find((s) => s.channel === "D0S040")!;
    expect(stream.streaming).toBe(false);
    expect(stream.text).toMatch(/^part 0 /);
    expect(stream.text).toMatch(/ask again/i);
  });
});
