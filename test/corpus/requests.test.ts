import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCorpus, scoreCorpus } from "../../src/bot/requestCorpus.js";
import { TitleIndex } from "../../src/engine/titles/TitleIndex.js";
import { demoCatalog } from "../support/catalogs.js";

const corpus = parseCorpus(readFileSync(new URL("./requests.jsonl", import.meta.url), "utf8"));

describe("the labelled request corpus (test/corpus/requests.jsonl)", async () => {
  const catalog = await demoCatalog();
  const titles = new TitleIndex(catalog);
  const score = scoreCorpus(corpus, titles, catalog);
  const report = score.categories
    .map(
      (c) =>
        `${c.category}: ${c.correct}/${c.total}${c.failures.map((f) => `\n  ✗ ${JSON.stringify(f.text)}: ${f.why.join("; ")}`).join("")}`,
    )
    .join("\n");

  it("has at least 300 labelled utterances, every card request among them", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(corpus.filter((e) => e.category === "card").length).toBeGreaterThanOrEqual(9);
  });

  it("understands every request of the model card", () => {
    const card = score.categories.find((c) => c.category === "card")!;
    expect(card.failures, report).toEqual([]);
  });

  it("understands at least 97 % of all utterances", () => {
    expect(score.correct / score.total, report).toBeGreaterThanOrEqual(0.97);
  });
});
