/**
 * Phrasings from a hostile review (issue 11) that nobody tuned for: near misses on a big catalog
 * are asked about, never used silently.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BotReply } from "../../src/bot/types.js";
import { gameKey } from "../../src/engine/titles/resolveGame.js";
import { dm, say, testBot, thread } from "../support/bots.js";
import { MESSAGES } from "../../src/bot/messages.js";
import { planRequest } from "../../src/bot/planRequest.js";
import { understand } from "../../src/bot/understand.js";
import { loadCatalog } from "../../src/engine/catalog/loadCatalog.js";
import { TitleIndex } from "../../src/engine/titles/TitleIndex.js";
import { demoCatalog, layout, sidOf, writeFixtureCatalog } from "../support/catalogs.js";
import { tempDir } from "../support/tempDir.js";

describe("near misses on a 66k catalog are offered as a question, never substituted", async () => {
  const { catalog } = await loadCatalog(writeFixtureCatalog(tempDir(), 66097, 1), layout);
  const titles = new TitleIndex(catalog);

  it.each([
    ["games like zelda", "zelda"],
    ["games like portal", "portal"],
    ["something like quake", "quake"],
  ])("%s → did you mean …? with the candidates as items", (text, query) => {
    const u = understand(text, { titles, catalog });
    const plan = planRequest(u, { last: [], basis: [] });
    expect(plan.kind).toBe("reply");
    if (plan.kind !== "reply") return;
    expect(plan.reply.kind).toBe("clarify");
    expect(plan.reply.text).toContain(`I couldn't find “${query}”`);
    expect(plan.reply.text).toContain("did you mean");
    expect(plan.reply.items.length).toBeGreaterThan(0);
    expect(plan.reply.text).toContain(plan.reply.items[0]!.title);
  });
});

describe("small typos on the demo catalog: asked, or answered with a notice naming the correction", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const plan = (text: string) => planRequest(understand(text, { titles, catalog }), { last: [], basis: [] });

  it.each([
    ["forza motorsprot 2", "Forza Motorsport 2 - Xbox 360"],
    ["recommend something after dragon qeust heroes 2", "Dragon Quest Heroes II"],
    ["anything in the style of tales of vespera", "Tales of Vesperia - Xbox 360"],
  ])("a clear one-word slip in a longer title (%s) is answered, with a notice naming what was read", (text, title) => {
    const p = plan(text);
    expect(p.kind).toBe("task");
    if (p.kind !== "task") return;
    expect(p.task.items?.map((i) => i.title)).toEqual([title]);
    expect(p.notices.join(" ")).toMatch(/^I read “[^”]+” as “/);
    expect(p.notices.join(" ")).toContain(title);
  });

  it.each(["similar to nintendog", "games like crazy taxy", "similar to halo 4", "games like fallout new vogos"])(
    "a one-word query, a slip in a short word of a two-word title or a different number (%s) is still asked about",
    (text) => {
      const p = plan(text);
      expect(p.kind).toBe("reply");
      if (p.kind === "reply") expect(p.reply.kind).toBe("clarify");
    },
  );

  it("a swapped letter in a short word is answered with a notice naming the correction", () => {
    const p = plan("haol 3");
    expect(p.kind).toBe("task");
    if (p.kind === "task") {
      expect(p.task.items?.map((i) => i.title)).toEqual(["Halo 3 Limited Edition -Xbox 360"]);
      expect(p.notices.join(" ")).toContain("“haol 3”");
      expect(p.notices.join(" ")).toContain("Halo 3");
    }
  });

  it("an exact title has no notice", () => {
    const p = plan("similar to halo 3");
    expect(p.kind === "task" && p.notices).toEqual([]);
  });
});

describe("“The Last of Us” is a title, not a reference to the last item", async () => {
  const dir = tempDir();
  const path = join(dir, "tlou.jsonl");
  const row = (a: number, b: number, c: number, title: string) => JSON.stringify({ semantic_id: sidOf(a, b, c, 768), title });
  writeFileSync(
    path,
    `${[
      row(10, 300, 600, "The Last of Us - PlayStation 3"),
      row(10, 300, 601, "Uncharted 2: Among Thieves - PlayStation 3"),
      row(10, 301, 602, "Halo 3 - Xbox 360"),
      row(11, 302, 603, "Mario Kart 8 - Wii U"),
      row(12, 303, 604, "God of War III - PlayStation 3"),
    ].join("\n")}\n`,
  );
  const { catalog } = await loadCatalog(path, layout);
  const titles = new TitleIndex(catalog);
  const TLOU = "The Last of Us - PlayStation 3";
  const plan = (text: string, last: string[] = []) =>
    planRequest(understand(text, { titles, catalog }), { last: last.map((t) => catalog.items.find((i) => i.title === t)!), basis: [] });

  it.each([
    ["give me 5 games like the last of us", "similar", 5],
    ["the last of us", "similar", undefined],
    ["what should i play after the last of us", "next", undefined],
    ["i just finished the last of us. suggest another and explain why", "explain", undefined],
  ])("%s → %s for The Last of Us", (text, kind, k) => {
    const p = plan(text);
    expect(p.kind).toBe("task");
    if (p.kind !== "task") return;
    expect(p.task.kind).toBe(kind);
    expect(p.task.items?.map((i) => i.title)).toEqual([TLOU]);
    expect(p.task.k).toBe(k);
  });

  it("in a thread too: the title wins over “the last one”", () => {
    const p = plan("games like the last of us", ["Halo 3 - Xbox 360", "Mario Kart 8 - Wii U"]);
    expect(p.kind === "task" && p.task.items?.map((i) => i.title)).toEqual([TLOU]);
    const ref = plan("more like the last one", ["Halo 3 - Xbox 360", "Mario Kart 8 - Wii U"]);
    expect(ref.kind === "task" && ref.task.items?.map((i) => i.title)).toEqual(["Mario Kart 8 - Wii U"]);
  });
});

describe("named or already-shown games never come back in a conversation", async () => {
  const t = await testBot();
  afterAll(() => t.dispose());
  const keys = (r: BotReply) => r.items.map((i) => gameKey(i.title));

  it.each([
    ["games like both crash team racing and mario kart", ["ctr crash team racing", "mario kart super circuit"]],
    ["games like either mario kart or crash team racing", ["ctr crash team racing", "mario kart super circuit"]],
  ])("%s names both games and answers with neither", async (text, named) => {
    const r = await t.bot.handle(say(dm(`both-${text.length}`), text));
    expect(r.kind).toBe("answer");
    expect(r.items.length).toBeGreaterThan(0);
    for (const k of named) expect(keys(r)).not.toContain(k);
  });

  it("'what next' → 'show me more' → 'more': new items each time, never the games named", async () => {
    const c = thread("more-chain");
    const first = await t.bot.handle(say(c, "halo 3 and fallout new vegas what next"));
    expect(first.kind).toBe("answer");
    const named = ["halo 3", "fallout new vegas"];
    for (const k of named) expect(keys(first)).not.toContain(k);
    const second = await t.bot.handle(say(c, "show me more"));
    expect(second.kind).toBe("answer");
    for (const k of [...named, ...keys(first)]) expect(keys(second)).not.toContain(k);
    const third = await t.bot.handle(say(c, "more"));
    for (const k of [...named, ...keys(first), ...keys(second)]) expect(keys(third)).not.toContain(k);
  });

  it("similar to Mario Kart → the same for xbox → not those: never Mario Kart, never an item shown before", async () => {
    const c = thread("steer-chain");
    const first = await t.bot.handle(say(c, "I'm looking for games similar to Mario Kart."));
    expect(first.kind).toBe("answer");
    expect(keys(first)).not.toContain("mario kart super circuit");
    const second = await t.bot.handle(say(c, "ok now the same for xbox"));
    expect(second.kind).toBe("answer");
    for (const k of ["mario kart super circuit", ...keys(first)]) expect(keys(second)).not.toContain(k);
    const third = await t.bot.handle(say(c, "not those, something else"));
    for (const k of ["mario kart super circuit", ...keys(first), ...keys(second)]) expect(keys(third)).not.toContain(k);
  });
});

describe("ordinary words are not platforms without platform context", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const u = (text: string) => understand(text, { titles, catalog });

  it.each([
    "I want to switch to something like Halo 3",
    "my computer is slow though",
    "to let off steam",
    "racing games to let off steam",
    "switch it up with something like halo 3",
  ])("%s names no platform", (text) => expect(u(text).platform).toBeUndefined());

  it.each([
    ["racing games on switch", "Nintendo Switch"],
    ["switch games like mario kart", "Nintendo Switch"],
    ["cozy games for nintendo switch", "Nintendo Switch"],
    ["something like halo 3 on steam", "PC"],
    ["games for my computer", "PC"],
    ["ps4", "PlayStation 4"],
    ["racing games for xbox 360", "Xbox 360"],
  ])("%s → %s", (text, name) => expect(u(text).platform?.name).toBe(name));
});

describe("bare unknown titles, 'why X' without history, starting fresh, 'give me 2 more'", async () => {
  const t = await testBot();
  afterAll(() => t.dispose());

  it.each(["skyrim", "elden ring"])("%s → not in the catalog, not the generic help", async (text) => {
    const r = await t.bot.handle(say(dm(`nf-${text}`), text));
    expect(r.kind).toBe("clarify");
    expect(r.text).toContain(`I couldn't find “${text}” in the catalog`);
  });

  it.each(["hi", "thanks", "lol", "sidbot"])("%s stays small talk", async (text) => {
    const r = await t.bot.handle(say(dm(`st-${text}`), text));
    expect(r.kind).toBe("help");
    expect(r.text).not.toContain("couldn't find");
  });

  it.each(["why halo 3", "why should i play halo 3?"])("%s with no earlier answer explains Halo 3", async (text) => {
    const prompts: string[] = [];
    const r = await t.bot.handle(say(dm(`why-${text.length}`), text), { onPrompt: (p) => prompts.push(p) });
    expect(r.kind).toBe("answer");
    expect(r.text.trim()).not.toBe("");
    expect(r.text).not.toContain("don't have earlier recommendations");
  });

  it("let's start fresh resets the conversation", async () => {
    const c = thread("fresh");
    await t.bot.handle(say(c, "similar to halo 3"));
    const r = await t.bot.handle(say(c, "let's start fresh"));
    expect(r.kind).toBe("reset");
    expect(await t.bot.knows(c)).toBe(false);
  });

  it("give me 2 more in a thread: two new items", async () => {
    const c = thread("two-more");
    const first = await t.bot.handle(say(c, "racing games"));
    expect(first.items.length).toBeGreaterThan(0);
    const r = await t.bot.handle(say(c, "give me 2 more"));
    expect(r.kind).toBe("answer");
    expect(r.items).toHaveLength(2);
    for (const i of r.items) expect(first.items.map((x) => gameKey(x.title))).not.toContain(gameKey(i.title));
  });
});

describe("help paraphrases get the help text, not small talk", async () => {
  const t = await testBot();
  afterAll(() => t.dispose());

  it.each([
    "what are you able to help with",
    "what can you do for me",
    "how do I use you",
    "what commands do you have",
    "what can you help me with?",
    "how can you help me",
    "what are you capable of",
    "how do i use this bot",
    "what are your commands",
    "what kind of things can you do",
    "what can i ask you",
    "how do you work?",
    "can you help me?",
    "what do you know how to do",
  ])("%s → the help text", async (text) => {
    const r = await t.bot.handle(say(dm(`help-${text.length}`), text));
    expect(r.kind).toBe("help");
    expect(r.text).toBe(MESSAGES.help);
  });

  it.each(["help me find racing games", "what can you recommend like halo 3", "who are you?", "hi"])(
    "%s is not the help text",
    async (text) => {
      const r = await t.bot.handle(say(dm(`nohelp-${text.length}`), text));
      expect(r.text).not.toBe(MESSAGES.help);
    },
  );
});

describe("bundle paraphrases in a thread name the last answer as a bundle", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const last = ["Need for Speed Carbon - Xbox 360", "Forza Motorsport 2 - Xbox 360", "NASCAR '14 - Xbox 360"].map(
    (title) => catalog.items.find((i) => i.title === title)!,
  );
  const plan = (text: string) => planRequest(understand(text, { titles, catalog }), { last, basis: [] });

  it.each([
    "can you make up a name and blurb for this set",
    "give this group a title",
    "what would you call these three",
    "name this collection",
    "give these a name",
    "what should this set be called?",
    "come up with a catchy title for this lot",
    "write a short description for these games",
    "think of a name for the list",
    "could you title this selection",
    "any ideas for a name for these?",
    "give it a name",
    "what title would you give these",
  ])("%s → the bundle task on every item of the last answer", (text) => {
    const p = plan(text);
    expect(p.kind).toBe("task");
    if (p.kind !== "task") return;
    expect(p.task.kind).toBe("bundle");
    expect(p.task.items).toEqual(last);
  });

  it.each(["name a game like halo 3", "what is the name of the second one", "racing games with a good story", "more like these"])(
    "%s is not the bundle task",
    (text) => {
      const p = plan(text);
      expect(p.kind === "task" && p.task.kind).not.toBe("bundle");
    },
  );

  it("in a bot thread, after an answer", async () => {
    const t = await testBot();
    try {
      const c = thread("bundle-paraphrase");
      await t.bot.handle(say(c, "racing games"));
      const prompts: string[] = [];
      const r = await t.bot.handle(say(c, "give this group a title"), { onPrompt: (p) => prompts.push(p) });
      expect(r.kind).toBe("answer");
      expect(prompts.join("\n")).toContain("Suggest a name and description for the bundle");
    } finally {
      await t.dispose();
    }
  });
});

describe("'more like those' in a thread works from every item of the last answer, with new items", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const last = ["Need for Speed Carbon - Xbox 360", "Forza Motorsport 2 - Xbox 360", "NASCAR '14 - Xbox 360"].map(
    (title) => catalog.items.find((i) => i.title === title)!,
  );
  const basis = [catalog.items.find((i) => i.title === "Halo 3 Limited Edition -Xbox 360")!];
  const plan = (text: string) => planRequest(understand(text, { titles, catalog }), { last, basis });

  it.each([
    ["10 more like those", 10],
    ["more like these", undefined],
    ["similar to all of those", undefined],
    ["more like them", undefined],
    ["5 more games like these ones", 5],
    ["something similar to all of them", undefined],
    ["give me more like all three", undefined],
    ["anything else like those?", undefined],
    ["games that are similar to those", undefined],
    ["show me similar ones to these", undefined],
    ["stuff along the lines of those", undefined],
    ["more like the ones you listed", undefined],
  ])("%s → similar to all items of the last answer, a follow-up", (text, k) => {
    const p = plan(text);
    expect(p.kind).toBe("task");
    if (p.kind !== "task") return;
    expect(p.task.kind).toBe("similar");
    expect(p.task.items).toEqual(last);
    expect(p.task.k).toBe(k);
    expect(p.followUp).toBe(true);
  });

  it.each([
    ["more like that", 0],
    ["more like #2", 1],
    ["more like the last one", 2],
  ])("%s still means one item", (text, i) => {
    const p = plan(text);
    expect(p.kind === "task" && p.task.items).toEqual([last[i]!]);
  });

  it("in a bot thread: '10 more like those' prompts with every item shown and answers with new ones", async () => {
    const t = await testBot();
    try {
      const c = thread("more-like-those");
      const first = await t.bot.handle(say(c, "racing games"));
      expect(first.items.length).toBeGreaterThan(1);
      const prompts: string[] = [];
      const r = await t.bot.handle(say(c, "10 more like those"), { onPrompt: (p) => prompts.push(p) });
      expect(r.kind).toBe("answer");
      expect(r.items.length).toBeGreaterThan(0);
      for (const i of first.items) expect(prompts.join("\n")).toContain(i.sid);
      for (const i of r.items) expect(first.items.map((x) => gameKey(x.title))).not.toContain(gameKey(i.title));
    } finally {
      await t.dispose();
    }
  });
});
