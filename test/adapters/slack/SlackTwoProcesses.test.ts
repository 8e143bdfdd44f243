import { afterAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../../support/fakes/FakeSlack.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { startSidbot, type SidbotProcess } from "../../support/sidbotProcess.js";

const redis = await requireRedis();
const slack = new FakeSlack();
await slack.start();
const processes: SidbotProcess[] = [];
afterAll(async () => {
  for (const p of processes) {
    if (p.child.exitCode !== null) continue;
    p.child.kill("SIGCONT");
    p.child.kill("SIGKILL");
  }
  await slack.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The answers (Block Kit posts or updates) in `channel`. */
const answers = (channel: string) =>
  slack.calls.filter(
    (c) => (c.method === "chat.update" || c.method === "chat.postMessage") && c.args.channel === channel && Array.isArray(c.args.blocks),
  );
const thinking = (channel: string) => slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === channel);

describe.runIf(redis)("Slack Socket Mode with two sidbot processes on one Redis (the built CLI)", () => {
  it("one connection each; an envelope sent to one socket is answered by that process once; a redelivery " +
    "to the other socket is not answered again", async () => {
    const env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: SHARED_REDIS_URL,
      MEMORY_NAMESPACE: uniqueNamespace("slack-two"),
    };
    for (let i = 0; i < 2; i++) {
      const p = startSidbot(env);
      processes.push(p);
      await p.waitForLog((l) => l.msg === "connected to Slack");
      for (let n = 0; n < 100 && slack.sockets.size < i + 1; n++) await sleep(20);
    }
    expect(slack.sockets.size).toBe(2);

    // Slack hands each event to one of the app's connections.
    for (const [socket, channel] of [
      [0, "C8000"],
      [1, "C8001"],
    ] as const) {
      const event = slack.mention("similar to Halo 3", { channel });
      await slack.send("events_api", event, { toSocket: socket });
      await slack.waitFor(() => answers(channel).length === 1, 15_000);
      // Which process took it: the one whose log names the event.
      await processes[socket]!.waitForLog((l) => l.msg === "answered" && l.requestId === event.event_id);
      expect(processes[1 - socket]!.logs().some((l) => l.requestId === event.event_id)).toBe(false);
    }

    // A retry (same event, retry_attempt 1) and the same envelope again, each to the other socket: no second answer.
    const event = slack.mention("similar to Mario Kart", { channel: "C8002" });
    await slack.send("events_api", event, { toSocket: 0, envelopeId: "env-twice" });
    await slack.waitFor(() => answers("C8002").length === 1, 15_000);
    await slack.send("events_api", event, { toSocket: 1, envelopeId: "env-retry", retryAttempt: 1 });
    await slack.send("events_api", event, { toSocket: 1, envelopeId: "env-twice" });
    await sleep(1500);
    expect(thinking("C8002")).toHaveLength(1);
    expect(answers("C8002")).toHaveLength(1);

    // No ack: process 0 is frozen when the event reaches it, so Slack redelivers it to process 1,
    // which answers; when process 0 wakes up and reads the stale envelope, it answers nothing.
    const stale = slack.mention("similar to Forza Motorsport 2", { channel: "C8003" });
    processes[0]!.child.kill("SIGSTOP");
    const unacked = slack.send("events_api", stale, { toSocket: 0, envelopeId: "env-frozen" }).then(
      () => "acked",
      () => "no ack",
    );
    expect(await unacked).toBe("no ack");
    await slack.send("events_api", stale, { toSocket: 1, envelopeId: "env-redelivered", retryAttempt: 1 });
    await slack.waitFor(() => answers("C8003").length === 1, 15_000);
    processes[0]!.child.kill("SIGCONT");
    for (let n = 0; n < 200 && !slack.acks.some((a) => a.envelope_id === "env-frozen"); n++) await sleep(25);
    expect(slack.acks.some((a) => a.envelope_id === "env-frozen")).toBe(true);
    await sleep(1500);
    expect(processes[0]!.logs().some((l) => l.msg === "answered" && l.requestId === stale.event_id)).toBe(false);
    expect(thinking("C8003")).toHaveLength(1);
    expect(answers("C8003")).toHaveLength(1);

    for (const p of processes) p.child.kill("SIGTERM");
    for (const p of processes) expect((await p.exited()).code).toBe(0);
  }, 60_000);
});
