/**
 * The platform a conversation was steered to ("How about something similar but for Xbox?") is a hard filter; a follow-up that
 * names no platform ("more", "more like #2", "another one") must stay on it, through the Bot and both memory stores.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planRequest } from "../../src/bot/planRequest.js";
import type { BotReply } from "../../src/bot/types.js";
import { conversationId } from "../../src/bot/types.js";
import { understand } from "../../src/bot/understand.js";
import { fixtureCatalogRows } from "../../src/engine/fixtures/fixtureCatalog.js";
import { TitleIndex } from "../../src/engine/titles/TitleIndex.js";
import { platformByName } from "../../src/engine/titles/platforms.js";
import { say, testBot, thread } from "../support/bots.js";
import { fixtureModel } from "../support/models.js";
import { demoCatalog, layout } from "../support/catalogs.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../support/redis.js";
import { tempDir } from "../support/tempDir.js";

// A catalog big enough for several follow-ups on one platform, written to a file; the oracle is each row's platform as written.
const dir = tempDir("sidbot-platform-follow-");
const rows = [...fixtureCatalogRows({ items: 1500, seed: 21, layout })];
const catalogPath = join(dir, "catalog.jsonl");
writeFileSync(catalogPath, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
const platformBySid = new Map(
  readFileSync(catalogPath, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { semantic_id: string; platform: string })
    .map((row) => [row.semantic_id, row.platform]),
);
const XBOXES = new Set(["Xbox", "Xbox 360", "Xbox One", "Xbox Series X|S"]);
const onXbox = (r: BotReply) => r.items.map((i) => XBOXES.has(platformBySid.get(i.sid)!));
const on3ds = (r: BotReply) => r.items.map((i) => platformBySid.get(i.sid) === "Nintendo 3DS");
const START = rows.find((row) => row.platform === "PlayStation 4")!.title;

const redis = await requireRedis();
const stores = [
  { store: "in-process memory", options: {} },
  ...(redis ? [{ store: "Redis memory", options: { redisUrl: SHARED_REDIS_URL, namespace: uniqueNamespace("platform-follow") } }] : []),
];

describe.each(stores)("a platform steer holds for follow-ups ($store, catalog backend)", async ({ options }) => {
  const { bot, engine, memory, dispose } = await testBot({ ...options, env: { CATALOG_PATH: catalogPath } });
  afterAll(dispose);
  const steeredToXbox = async (id: string) => {
    const t = thread(id);
    await bot.handle(say(t, `similar to ${START}`));
    const steered = await bot.handle(say(t, "How about something similar but for Xbox?"));
    expect(engine.backend).toBe("catalog");
    expect(steered.items.length).toBeGreaterThan(0);
    expect(onXbox(steered)).not.toContain(false);
    return t;
  };

  it.each(["more", "more like #2", "another one", "anything else?"])("“%s” after “for Xbox” answers Xbox games only", async (text) => {
    const t = await steeredToXbox(`xbox-${text}`);
    const next = await bot.handle(say(t, text));
    expect(next.kind).toBe("answer");
    expect(next.items.length).toBeGreaterThan(0);
    expect(onXbox(next)).not.toContain(false);
    expect((await memory.get(conversationId(t)))?.lastAnswer?.platform).toBe("Xbox");
  });

  it("a follow-up naming another platform replaces it, and later follow-ups keep the new one", async () => {
    const t = await steeredToXbox("to-3ds");
    const moved = await bot.handle(say(t, "more for 3ds"));
    expect(moved.items.length).toBeGreaterThan(0);
    expect(on3ds(moved)).not.toContain(false);
    const more = await bot.handle(say(t, "more"));
    expect(more.items.length).toBeGreaterThan(0);
    expect(on3ds(more)).not.toContain(false);
  });

  it("a fresh request does not inherit it", async () => {
    const t = await steeredToXbox("fresh");
    const fresh = await bot.handle(say(t, `similar to ${START}`));
    expect(fresh.items.length).toBeGreaterThan(0);
    expect(onXbox(fresh)).toContain(false);
    expect((await memory.get(conversationId(t)))?.lastAnswer?.platform).toBeUndefined();
  });

  it("states stored without the platform, or with one this version does not know, still answer follow-ups", async () => {
    const t = thread("old-state");
    await bot.handle(say(t, `similar to ${START}`));
    const key = conversationId(t);
    const state = (await memory.get(key))!;
    expect(state.lastAnswer?.platform).toBeUndefined();
    expect((await bot.handle(say(t, "more"))).kind).toBe("answer");
    const [user, assistant] = state.turns.slice(-2);
    await memory.append(key, {
      id: `${key}-odd`,
      user: user!,
      assistant: assistant!,
      at: Date.now(),
      lastAnswer: { sids: state.lastAnswer!.sids, basis: [], platform: "Atari Jaguar" },
    });
    const more = await bot.handle(say(t, "more"));
    expect(more.kind).toBe("answer");
    expect(more.items.length).toBeGreaterThan(0);
  });
});

describe("a platform steer holds for follow-ups (fixture model, where the platform is the decoder's hard filter)", async () => {
  const { bot, engine, dispose } = await testBot({
    env: { CATALOG_PATH: catalogPath, MODEL_PATH: await fixtureModel(dir) },
    configure: (c) => {
      c.model.sequences = 1;
      c.model.contextSize = 2048;
    },
  });
  afterAll(dispose);

  it("“more” after “for Xbox” answers Xbox games only", async () => {
    const t = thread("model-xbox");
    await bot.handle(say(t, `similar to ${START}`));
    expect((await bot.handle(say(t, "How about something similar but for Xbox?"))).backend).toBe("llama");
    expect(engine.backend).toBe("llama");
    const more = await bot.handle(say(t, "more"));
    expect(more.items.length).toBeGreaterThan(0);
    expect(onXbox(more)).not.toContain(false);
  });
});

describe("which follow-ups keep the last answer's platform (planRequest)", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const last = catalog.items.filter((i) => /xbox 360/i.test(i.title)).slice(0, 3);
  const platformAfterXbox = (text: string) => {
    const plan = planRequest(understand(text, { titles, catalog }), { last, basis: [], platform: platformByName("Xbox")! });
    return plan.kind === "task" ? plan.task.platform : `reply: ${plan.reply.kind}`;
  };

  it.each([
    ["more", "Xbox"],
    ["more like #2", "Xbox"],
    ["another one", "Xbox"],
    ["anything cheaper?", "Xbox"],
    ["more for ps4", "PlayStation 4"],
    ["anything but xbox", undefined],
    ["not just xbox", undefined],
    ["more on any platform", undefined],
    ["any other consoles?", undefined],
    ["more like #2 but on other platforms", undefined],
    ["except for the wii", "Xbox"],
    ["similar to Mario Kart", undefined],
    ["I like racing games", undefined],
  ] as const)("after an Xbox answer, “%s” → %s", (text, platform) => {
    expect(platformAfterXbox(text)).toBe(platform);
  });
});

describe("a negation drops the kept platform only when it rules that very platform out (planRequest)", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const last = catalog.items.filter((i) => /xbox 360/i.test(i.title)).slice(0, 3);
  const platformAfter = (platform: string, text: string) => {
    const plan = planRequest(understand(text, { titles, catalog }), { last, basis: [], platform: platformByName(platform)! });
    return plan.kind === "task" ? plan.task.platform : `reply: ${plan.reply.kind}`;
  };

  // Labelled by what a person means: ruling out a sibling console keeps the one asked for.
  it.each([
    ["Xbox 360", "more but not on xbox one", "Xbox 360"],
    ["Xbox 360", "more, no ps4", "Xbox 360"],
    ["Xbox 360", "more but not on xbox 360", undefined],
    ["Xbox 360", "more but not xbox", undefined],
    ["PlayStation 4", "more but not ps5", "PlayStation 4"],
    ["PlayStation 4", "more but no playstation", undefined],
  ] as const)("after a %s answer, “%s” → %s", (lastPlatform, text, platform) => {
    expect(platformAfter(lastPlatform, text)).toBe(platform);
  });
});
