import { once } from "node:events";
import { connect, createServer, type Server } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SlackAdapter, type SlackAdapterOptions } from "../../../src/adapters/slack/SlackAdapter.js";
import { PlatformStartError } from "../../../src/errors.js";
import { freePort } from "../../support/redis.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { slackHarness } from "./slackHarness.js";

let h: Awaited<ReturnType<typeof slackHarness>>;
const started: SlackAdapter[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  h = await slackHarness();
});
afterEach(async () => {
  h.reset();
  for (const a of started.splice(0)) await a.stop().catch(() => {});
  expect(unhandled).toEqual([]);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await h?.dispose();
});

function adapter(options: Partial<SlackAdapterOptions>): SlackAdapter {
  const a = new SlackAdapter({
    bot: h.bot,
    botToken: h.fake.botToken,
    apiUrl: h.fake.apiUrl,
    logger: h.log,
    startAttempts: 2,
    startRetryDelayMs: 20,
    stopTimeoutMs: 1000,
    ...options,
  });
  started.push(a);
  return a;
}
const socket = (options: Partial<SlackAdapterOptions> = {}) => adapter({ appToken: h.fake.appToken, ...options });
const http = (options: Partial<SlackAdapterOptions> = {}) => adapter({ signingSecret: "s3cret", port: 0, ...options });

async function startError(a: SlackAdapter, signal?: AbortSignal): Promise<PlatformStartError> {
  const error: unknown = await a.start(signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformStartError);
  return error as PlatformStartError;
}

/** Whether something still accepts connections on 127.0.0.1:port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(port, "127.0.0.1");
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

/** After a failed start, or stop(): Slack hears nothing more from this adapter, and stop() is quick. */
async function expectQuiet(a: SlackAdapter) {
  // By count, not time: the last start-up call can share its millisecond with the failure.
  const before = h.fake.calls.length;
  const t0 = Date.now();
  await a.stop();
  expect(Date.now() - t0).toBeLessThan(1500);
  await sleep(1200);
  expect(h.fake.calls.slice(before)).toEqual([]);
}

describe("Slack start-up checks the credentials", () => {
  it.each([
    ["Socket Mode, a wrong bot token", () => socket({ botToken: "xoxb-wrong" }), "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"],
    ["Socket Mode, a revoked bot token", () => socket({ botToken: h.fake.revokedToken }), "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"],
    ["Socket Mode, a wrong app token", () => socket({ appToken: "xapp-wrong" }), "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"],
    ["Socket Mode, the bot token given as app token", () => socket({ appToken: h.fake.botToken }), "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN"],
    ["HTTP mode, a wrong bot token", () => http({ botToken: "xoxb-wrong" }), "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"],
  ])("%s: one clear line naming the variable, then nothing keeps running", async (_name, make, named, notNamed) => {
    const a = make();
    const error = await startError(a);
    expect(error.message).toContain(named);
    expect(error.message).not.toContain(notNamed);
    expect(error.message).not.toMatch(/\n/);
    expect(h.fake.sockets.size).toBe(0);
    await expectQuiet(a);
  });

  it("an unreachable API: a few tries with backoff, then one line naming the host; nothing retries after", async () => {
    let connections = 0;
    const dead: Server = createServer((s) => {
      connections++;
      s.destroy();
    });
    dead.listen(0, "127.0.0.1");
    await once(dead, "listening");
    const port = (dead.address() as { port: number }).port;
    try {
      const a = socket({ apiUrl: `http://127.0.0.1:${port}/api/`, startAttempts: 3, startRetryDelayMs: 50 });
      const t0 = Date.now();
      const error = await startError(a);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).not.toMatch(/\n/);
      expect(connections).toBe(3);
      const t1 = Date.now();
      await a.stop();
      expect(Date.now() - t1).toBeLessThan(1500);
      await sleep(1200);
      expect(connections).toBe(3);
      // No per-attempt warnings (the Web API client's "http request failed fetch failed"): the one line is the error.
      expect(h.log.entries.filter((e) => e.level !== "debug" && /http request failed/.test(e.message ?? ""))).toEqual([]);
    } finally {
      dead.close();
    }
  }, 20_000);

  it("a refused connection names the host too", async () => {
    const port = await freePort();
    const error = await startError(socket({ apiUrl: `http://127.0.0.1:${port}/api/` }));
    expect(error.message).toContain(`127.0.0.1:${port}`);
  }, 20_000);

  it.each(["auth.test", "apps.connections.open"])("start-up is abandoned promptly while Slack is slow to answer %s", async (method) => {
    h.fake.delay(method, 5000);
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const t0 = Date.now();
      await socket().start(controller.signal);
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(h.fake.sockets.size).toBe(0);
    } finally {
      h.fake.delay(method, 0);
    }
  });

  it.each([
    ["Socket Mode", () => socket()],
    ["HTTP mode", () => http()],
  ])("%s: stop() while start() is still running leaves nothing open", async (_name, make) => {
    for (const delayMs of [0, 5, 20, 50]) {
      const a = make();
      const starting = a.start().catch((e: unknown) => e);
      await sleep(delayMs);
      await a.stop();
      expect(await starting).toBeUndefined();
      await sleep(100);
      expect(h.fake.sockets.size).toBe(0);
      const open: number[] = [];
      for (const e of h.log.entries)
        if (/^listening on/.test(e.message ?? "") && (await isListening(Number(e.fields.port)))) open.push(Number(e.fields.port));
      expect(open).toEqual([]);
    }
  });

  it("start-up is abandoned promptly when the process is told to stop meanwhile", async () => {
    const port = await freePort();
    const a = socket({ apiUrl: `http://127.0.0.1:${port}/api/`, startAttempts: 10, startRetryDelayMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const t0 = Date.now();
    await a.start(controller.signal);
    expect(Date.now() - t0).toBeLessThan(1500);
  }, 20_000);
});

describe("Slack says what it is doing", () => {
  it("HTTP mode logs 'listening on :PORT' with the real port once it listens", async () => {
    const a = http();
    const before = h.log.entries.length;
    await a.start();
    const line = h.log.entries.slice(before).find((e) => /^listening on :\d+$/.test(e.message ?? ""));
    expect(line, JSON.stringify(h.log.entries)).toBeDefined();
    const port = Number(/:(\d+)$/.exec(line!.message!)![1]);
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "x" });
    expect(res.status).toBe(401);
    expect(h.log.entries.slice(before).filter((e) => e.message === "connected to Slack")).toEqual([]);
  });

  it("Socket Mode logs 'connected to Slack' once the socket is connected", async () => {
    const sockets: number[] = [];
    const spy = recordingLogger();
    spy.info = (_fields, message) => void (message === "connected to Slack" && sockets.push(h.fake.sockets.size));
    spy.child = () => spy;
    await socket({ logger: spy }).start();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toBeGreaterThan(0);
  });
});

describe("Slack Socket Mode while running", () => {
  it("Slack unavailable for a while after a lost connection: retries with backoff, then answers again", async () => {
    const a = socket({ reconnectDelayMs: 20 });
    await a.start();
    await h.fake.socketReady();
    h.fake.failOn("apps.connections.open", "service_unavailable", { times: 2 });
    const since = Date.now();
    h.fake.dropSockets();
    await h.fake.waitFor(
      (c) => c.method === "apps.connections.open" && c.at >= since && h.fake.callsSince(since, "apps.connections.open").length >= 3,
    );
    await h.fake.socketReady();
    await h.fake.send("slash_commands", h.fake.slashCommand("similar to Halo 3", { channel: "C6300" }));
    await h.fake.waitFor((c) => c.method === "chat.update" && c.args.channel === "C6300" && Array.isArray(c.args.blocks));
    expect(h.log.entries.filter((e) => e.message === "could not reconnect to Slack yet")).toHaveLength(2);
  });

  it("the app token revoked while running: one error line, no more tries, nothing thrown", async () => {
    const a = socket({ reconnectDelayMs: 20 });
    await a.start();
    await h.fake.socketReady();
    h.fake.failOn("apps.connections.open", "invalid_auth");
    const since = Date.now();
    h.fake.dropSockets();
    const gaveUp = () =>
      h.log.entries.find((e) => e.message === "gave up reconnecting to Slack" && String(e.fields.err).includes("SLACK_APP_TOKEN"));
    for (let i = 0; i < 100 && !gaveUp(); i++) await sleep(20);
    expect(gaveUp()).toBeDefined();
    await sleep(300);
    expect(h.fake.callsSince(since, "apps.connections.open")).toHaveLength(1);
  });
});

describe("Slack stop() ends promptly", () => {
  it("while Socket Mode is reconnecting, and nothing reconnects after", async () => {
    const a = socket();
    await a.start();
    await h.fake.socketReady();
    h.fake.delay("apps.connections.open", 2000);
    try {
      const since = Date.now();
      h.fake.dropSockets();
      await h.fake.waitFor((c) => c.method === "apps.connections.open" && c.at >= since);
      const t0 = Date.now();
      await a.stop();
      expect(Date.now() - t0).toBeLessThan(1500);
      await sleep(3000);
      expect(h.fake.sockets.size).toBe(0);
      expect(h.fake.callsSince(t0 + 1, "apps.connections.open")).toEqual([]);
    } finally {
      h.fake.delay("apps.connections.open", 0);
    }
  }, 20_000);

  it("while a request is running", async () => {
    const a = socket();
    await a.start();
    await h.fake.socketReady();
    h.faults.handle = () => new Promise(() => {});
    await h.fake.send("slash_commands", h.fake.slashCommand("similar to Halo 3", { channel: "C6100" }));
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "C6100");
    const t0 = Date.now();
    await a.stop();
    // stopTimeoutMs is 1000 here: the request gets that long, then stop() returns anyway.
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it("lets a running request deliver its answer before it returns (SIGTERM during generation)", async () => {
    const a = socket();
    await a.start();
    await h.fake.socketReady();
    let finish = () => {};
    h.faults.handle = () =>
      new Promise((resolve) => (finish = () => resolve({ kind: "help", items: [], text: "Goodbye for now", notices: [], followUps: [] })));
    await h.fake.send("slash_commands", h.fake.slashCommand("similar to Halo 3", { channel: "C6200" }));
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "C6200");
    const stopping = a.stop();
    setTimeout(() => finish(), 200);
    await stopping;
    const stoppedAt = Date.now();
    const answer = h.fake.calls.find(
      (c) => c.method === "chat.update" && c.args.channel === "C6200" && JSON.stringify(c.args).includes("Goodbye for now"),
    );
    expect(answer).toBeDefined();
    expect(answer!.at).toBeLessThanOrEqual(stoppedAt);
  });

  it("HTTP mode: while a request is still arriving", async () => {
    const port = await freePort();
    const a = http({ port });
    await a.start();
    const client = connect(port, "127.0.0.1");
    await once(client, "connect");
    client.write("POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    client.on("error", () => {});
    await sleep(100);
    const t0 = Date.now();
    await a.stop();
    expect(Date.now() - t0).toBeLessThan(2500);
    client.destroy();
  }, 20_000);
});
