/**
 * The App Home tab through real Bolt and FakeSlack, with conversation memory on a real Redis:
 * opening the Home tab publishes a `home` view (views.publish) with what sidbot does, example
 * requests naming games of the loaded catalog, and the person's recent recommendations (per
 * team); the Messages tab publishes nothing; a redelivered event publishes once; Slack refusing
 * the view logs one line; Redis away still publishes, saying the list is unavailable.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackAdapter } from "../../../src/adapters/slack/SlackAdapter.js";
import { BUILTIN_CATALOG } from "../../../src/config.js";
import { testBot } from "../../support/bots.js";
import { type ApiCall, FakeSlack } from "../../support/fakes/FakeSlack.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";

type Block = { type: string; text?: { text: string }; elements?: { text?: string; action_id?: string; value?: string }[] };
type HomeView = { type: string; blocks: Block[] };

const redis = await requireRedis();
// The oracle for "real titles": the catalog file the bot loads, read here on its own.
const catalogTitles = readFileSync(BUILTIN_CATALOG, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { title: string }).title);

/** A started Socket Mode adapter on its own FakeSlack, with a real bot whose memory is at `redisUrl`. */
async function slackWithMemory(redisUrl: string) {
  const fake = new FakeSlack();
  await fake.start();
  const t = await testBot({ redisUrl, namespace: uniqueNamespace("slack-home") });
  const log = recordingLogger();
  const adapter = new SlackAdapter({ bot: t.bot, botToken: fake.botToken, appToken: fake.appToken, apiUrl: fake.apiUrl, logger: log });
  await adapter.start();
  await fake.socketReady();
  return {
    fake,
    log,
    async dispose() {
      await adapter.stop();
      await fake.stop();
      await t.dispose();
    },
  };
}

const viewOf = (call: ApiCall): HomeView => (typeof call.args.view === "string" ? JSON.parse(call.args.view) : call.args.view) as HomeView;
const textOf = (view: HomeView) =>
  view.blocks.map((b) => [b.text?.text ?? "", ...(b.elements ?? []).map((e) => e.text ?? "")].join("\n")).join("\n");
const sectionAfter = (view: HomeView, heading: string) => view.blocks.find((b) => b.text?.text.startsWith(heading))!.text!.text;
/** The titles an answer showed, in order, read from its Block Kit sections (`*1. Title*…`). */
const answeredTitles = (update: ApiCall) =>
  (update.args.blocks as Block[]).map((b) => /^\*\d+\. (.+?)\*/.exec(b.text?.text ?? "")?.[1]).filter((t): t is string => t !== undefined);

describe.runIf(redis)("Slack App Home tab", () => {
  let s: Awaited<ReturnType<typeof slackWithMemory>>;
  beforeAll(async () => {
    s = await slackWithMemory(SHARED_REDIS_URL);
  });
  afterAll(async () => {
    await s?.dispose();
  });

  const published = (user: string, skip: readonly ApiCall[] = []) =>
    s.fake.waitFor((c) => c.method === "views.publish" && c.args.user_id === user && !skip.includes(c));
  const answered = (channel: string) =>
    s.fake.waitFor((c) => c.method === "chat.update" && c.args.channel === channel && Array.isArray(c.args.blocks));

  it("shows what sidbot does, examples naming catalog games, and the person's recent picks, newest first", async () => {
    await s.fake.send("slash_commands", s.fake.slashCommand("similar to Halo 3", { channel: "C7100", user: "U7100" }));
    const first = answeredTitles(await answered("C7100"));
    await s.fake.send("events_api", s.fake.message("similar to Mario Kart", { channel: "D7100", user: "U7100", im: true }));
    const second = answeredTitles(await answered("D7100"));
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);

    const ack = await s.fake.send("events_api", s.fake.appHomeOpened("U7100"));
    expect(ack.envelope_id).toBeDefined();
    const view = viewOf(await published("U7100"));
    // Slack's home view: type "home", at most 100 blocks, sections within 3000 characters.
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    for (const b of view.blocks) if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    const text = textOf(view);
    expect(text).toMatch(/\/recommend/);
    expect(text).toMatch(/similar to/);

    const examples = sectionAfter(view, "*Try asking*");
    const named = catalogTitles.filter((title) => examples.includes(title));
    expect(named.length, examples).toBeGreaterThanOrEqual(2);

    const recent = sectionAfter(view, "*Your recent recommendations*").split("\n").slice(1);
    const expected = [...second, ...first.filter((t) => !second.includes(t))].slice(0, 10);
    expect(recent).toEqual(expected.map((title, i) => `${i + 1}. ${title}`));
  });

  it("keeps people and teams apart: the same user id in another team has no picks yet", async () => {
    const before = s.fake.calls.filter((c) => c.method === "views.publish");
    const otherTeam = s.fake.appHomeOpened("U7100");
    otherTeam.team_id = "T0999";
    await s.fake.send("events_api", otherTeam);
    const view = viewOf(await published("U7100", before));
    expect(sectionAfter(view, "*Your recent recommendations*")).toMatch(/Nothing yet/);

    await s.fake.send("events_api", s.fake.appHomeOpened("U7200"));
    expect(sectionAfter(viewOf(await published("U7200")), "*Your recent recommendations*")).toMatch(/Nothing yet — ask me/);
  });

  it("the Messages tab publishes nothing; a redelivered event publishes once", async () => {
    await s.fake.send("events_api", s.fake.appHomeOpened("U7300", { tab: "messages" }));
    const event = s.fake.appHomeOpened("U7300");
    await s.fake.send("events_api", event);
    await s.fake.send("events_api", event, { retryAttempt: 1 });
    await published("U7300");
    await new Promise((r) => setTimeout(r, 400));
    expect(s.fake.calls.filter((c) => c.method === "views.publish" && c.args.user_id === "U7300")).toHaveLength(1);
  });

  it("Slack refusing the view (Home tab not enabled) logs one line, and sidbot keeps answering", async () => {
    s.fake.failOn("views.publish", "not_enabled");
    try {
      await s.fake.send("events_api", s.fake.appHomeOpened("U7400"));
      await s.fake.send("events_api", s.fake.appHomeOpened("U7400"));
      await s.fake.waitFor((c) => c.method === "views.publish" && c.args.user_id === "U7400");
      for (let i = 0; i < 100 && s.fake.calls.filter((c) => c.method === "views.publish" && c.args.user_id === "U7400").length < 2; i++)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      const lines = s.log.entries.filter((e) => e.level === "warn" || e.level === "error");
      expect(lines.filter((e) => /Home tab/.test(e.message ?? ""))).toHaveLength(1);
      expect(lines.find((e) => /Home tab/.test(e.message ?? ""))!.message).toMatch(/not_enabled.*home_tab_enabled/);
      expect(lines.filter((e) => e.level === "error")).toEqual([]);
    } finally {
      s.fake.clearFailures();
    }
    await s.fake.send("slash_commands", s.fake.slashCommand("similar to Halo 3", { channel: "C7400", user: "U7400" }));
    expect(answeredTitles(await answered("C7400")).length).toBeGreaterThan(0);
  });
});

describe("Slack App Home tab with Redis unreachable", () => {
  let s: Awaited<ReturnType<typeof slackWithMemory>>;
  beforeAll(async () => {
    s = await slackWithMemory("redis://127.0.0.1:1");
  });
  afterAll(async () => {
    await s?.dispose();
  });

  it("still publishes the Home tab, saying the recent picks are unavailable for now", async () => {
    await s.fake.send("events_api", s.fake.appHomeOpened("U7500"));
    const call = await s.fake.waitFor((c) => c.method === "views.publish" && c.args.user_id === "U7500");
    const view = viewOf(call);
    expect(view.type).toBe("home");
    expect(sectionAfter(view, "*Your recent recommendations*")).toMatch(/can't reach my memory/);
    expect(sectionAfter(view, "*Try asking*")).toMatch(/similar to/);
    expect(s.log.entries.filter((e) => e.level === "error")).toEqual([]);
  });
});
