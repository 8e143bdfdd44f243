/**
 * The reported request defects (issue 11), end to end through the bot on the built-in demo
 * catalog: the card's explanation request, co-purchase and "after X" never answering with the
 * game named, editions as one game, small talk, titles the catalog lacks, counts, ranked, typed SIDs.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { BotReply } from "../../src/bot/types.js";
import { gameKey } from "../../src/engine/titles/resolveGame.js";
import { channel, dm, say, testBot, thread } from "../support/bots.js";
import { fixtureModel } from "../support/models.js";
import { sidOf } from "../support/catalogs.js";
import { tempDir } from "../support/tempDir.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});
const titles = (r: BotReply) => r.items.map((i) => i.title);
const games = (r: BotReply) => r.items.map((i) => gameKey(i.title));
const DQ = sidOf(125, 417, 656, 768);
const HALO3 = sidOf(64, 313, 637, 768);
const VESPERIA = sidOf(64, 400, 594, 768);
const CARD_EXPLAIN = "I just finished Dragon Quest Heroes II Explorer's Edition - PlayStation 4. Suggest another and explain why";

for (const backend of ["catalog", "llama"] as const) {
  describe(`requests understood from what they name (${backend} backend)`, async () => {
    const env: Record<string, string> = backend === "llama" ? { MODEL_PATH: await fixtureModel(tempDir()) } : {};
    const t = await testBot({ env });
    cleanups.push(t.dispose);
    const b = t.bot;

    it("the card's explanation request gets the explanation task for the game it names, with an item and a text", async () => {
      const prompts: string[] = [];
      const r = await b.handle(say(dm(`explain-${backend}`), CARD_EXPLAIN), { onPrompt: (p) => prompts.push(p) });
      expect(r.kind).toBe("answer");
      expect(r.backend).toBe(backend);
      // One SID is asked for; the fixture model's decoding (another part of the engine) may add more.
      if (backend === "catalog") expect(r.items).toHaveLength(1);
      expect(r.items.length).toBeGreaterThan(0);
      expect(r.items.map((i) => i.sid)).not.toContain(DQ);
      expect(r.text.trim()).not.toBe("");
      expect(prompts.at(-1)).toContain(`I just finished ${DQ}. Suggest another <|rec|> and explain why:`);
    });

    it("customers who bought Halo 3 never get Halo 3 back (in any edition)", async () => {
      const prompts: string[] = [];
      const r = await b.handle(say(dm(`cobuy-${backend}`), "customers who bought Halo 3 also bought"), {
        onPrompt: (p) => prompts.push(p),
      });
      expect(r.kind).toBe("answer");
      expect(r.items.length).toBeGreaterThan(0);
      expect(games(r)).not.toContain("halo 3");
      expect(prompts.at(-1)).toContain(`Customers who bought ${HALO3} also bought:\n<|rec|>`);
    });

    it("after Tales of Vesperia: the next-item task for it, and it is not in the answer", async () => {
      const prompts: string[] = [];
      const r = await b.handle(say(dm(`after-${backend}`), "What would you recommend after Tales of Vesperia?"), {
        onPrompt: (p) => prompts.push(p),
      });
      expect(r.kind).toBe("answer");
      expect(r.items.length).toBeGreaterThan(0);
      expect(titles(r)).not.toContain("Tales of Vesperia - Xbox 360");
      expect(prompts.at(-1)).toContain(`User: ${VESPERIA}\n<|rec|>`);
      // Not unrelated games: the catalog answers from the SID neighbourhood (a shared first level).
      if (backend === "catalog")
        for (const item of r.items)
          expect(item.sid.startsWith("<|sid_start|><|sid_64|>") || item.sid.startsWith("<|sid_start|><|sid_167|>")).toBe(true);
    });

    it("editions of one game are one game: never the one asked about, never two of the same", async () => {
      for (let i = 0; i < 3; i++) {
        const reach = await b.handle(say(dm(`reach-${backend}-${i}`), "similar to Halo Reach"));
        expect(reach.kind).toBe("answer");
        expect(games(reach)).not.toContain("halo reach");
        const halo = await b.handle(say(dm(`halo-${backend}-${i}`), "games like Halo 3"));
        expect(new Set(games(halo)).size).toBe(halo.items.length);
      }
    });

    it("typed SIDs are item references (the card's co-purchase input)", async () => {
      const r = await b.handle(say(dm(`sid-${backend}`), `Customers who bought ${sidOf(201, 311, 758, 768)} also bought:\n<|rec|>`));
      expect(r.kind).toBe("answer");
      expect(r.items.length).toBeGreaterThan(0);
    });

    it("why #2 in a thread explains that item in the trained shape with its SID, not the typed words", async () => {
      const c = thread(`why-${backend}`);
      const first = await b.handle(say(c, "racing games for xbox"));
      expect(first.items.length).toBeGreaterThan(1);
      const prompts: string[] = [];
      const why = await b.handle(say(c, "why #2?"), { onPrompt: (p) => prompts.push(p) });
      expect(why.kind).toBe("answer");
      expect(prompts.at(-1)).toContain(`Suggest another ${first.items[1]!.sid} and explain why:`);
      expect(prompts.at(-1)).not.toMatch(/why #2\?<\|im_end\|>\n<\|im_start\|>assistant/);
    });
  });
}

describe("honest, friendly and steerable replies (catalog backend)", async () => {
  const t = await testBot();
  cleanups.push(t.dispose);
  const b = t.bot;

  it.each(["hi", "thanks", "what is the best game ever?", "hello there!", "tell me a joke"])(
    "small talk “%s” gets a short friendly reply with suggestions",
    async (text) => {
      const r = await b.handle(say(channel(`small-${text}`), text));
      expect(r.kind).toBe("help");
      expect(r.text).not.toMatch(/couldn't find/);
      expect(r.followUps.length).toBeGreaterThan(0);
    },
  );

  it("a title the catalog lacks is said plainly, with near misses offered as a question, never answered with unrelated games", async () => {
    const r = await b.handle(say(channel("nsmb"), "customers who bought New Super Mario Bros 2"));
    expect(r.kind).toBe("clarify");
    expect(r.text).toMatch(/couldn't find “New Super Mario Bros 2”/);
    const none = await b.handle(say(channel("zorb"), "similar to Zorblax Plimf"));
    expect(none.kind).toBe("clarify");
    expect(none.items).toEqual([]);
    expect(none.text).toMatch(/couldn't find “Zorblax Plimf”/);
  });

  it("a count reaches K; a platform with tastes reaches the prompt and the filter", async () => {
    const five = await b.handle(say(dm("five"), "give me 5 racing games"));
    expect(five.items).toHaveLength(5);
    const prompts: string[] = [];
    const xbox = await b.handle(say(dm("xbox"), "racing games for xbox"), { onPrompt: (p) => prompts.push(p) });
    expect(xbox.items.every((i) => i.platform?.startsWith("Xbox"))).toBe(true);
    expect(prompts.at(-1)).toContain("I like racing games. Recommend Xbox games:");
  });
});

describe("ranked top-K is reachable from what people type (fixture model)", async () => {
  const t = await testBot({ env: { MODEL_PATH: await fixtureModel(tempDir()) } });
  cleanups.push(t.dispose);

  it("“top 5 most likely after Halo 3” ranks exactly five items with probabilities, Halo 3 not among them", async () => {
    const r = await t.bot.handle(say(dm("ranked"), "top 5 most likely after Halo 3"));
    expect(r.kind).toBe("answer");
    expect(r.items.length).toBeGreaterThanOrEqual(4);
    expect(r.items.every((i) => typeof i.score === "number")).toBe(true);
    expect(games(r)).not.toContain("halo 3");
  });
});
