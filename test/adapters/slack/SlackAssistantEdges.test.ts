import { afterEach, describe, expect, it } from "vitest";
import { FILES_NOT_READ, GREETING } from "../../../src/adapters/slack/SlackAssistant.js";
import type { BotRequest, HandleOptions } from "../../../src/bot/types.js";
import { assistantHarness } from "./assistantHarness.js";

let h: Awaited<ReturnType<typeof assistantHarness>> | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

type Harness = NonNullable<typeof h>;

async function startThread(harness: Harness, channel: string): Promise<string> {
  const started = harness.fake.assistantThreadStarted({ channel });
  await harness.fake.send("events_api", started);
  return started.event.assistant_thread.thread_ts as string;
}

/** A message with a file, as Slack's `file_share` message subtype delivers it. */
function withFile(harness: Harness, text: string, thread: string, channel: string) {
  const message = harness.fake.assistantMessage(text, thread, { channel });
  Object.assign(message.event, { subtype: "file_share", files: [{ id: "F0001", name: "halo3.png", mimetype: "image/png" }] });
  return message;
}

describe("Messages with files in an assistant thread", () => {
  it("the words that came with the file are answered", async () => {
    h = await assistantHarness({ redis: false });
    const thread = await startThread(h, "D0E001");
    await h.fake.send("events_api", withFile(h, "similar to Mario Kart", thread, "D0E001"));
    await expect.poll(() => h!.finalAnswers("D0E001").length, { timeout: 5000 }).toBe(1);
    expect(JSON.stringify(h.finalAnswers("D0E001")[0]!.args.blocks)).toMatch(/\*1\. /);
  });

  it("a file alone gets a short line saying files are not read, and what to type instead", async () => {
    h = await assistantHarness({ redis: false });
    const thread = await startThread(h, "D0E002");
    await h.fake.send("events_api", withFile(h, "", thread, "D0E002"));
    const reply = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "D0E002" && c.args.text !== GREETING);
    expect(reply.args).toMatchObject({ thread_ts: thread, text: FILES_NOT_READ });
  });
});

describe("The greeting against a rate-limited Slack", () => {
  it("is sent again after the advised wait (HTTP 200 ok:false ratelimited), then the prompts", async () => {
    h = await assistantHarness({ redis: false });
    h.fake.rateLimitOnce.push({ method: "chat.postMessage" });
    await startThread(h, "D0E010");
    await h.fake.waitFor((c) => c.method === "assistant.threads.setSuggestedPrompts" && c.args.channel_id === "D0E010", 5000);
    const greetings = h.callsIn("D0E010").filter((c) => c.method === "chat.postMessage");
    expect(greetings.map((c) => c.args.text)).toEqual([GREETING]);
    expect(h.log.entries.filter((e) => e.level === "error")).toEqual([]);
  });
});

describe("The assistant thread's status after the answer", () => {
  it("a 'waiting its turn' status that Slack applies after the answer is cleared", async () => {
    h = await assistantHarness({ redis: false });
    // The request waits in line (the bot reports the position through onQueued)…
    const handle = h.bot.handle.bind(h.bot);
    h.bot.handle = async (request: BotRequest, options: HandleOptions = {}) => {
      options.onQueued?.(2);
      return handle(request, options);
    };
    // …and Slack is slow to apply statuses, so that one lands after the answer.
    h.fake.delay("assistant.threads.setStatus", 600);
    const thread = await startThread(h, "D0E020");
    await h.fake.send("events_api", h.fake.assistantMessage("similar to Mario Kart", thread, { channel: "D0E020" }));
    await h.fake.waitFor((c) => c.method === "chat.stopStream" && c.args.channel === "D0E020", 5000);
    await expect
      .poll(() => h!.callsIn("D0E020").filter((c) => c.method === "assistant.threads.setStatus" && c.args.status === "").length, {
        timeout: 5000,
      })
      .toBe(1);
    await expect.poll(() => h!.fake.assistantThread("D0E020", thread)?.status, { timeout: 5000 }).toBe("");
  });
});
