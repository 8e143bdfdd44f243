/**
 * Phrasings from a hostile review (issue 11) that nobody tuned for: near misses on a big catalog
 * are asked about, never used silently.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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

  it("a corrected word of 5+ letters is asked about", () => {
    const p = plan("forza motorsprot 2");
    expect(p.kind).toBe("reply");
    if (p.kind === "reply") expect(p.reply.items.map((i) => i.title)).toContain("Forza Motorsport 2 - Xbox 360");
  });

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
    [
      row(10, 300, 600, "The Last of Us - PlayStation 3"),
      row(10, 300, 601, "Uncharted 2: Among Thieves - PlayStation 3"),
      row(10, 301, 602, "Halo 3 - Xbox 360"),
      row(11, 302, 603, "Mario Kart 8 - Wii U"),
      row(12, 303, 604, "God of War III - PlayStation 3"),
    ].join("\n") + "\n",
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
