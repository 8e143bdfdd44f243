import { afterEach, describe, expect, it } from "vitest";
import { requireRedis, uniqueNamespace } from "../../support/redis.js";
import { assistantHarness } from "./assistantHarness.js";

const redis = await requireRedis();
let harnesses: Awaited<ReturnType<typeof assistantHarness>>[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.dispose();
  harnesses = [];
});

async function harness(options: Parameters<typeof assistantHarness>[0] = {}) {
  const h = await assistantHarness(options);
  harnesses.push(h);
  return h;
}

const NO_EARLIER_ANSWER = "earlier recommendations in this conversation";
const assistantCalls = (h: Awaited<ReturnType<typeof assistantHarness>>, channel: string, at: number) =>
  h.callsIn(channel, at).filter((c) => c.method.startsWith("assistant.threads."));

describe.runIf(redis)("A reply in a thread under an ordinary DM answer (Bolt hands it to the Assistant)", () => {
  it("continues the DM conversation, without assistant status or title, follow-up after follow-up", async () => {
    const h = await harness();
    const channel = "D0T001";
    await h.fake.send("events_api", h.fake.message("similar to Mario Kart", { channel, im: true }));
    await expect.poll(() => h.finalAnswers(channel).length, { timeout: 5000 }).toBe(1);
    const answerTs = h.finalAnswers(channel)[0]!.args.ts as string;

    for (const [i, text] of ["more like #2", "more like #1"].entries()) {
      const at = Date.now();
      await h.fake.send("events_api", h.fake.message(text, { channel, im: true, threadTs: answerTs }));
      await expect.poll(() => h.finalAnswers(channel, at).length, { timeout: 5000 }).toBe(1);
      const [reply] = h.finalAnswers(channel, at);
      // The follow-up builds on the DM's last answer, not "ask me for some first".
      expect(JSON.stringify(reply!.args.blocks), `follow-up ${i + 1}`).not.toContain(NO_EARLIER_ANSWER);
      if (i === 0) expect(JSON.stringify(reply!.args.blocks)).toMatch(/\*1\. /);
      expect(assistantCalls(h, channel, at), `follow-up ${i + 1}`).toEqual([]);
    }
  });

  it("an assistant thread started in another sidbot process (shared Redis) is still an assistant thread here", async () => {
    const namespace = uniqueNamespace("slack-dm-threads");
    const a = await harness({ namespace });
    const b = await harness({ namespace });
    const channel = "D0T010";
    const started = a.fake.assistantThreadStarted({ channel });
    const thread = started.event.assistant_thread.thread_ts as string;
    await a.fake.send("events_api", started);
    await a.fake.waitFor((c) => c.method === "assistant.threads.setSuggestedPrompts" && c.args.channel_id === channel);
    // The person's message reaches the other process.
    await b.fake.send("events_api", b.fake.assistantMessage("similar to Mario Kart", thread, { channel }));
    await expect.poll(() => b.finalAnswers(channel).length, { timeout: 5000 }).toBe(1);
    expect(b.callsIn(channel).map((c) => c.method)).toEqual(
      expect.arrayContaining(["assistant.threads.setTitle", "assistant.threads.setStatus"]),
    );
    expect(b.fake.assistantThread(channel, thread)?.title).toBe("similar to Mario Kart");
  });

  it("stays an assistant thread in a third process even when the first turn stored nothing (a help reply)", async () => {
    const namespace = uniqueNamespace("slack-dm-threads");
    const [a, b, c] = [await harness({ namespace }), await harness({ namespace }), await harness({ namespace })];
    const channel = "D0T020";
    const started = a.fake.assistantThreadStarted({ channel });
    const thread = started.event.assistant_thread.thread_ts as string;
    await a.fake.send("events_api", started);
    await a.fake.waitFor((call) => call.method === "assistant.threads.setSuggestedPrompts" && call.args.channel_id === channel);
    // "help" is answered without a conversation being stored.
    await b.fake.send("events_api", b.fake.assistantMessage("help", thread, { channel }));
    await expect.poll(() => b.finalAnswers(channel).length, { timeout: 5000 }).toBe(1);
    await c.fake.send("events_api", c.fake.assistantMessage("similar to Mario Kart", thread, { channel }));
    await expect.poll(() => c.finalAnswers(channel).length, { timeout: 5000 }).toBe(1);
    expect(c.callsIn(channel).map((call) => call.method)).toContain("assistant.threads.setStatus");
  });
});
