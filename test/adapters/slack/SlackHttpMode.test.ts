import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackAdapter } from "../../../src/adapters/slack/SlackAdapter.js";
import { testBot } from "../../support/bots.js";
import { FakeSlack } from "../../support/fakes/FakeSlack.js";
import { freePort } from "../../support/redis.js";

const SECRET = "test-signing-secret";
let fake: FakeSlack;
let adapter: SlackAdapter;
let port: number;
let engineCalls = 0;
let dispose: () => Promise<void>;

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  const t = await testBot();
  dispose = t.dispose;
  const run = t.engine.run.bind(t.engine);
  t.engine.run = (...args) => {
    engineCalls++;
    return run(...args);
  };
  port = await freePort();
  adapter = new SlackAdapter({ bot: t.bot, botToken: fake.botToken, signingSecret: SECRET, port, apiUrl: fake.apiUrl });
  await adapter.start();
});
afterAll(async () => {
  await adapter?.stop();
  await fake?.stop();
  await dispose?.();
});

function sign(body: string, timestamp: number, secret = SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

async function post(body: string, headers: Record<string, string>) {
  return fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
}

const command = (channel: string) =>
  new URLSearchParams(fake.slashCommand("similar to Halo 3", { channel }) as unknown as Record<string, string>).toString();
const now = () => Math.floor(Date.now() / 1000);

describe("SlackAdapter in HTTP mode", () => {
  it("accepts a correctly signed slash command and answers", async () => {
    expect(adapter.mode).toBe("http");
    const body = command("C1000");
    const ts = now();
    const res = await post(body, { "x-slack-request-timestamp": String(ts), "x-slack-signature": sign(body, ts) });
    expect(res.status).toBe(200);
    const update = await fake.waitFor((c) => c.method === "chat.update" && c.args.channel === "C1000" && Array.isArray(c.args.blocks));
    expect(update.args.blocks[0].text.text).toMatch(/Halo Reach/);
  });

  it.each([
    [
      "a bad signature",
      (body: string, ts: number) => ({ "x-slack-request-timestamp": String(ts), "x-slack-signature": sign(body, ts, "wrong-secret") }),
    ],
    [
      "a stale timestamp (> 5 min)",
      (body: string) => ({ "x-slack-request-timestamp": String(now() - 6 * 60), "x-slack-signature": sign(body, now() - 6 * 60) }),
    ],
    ["a missing signature header", (_body: string, ts: number) => ({ "x-slack-request-timestamp": String(ts) })],
    ["a missing timestamp header", (body: string, ts: number) => ({ "x-slack-signature": sign(body, ts) })],
  ])("rejects %s with 401 and never reaches the engine", async (_name, headers) => {
    const before = engineCalls;
    const channel = `C2${Math.floor(Math.random() * 1e6)}`;
    const body = command(channel);
    const res = await post(body, headers(body, now()));
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(engineCalls).toBe(before);
    expect(fake.calls.filter((c) => c.args.channel === channel)).toEqual([]);
  });
});
