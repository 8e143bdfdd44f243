/**
 * Failure classes from a blind test of fresh phrasings (issue 12): each class with phrasings of
 * our own, through understanding, planning and (where a reply carries more than the plan) the bot.
 */
import { afterAll, describe, expect, it } from "vitest";
import { planRequest } from "../../src/bot/planRequest.js";
import { understand } from "../../src/bot/understand.js";
import { TitleIndex } from "../../src/engine/titles/TitleIndex.js";
import { demoCatalog } from "../support/catalogs.js";
import { dm, say, testBot, thread } from "../support/bots.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe("blind-test classes, planned", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const byTitle = (t: string) => catalog.items.find((i) => i.title.startsWith(t))!;
  const last = [byTitle("Need for Speed Carbon"), byTitle("Forza Motorsport 2"), byTitle("NASCAR")];
  const u = (text: string) => understand(text, { titles, catalog });
  const plan = (text: string, prior = last) => planRequest(u(text), { last: prior, basis: [] });

  it("1. an exact title wins over the words around it", () => {
    expect(u("if i liked Tales of Vesperia what else might be good")).toMatchObject({
      act: "similar",
      games: [{ title: "Tales of Vesperia - Xbox 360" }],
    });
    expect(u("if i liked Tales of Vesperia what else might be good").missing).toBeUndefined();
    const why = plan("what made you show me Forza Motorsport 2?");
    expect(why.kind === "task" && why.task).toMatchObject({
      kind: "chat",
      recommend: false,
      items: [{ title: "Forza Motorsport 2 - Xbox 360" }],
    });
  });

  it("2. a number inside a title is no count; count phrasings still are", () => {
    expect(u("crazy taxy 2 games like it").k).toBeUndefined();
    expect(u("need for speed carbon 2 similar").k).toBeUndefined();
    expect(u("show me 3 games like crazy taxi 2").k).toBe(3);
  });

  it("3. a second game that does not resolve is asked about or said, never dropped", () => {
    expect(u("halo 3 and crazy taxy")).toMatchObject({ act: "notfound", missing: { query: "crazy taxy" } });
    // One slip in a short word whose other title words (two or more) are exact is a clear typo: used, with a notice.
    expect(u("halo 3 and fallout new vegs")).toMatchObject({ act: "next", corrected: [{ query: "fallout new vegs" }] });
    const p = plan("games like halo 3 and elden ring", []);
    expect(p.kind).toBe("task");
    if (p.kind === "task") expect(p.notices.join(" ")).toContain("“elden ring”");
    expect(u("halo 3 and fnv").games.map((g) => g.title)).toEqual([
      "Halo 3 Limited Edition -Xbox 360",
      "Fallout: New Vegas - Xbox 360 Ultimate Edition",
    ]);
  });

  it.each([
    ["<@U07ABC123> racing games", "racing"],
    ["<@!4455667788> shooters on pc", "shooter"],
    ["<@4455667788>, platformers", "platformer"],
    ["@sidbot racers for xbox", "racer"],
    ["@sid-bot kid friendly stuff", "kid friendly"],
  ])("4. mentions never reach the taste prompt: %s", (text, taste) => {
    const p = plan(text, []);
    expect(p.kind).toBe("task");
    if (p.kind !== "task") return;
    expect(p.task.text).toContain(taste);
    expect(p.task.text).not.toMatch(/sid|u07|4455|@/i);
  });

  it("5. an item of the last answer with a platform steers about that item only", () => {
    const p = plan("number 3 but on ps4");
    expect(p.kind === "task" && p.task).toMatchObject({
      kind: "chat",
      recommend: true,
      platform: "PlayStation 4",
      items: [{ title: "NASCAR '14 - Xbox 360" }],
    });
    const all = plan("how about on ps4?");
    expect(all.kind === "task" && all.task.items).toHaveLength(3);
    const more = plan("more like the 2nd one but on 3ds");
    expect(more.kind === "task" && more.task).toMatchObject({
      kind: "similar",
      items: [{ title: "Forza Motorsport 2 - Xbox 360" }],
      platform: "Nintendo 3DS",
    });
  });

  it("6. a short comparative follow-up is a steer on the last answer; without one it asks for an answer first", () => {
    const p = plan("got something less expensive?");
    expect(p.kind === "task" && p.task).toMatchObject({
      kind: "chat",
      recommend: true,
      text: "How about something similar but less expensive?",
    });
    expect(p.kind === "task" && p.followUp).toBe(true);
    const none = plan("anything easier?", []);
    expect(none.kind === "reply" && none.reply.kind).toBe("clarify");
    // A comparative taste with nothing before it is that taste.
    const fresh = plan("more relaxing games", []);
    expect(fresh.kind === "task" && fresh.task).toMatchObject({ kind: "tastes", text: "I like relaxing games." });
  });

  it.each(["how do i use this thing", "how do we use the bot?", "how do i use this tool now"])("7. help with filler: %s", (text) => {
    expect(u(text).act).toBe("help");
  });
});

describe("notices reach the reply", async () => {
  const t = await testBot();
  cleanups.push(t.dispose);

  it.each([
    ["games like acnl", "I read “acnl” as “Animal Crossing: New Leaf”."],
    ["what to play after dragon qeust heroes 2", "I read “dragon qeust heroes 2” as “Dragon Quest Heroes II”."],
  ])("%s", async (text, notice) => {
    const r = await t.bot.handle(say(dm(`notice-${text}`), text));
    expect(r.kind).toBe("answer");
    expect(r.notices).toContain(notice);
  });

  it("an unknown second title is said in the reply", async () => {
    const r = await t.bot.handle(say(dm("skyrim"), "similar to halo 3 and skyrim"));
    expect(r.kind).toBe("answer");
    expect(r.notices.join(" ")).toContain("“skyrim”");
  });

  it("a comparative follow-up in a thread gets new items", async () => {
    const c = thread("cheaper");
    // No platform here: "anything cheaper?" would stay on it, and the demo catalog has only three Xbox racing games.
    const first = await t.bot.handle(say(c, "racing games"));
    const r = await t.bot.handle(say(c, "anything cheaper?"));
    expect(r.kind).toBe("answer");
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.map((i) => i.sid)).not.toEqual(first.items.map((i) => i.sid));
  });
});
