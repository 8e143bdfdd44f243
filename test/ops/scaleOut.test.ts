/**
 * Issue 12's acceptance check, on loopback: Redis, two bot processes (ENGINE_MODE=remote, Discord
 * and Slack in each) and two `sidbot worker` processes on the fixture model. 60 conversations
 * (30 Discord threads, 30 Slack threads, a third of them with a follow-up turn) are interleaved
 * across both bots and both platforms; one worker is frozen while it runs a request and then
 * SIGKILLed. Every request is answered exactly once with valid, distinct catalog items, every
 * turn is kept in Redis, and the catalog answers given because the worker died are counted in
 * `sidbot_fallback_answers_total`.
 */
import { jobQueueName } from "../../src/engine/remote/remoteJobs.js";
import { catalogFingerprint } from "../../src/engine/catalog/catalogFingerprint.js";
import { setTimeout as sleep } from "node:timers/promises";
import { escapeMarkdown } from "discord.js";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisMemoryStore } from "../../src/bot/memory/RedisMemoryStore.js";
import { loadConfig } from "../../src/config.js";
import { openCatalog } from "../../src/engine/catalog/openCatalog.js";
import { escapeSlack } from "../../src/adapters/slack/renderSlackReply.js";
import { FakeDiscord } from "../support/fakes/FakeDiscord.js";
import { FakeSlack } from "../support/fakes/FakeSlack.js";
import { fixtureModel } from "../support/models.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../support/redis.js";
import { startSidbot, type SidbotProcess } from "../support/sidbotProcess.js";
import { tempDir } from "../support/tempDir.js";

const QUEUE = "sidbot-generate";
const CONVERSATIONS = 60;
// Every third conversation gets a second turn, sent to the other bot once the first is answered.
const hasFollowUp = (i: number) => i % 3 === 0;
// Gap between new requests: steady load on the workers without filling the shared queue (limits.maxQueue).
const DISPATCH_GAP_MS = 40;

// How people name the demo catalog's games, and a piece of the title each resolves to.
const GAMES: [name: string, title: string][] = [
  ["Halo 3", "Halo 3 Limited"],
  ["Mario Kart", "Mario Kart"],
  ["Forza Motorsport 2", "Forza Motorsport 2"],
  ["Nintendogs", "Nintendogs"],
  ["Tales of Vesperia", "Tales of Vesperia"],
  ["Need for Speed Carbon", "Need for Speed Carbon"],
  ["Crazy Taxi", "Crazy Taxi"],
  ["NASCAR", "NASCAR"],
  ["Animal Crossing", "Animal Crossing"],
  ["Disney Magical World", "Disney Magical World"],
  ["Nights of Azure", "Nights of Azure"],
  ["Dragon Quest Heroes II", "Dragon Quest Heroes II"],
  ["Crash Team Racing", "Crash Team Racing"],
  ["Battlefield Bad Company", "Battlefield"],
  ["Fallout New Vegas", "Fallout"],
  ["Ocarina of Time", "Ocarina of Time"],
  ["Assassin's Creed 2", "Assassin's Creed 2"],
  ["Halo Reach", "Halo Reach"],
];
const PHRASES = [(g: string) => `similar to ${g}`, (g: string) => `games like ${g}`, (g: string) => `what should I play after ${g}?`];

interface Turn {
  text: string;
  title: string;
  bot: number;
  /** Request id as the bot logs it (Discord message id, Slack event id). */
  requestId: string;
}

interface Conversation {
  index: number;
  platform: "discord" | "slack";
  /** The bot that gets the first turn; a follow-up goes to the other one. */
  bot: number;
  turns: Turn[];
  /** Discord: the mention that opens the thread; Slack: the channel and the mention's ts. */
  mentionId?: string;
  channel?: string;
  threadTs?: string;
}

/** One answer as the platform received it. */
interface Answer {
  at: number;
  backend: "llama" | "catalog" | "unknown";
  titles: string[];
}

const redisUp = await requireRedis();
const discord = new FakeDiscord();
const slack = new FakeSlack();
await discord.start();
await slack.start();
const modelDir = tempDir("sidbot-scale-out-");
const processes: SidbotProcess[] = [];
afterAll(async () => {
  for (const p of processes) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    p.child.kill("SIGKILL");
    await p.exited();
  }
  await discord.stop();
  await slack.stop();
});

describe.runIf(redisUp)("scale-out: two bots and two model workers on one Redis (the built CLI, fake Discord and Slack)", () => {
  it("answers 60 interleaved conversations exactly once, keeps every turn, and counts the fallbacks when a worker is SIGKILLed mid-run", {
    timeout: 180_000,
  }, async () => {
    const started = Date.now();
    const namespace = uniqueNamespace("scale-out");
    const model = await fixtureModel(modelDir);
    const { catalog } = await openCatalog(loadConfig({ env: {} }));
    const titles = catalog.items.map((item) => item.title);

    // ---- two model workers ----
    const workerEnv = {
      REDIS_URL: SHARED_REDIS_URL,
      MEMORY_NAMESPACE: namespace,
      ENGINE_QUEUE: QUEUE,
      MODEL_PATH: model,
      MODEL_GPU: "off",
      HEALTH_PORT: "0",
    };
    const workers = [startSidbot(workerEnv, { args: ["worker"] }), startSidbot(workerEnv, { args: ["worker"] })];
    processes.push(...workers);
    const workerIds = await Promise.all(
      workers.map(async (w) => String((await w.waitForLog((l) => l.msg === "model worker ready", 60_000)).id)),
    );
    const workerPorts = await Promise.all(
      workers.map(async (w) => Number((await w.waitForLog((l) => l.msg === "health and metrics listening")).port)),
    );
    const [victim, survivor] = workers as [SidbotProcess, SidbotProcess];
    const victimId = workerIds[0]!;

    // ---- two bots, each on Discord and Slack; started one after the other so connection #n is bot n ----
    const botEnv = {
      REDIS_URL: SHARED_REDIS_URL,
      MEMORY_NAMESPACE: namespace,
      ENGINE_MODE: "remote",
      ENGINE_QUEUE: QUEUE,
      HEALTH_PORT: "0",
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
    };
    const bots: SidbotProcess[] = [];
    const botPorts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const bot = startSidbot(botEnv);
      processes.push(bot);
      bots.push(bot);
      await bot.waitForLog((l) => l.msg === "connected to Discord", 30_000);
      await bot.waitForLog((l) => l.msg === "connected to Slack", 30_000);
      botPorts.push(Number((await bot.waitForLog((l) => l.msg === "health and metrics listening")).port));
      expect((await bot.waitForLog((l) => l.msg === "remote model workers")).workers).toBe("available");
      expect(discord.sockets.size).toBe(i + 1);
      expect(slack.sockets.size).toBe(i + 1);
    }
    const readyAt = Date.now();

    // ---- what the platforms received ----
    const threadOf = (c: Conversation) => (c.mentionId ? discord.threadsByMessage.get(c.mentionId) : undefined);
    const answersOf = (c: Conversation): Answer[] => {
      if (c.platform === "discord") {
        const thread = threadOf(c);
        if (!thread) return [];
        // The answer: a message with the games' embed, posted, or edited into the streamed message.
        return discord.requests
          .filter(
            (r) =>
              (r.method === "POST"
                ? r.path === `/channels/${thread}/messages`
                : r.method === "PATCH" && r.path.startsWith(`/channels/${thread}/messages/`)) && r.body?.embeds?.length > 0,
          )
          .map((r) => discordAnswer(r.body.embeds[0], r.at, titles));
      }
      // "Thinking…" is replaced by the answer in Block Kit (streamed text and errors carry no blocks).
      return slack.calls
        .filter(
          (c2) =>
            (c2.method === "chat.update" || c2.method === "chat.postMessage") &&
            c2.args.channel === c.channel &&
            Array.isArray(c2.args.blocks),
        )
        .map((c2) => slackAnswer(c2.args.blocks, c2.at, titles));
    };
    const answered = () => conversations.reduce((n, c) => n + answersOf(c).length, 0);
    const requested = () => conversations.reduce((n, c) => n + c.turns.length, 0);

    // ---- the conversations, interleaved: Discord/Slack alternate, and so do the bots ----
    const conversations: Conversation[] = [];
    const failures: string[] = [];
    const send = (c: Conversation, text: string, bot: number, game: [string, string]) => {
      if (c.platform === "discord") {
        const thread = threadOf(c);
        const message = discord.message(text, thread ? { channelId: thread } : { mentionBot: true });
        if (!thread) c.mentionId = message.id;
        c.turns.push({ text, title: game[1], bot, requestId: message.id });
        discord.dispatchTo(bot, "MESSAGE_CREATE", message);
      } else {
        const user = `U${1000 + c.index}`;
        const event = c.threadTs
          ? slack.message(text, { channel: c.channel!, user, threadTs: c.threadTs })
          : slack.mention(text, { channel: c.channel!, user });
        c.threadTs ??= event.event.ts as string;
        c.turns.push({ text, title: game[1], bot, requestId: event.event_id });
        slack
          .send("events_api", event, { toSocket: bot })
          .catch((error: Error) => failures.push(`slack envelope for conversation ${c.index}: ${error.message}`));
      }
    };
    let dispatching = true;
    const firstTurns = (async () => {
      for (let i = 0; i < CONVERSATIONS; i++) {
        const c: Conversation = {
          index: i,
          platform: i % 2 === 0 ? "discord" : "slack",
          bot: (i >> 1) % 2,
          turns: [],
          ...(i % 2 === 1 ? { channel: `C${1000 + i}` } : {}),
        };
        conversations.push(c);
        const game = GAMES[i % GAMES.length]!;
        send(c, PHRASES[i % PHRASES.length]!(game[0]), c.bot, game);
        await sleep(DISPATCH_GAP_MS);
      }
      dispatching = false;
    })();
    // Follow-ups go to the other bot as soon as the first answer is there (the thread exists, the bot knows it).
    const followUps = (async () => {
      const pending = () => conversations.filter((c) => hasFollowUp(c.index) && c.turns.length === 1);
      const deadline = Date.now() + 90_000;
      while ((dispatching || pending().length > 0) && Date.now() < deadline) {
        for (const c of pending()) {
          if (answersOf(c).length === 0) continue;
          const game = GAMES[(c.index + 7) % GAMES.length]!;
          send(c, PHRASES[(c.index + 1) % PHRASES.length]!(game[0]), 1 - c.bot, game);
          await sleep(DISPATCH_GAP_MS);
        }
        await sleep(20);
      }
    })();

    // ---- mid-run: freeze the victim while it runs a request, then SIGKILL it ----
    const redis = new Redis(SHARED_REDIS_URL);
    // The jobs' queue is engine.queue plus the catalog's fingerprint (the built-in catalog here).
    const bull = `${namespace}:bull:${jobQueueName(QUEUE, catalogFingerprint(catalog))}`;
    const victimJobs = async (): Promise<string[]> => {
      const active = await redis.lrange(`${bull}:active`, 0, -1);
      if (active.length === 0) return [];
      const progress = await Promise.all(active.map((id) => redis.hget(`${bull}:${id}`, "progress")));
      return active.filter((_, i) => {
        try {
          return (JSON.parse(progress[i] ?? "null") as { worker?: string } | null)?.worker === victimId;
        } catch {
          return false;
        }
      });
    };
    let caught: string[] = [];
    let stoppedAt = 0;
    let attempts = 0;
    while (answered() < 8 && Date.now() - readyAt < 60_000) await sleep(10);
    while (caught.length === 0 && (dispatching || answered() < requested()) && Date.now() - readyAt < 90_000) {
      if ((await victimJobs()).length > 0) {
        attempts++;
        victim.child.kill("SIGSTOP");
        const frozenAt = Date.now();
        await sleep(150); // commands it sent before it stopped reach Redis
        const still = await victimJobs();
        if (still.length > 0) {
          caught = still;
          stoppedAt = frozenAt;
          victim.child.kill("SIGKILL");
          break;
        }
        victim.child.kill("SIGCONT");
      }
      await sleep(2);
    }
    const killedAfterAnswers = answered();
    expect(caught.length, "the victim worker was never caught running a request").toBeGreaterThan(0);
    expect((await victim.exited()).signal).toBe("SIGKILL");

    // ---- every request answered, exactly once ----
    await firstTurns;
    await followUps;
    const deadline = Date.now() + 90_000;
    while (conversations.some((c) => answersOf(c).length < c.turns.length) && Date.now() < deadline) await sleep(50);
    await sleep(2000); // a duplicate would show up by now
    const doneAt = Date.now();
    await redis.quit();
    expect(failures).toEqual([]);
    expect(conversations).toHaveLength(CONVERSATIONS);
    expect(requested()).toBe(CONVERSATIONS + conversations.filter((c) => hasFollowUp(c.index)).length);
    const counts = conversations.map((c) => `${c.platform} #${c.index}: ${answersOf(c).length}/${c.turns.length}`);
    expect(counts).toEqual(conversations.map((c) => `${c.platform} #${c.index}: ${c.turns.length}/${c.turns.length}`));
    // Slack: one "Thinking…" per request, and no answer posted anew.
    for (const c of conversations.filter((c2) => c2.platform === "slack")) {
      expect(
        slack.calls.filter((call) => call.method === "chat.postMessage" && call.args.channel === c.channel).map((call) => call.args.text),
      ).toEqual(c.turns.map(() => "Thinking…"));
    }

    // ---- each answer: valid catalog items, distinct ----
    const answers = conversations.flatMap((c) => answersOf(c).map((a) => ({ ...a, conversation: c.index })));
    for (const a of answers) {
      expect(a.backend, `conversation ${a.conversation}`).not.toBe("unknown");
      expect(a.titles.length, `conversation ${a.conversation}`).toBeGreaterThan(0);
      for (const title of a.titles) expect(titles, `conversation ${a.conversation}`).toContain(title);
      expect(new Set(a.titles).size, `conversation ${a.conversation}: ${a.titles.join(" | ")}`).toBe(a.titles.length);
    }

    // ---- both bots answered on both platforms; the caught requests came from the catalog, because the worker crashed ----
    const answeredLogs = bots.map((b) => b.logs().filter((l) => l.msg === "answered"));
    for (const logs of answeredLogs) {
      expect(logs.some((l) => String(l.conversation).startsWith("discord:"))).toBe(true);
      expect(logs.some((l) => String(l.conversation).startsWith("slack:"))).toBe(true);
    }
    const byRequest = new Map(answeredLogs.flat().map((l) => [String(l.requestId), l]));
    expect(answeredLogs.flat()).toHaveLength(requested()); // each request answered by one bot, once
    for (const c of conversations)
      for (const t of c.turns) expect(byRequest.has(t.requestId), `request ${t.requestId} (conversation ${c.index})`).toBe(true);
    const crashNoticed = bots.flatMap((b) =>
      b.logs().filter((l) => l.msg === "the model worker running a request stopped; answering from the catalog"),
    );
    for (const jobId of caught) {
      // Job ids are the request ids with a "req-" prefix (BullMQ refuses integer-looking ids).
      expect(byRequest.get(jobId.replace(/^req-/, ""))?.backend, `caught request ${jobId}`).toBe("catalog");
      const noticed = crashNoticed.find((l) => l.jobId === jobId);
      expect(noticed, `crash of ${jobId} noticed`).toBeDefined();
      expect(noticed!.worker).toBe(victimId);
      // Heartbeats stop when the worker freezes; stale after 3.5 s, read every second.
      expect(Number(noticed!.time) - stoppedAt).toBeLessThan(6000);
    }
    for (const b of bots) expect(b.logs().filter((l) => Number(l.level) >= 50)).toEqual([]);

    // ---- the metrics count the fallbacks ----
    const botMetrics = await Promise.all(botPorts.map((port) => scrape(port)));
    const fallbacks = (reason: string) => botMetrics.reduce((n, m) => n + metric(m, "sidbot_fallback_answers_total", { reason }), 0);
    const crashFallbacks = fallbacks("worker-crash") + fallbacks("no-worker") + fallbacks("timeout");
    const catalogAfterKill = answers.filter((a) => a.backend === "catalog" && a.at >= stoppedAt).length;
    const fromModel = answers.filter((a) => a.backend === "llama").length;
    const fromCatalog = answers.filter((a) => a.backend === "catalog").length;
    expect(fallbacks("worker-crash")).toBeGreaterThanOrEqual(caught.length);
    expect(crashFallbacks).toBeGreaterThanOrEqual(catalogAfterKill);
    expect(fromModel).toBeGreaterThan(0);
    expect(fromCatalog).toBeGreaterThanOrEqual(caught.length);
    // The survivor kept serving after the kill.
    const survivorDone = metric(await scrape(workerPorts[1]!), "sidbot_worker_jobs_total", { outcome: "done" });
    expect(survivorDone).toBeGreaterThan(0);

    // ---- no turn lost: each conversation holds exactly the user turns sent, each followed by the answer ----
    const memory = new RedisMemoryStore({ url: SHARED_REDIS_URL, namespace, ttlMs: 60_000, maxTurns: 40 });
    try {
      for (const c of conversations) {
        const key = c.platform === "discord" ? `discord:thread:${threadOf(c)}` : `slack:thread:${slack.teamId}:${c.channel}:${c.threadTs}`;
        const state = await memory.get(key);
        expect(state, `memory of conversation ${c.index} (${key})`).toBeDefined();
        expect(state!.turns.map((t) => t.role)).toEqual(c.turns.flatMap(() => ["user", "assistant"]));
        const asked = state!.turns
          .filter((t) => t.role === "user")
          .map((t) => t.parts.map((p) => ("sid" in p ? (catalog.get(p.sid)?.title ?? "?") : "")).join(" "));
        asked.forEach((text, n) => {
          expect(text, `conversation ${c.index}, turn ${n + 1}: ${c.turns[n]!.text}`).toContain(c.turns[n]!.title);
        });
      }
    } finally {
      await memory.close();
    }

    // ---- everyone left standing stops cleanly ----
    for (const p of [...bots, survivor]) p.child.kill("SIGTERM");
    for (const p of [...bots, survivor]) expect((await p.exited()).code).toBe(0);

    const fallbackCounts = {
      "worker-crash": fallbacks("worker-crash"),
      "no-worker": fallbacks("no-worker"),
      timeout: fallbacks("timeout"),
    };
    console.info(
      `scale-out: ${requested()} requests in ${CONVERSATIONS} conversations, ${fromModel} from the model, ` +
        `${fromCatalog} from the catalog (${catalogAfterKill} after the kill); ` +
        `victim caught with ${caught.length} job(s) after ${killedAfterAnswers} answers (${attempts} freeze ` +
        `attempt(s)); fallbacks ` +
        `${JSON.stringify(fallbackCounts)}; ` +
        `survivor jobs done ${survivorDone}; start-up ${readyAt - started} ms, conversations ` +
        `${doneAt - readyAt} ms, total ${Date.now() - started} ms`,
    );
  });
});

function discordAnswer(embed: { description?: string; footer?: { text?: string } }, at: number, titles: string[]): Answer {
  const lines = (embed.description ?? "").split("\n").filter((l) => /^\d+\. \*\*/.test(l));
  return {
    at,
    backend: backendOf(embed.footer?.text ?? ""),
    titles: lines.map(
      (line, i) => titles.find((t) => line.startsWith(`${i + 1}. **${escapeMarkdown(t)}**`)) ?? `not in the catalog: ${line}`,
    ),
  };
}

function slackAnswer(
  blocks: { type: string; text?: { text?: string }; elements?: { text?: string }[] }[],
  at: number,
  titles: string[],
): Answer {
  const lines = blocks.filter((b) => b.type === "section" && /^\*\d+\. /.test(b.text?.text ?? "")).map((b) => b.text!.text!);
  const context = blocks.find((b) => b.type === "context")?.elements?.[0]?.text ?? "";
  return {
    at,
    backend: backendOf(context),
    titles: lines.map((line, i) => titles.find((t) => line.startsWith(`*${i + 1}. ${escapeSlack(t)}*`)) ?? `not in the catalog: ${line}`),
  };
}

function backendOf(label: string): Answer["backend"] {
  if (label.includes("answered by the catalog")) return "catalog";
  if (label.includes("answered by the model")) return "llama";
  return "unknown";
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** A counter's value in Prometheus text (0 when the series is absent). */
function metric(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m && m[1] === name && want.every((w) => m[2]!.split(",").includes(w))) return Number(m[3]);
  }
  return 0;
}
