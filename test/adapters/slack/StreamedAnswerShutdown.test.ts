/**
 * A shutdown interrupt and the request's own finish on one streamed answer, with the real Web API
 * client against FakeSlack: an answer that finishes after the interrupt still reaches the person
 * whole, and a stream counts as ended only once chat.stopStream succeeded.
 */
import { webApi } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StreamedAnswer } from "../../../src/adapters/slack/StreamedAnswer.js";
import { silentLogger } from "../../../src/util/logger.js";
import { FakeSlack } from "../../support/fakes/FakeSlack.js";

let fake: FakeSlack;
beforeEach(async () => {
  fake = new FakeSlack();
  await fake.start();
});
afterEach(() => fake.stop());

const GAMES = [{ type: "section", text: { type: "mrkdwn", text: "*1. Mario Kart 8*", verbatim: true } }];
const WHOLE = {
  text: "These share fast racing.",
  blocks: [...GAMES, { type: "section", text: { type: "mrkdwn", text: "These share fast racing." } }],
};

/** A stream in an assistant thread (DM) that has shown its first words. */
async function startedStream(channel: string): Promise<StreamedAnswer> {
  const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  const answer = new StreamedAnswer({
    client,
    channel,
    threadTs: "1700000000.000100",
    recipientUserId: "U0001",
    recipientTeamId: fake.teamId,
    intervalMs: 10,
    logger: silentLogger,
  });
  answer.push("These share ");
  await expect.poll(() => answer.ts, { timeout: 5000 }).toBeDefined();
  answer.push("fast racing.");
  return answer;
}

describe("StreamedAnswer at shutdown", () => {
  it("an answer finishing while the interrupt is stopping the stream replaces the interrupted message whole", async () => {
    const answer = await startedStream("D0SD001");
    fake.delay("chat.stopStream", 200);
    const interrupted = answer.interrupt();
    const outcome = await answer.finish({ text: "", blocks: GAMES }, WHOLE);
    await interrupted;
    const update = fake.calls.find((c) => c.method === "chat.update" && c.args.ts === answer.ts);
    expect(update?.args.blocks).toEqual(WHOLE.blocks);
    expect(outcome.kind).not.toBe("not_started");
  });

  it("a stream whose stop failed at shutdown is not taken for ended: the finished answer is delivered whole", async () => {
    const answer = await startedStream("D0SD002");
    fake.failOn("chat.stopStream", "internal_error", { times: 1 });
    await answer.interrupt();
    const outcome = await answer.finish({ text: "", blocks: GAMES }, WHOLE);
    const delivered = fake.calls.filter((c) => ["chat.update", "chat.postMessage"].includes(c.method) && Array.isArray(c.args.blocks));
    expect(delivered.map((c) => c.args.blocks)).toEqual([WHOLE.blocks]);
    expect(outcome.kind).toBe("recovered");
  });
});
