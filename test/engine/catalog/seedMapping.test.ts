import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_CATALOG } from "../../../src/config.js";
import { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { matchSid, replaceSids } from "../../../src/engine/catalog/seedMapping.js";
import { seededRandom, type Random } from "../../../src/util/random.js";
import { demoCatalog, layout, sidOf, writeFixtureCatalog } from "../../support/catalogs.js";
import { hasPython, seedReplace } from "../../support/seedOracle.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();

describe("seed mapping on the built-in catalog (the card's examples)", () => {
  it.each([
    [sidOf(205, 407, 586, 768) + "<|im_end|>", `"Assassin's Creed 2 Deluxe Edition [Download]"<|im_end|>`],
    [
      `${sidOf(64, 313, 637, 768)}, ${sidOf(219, 463, 660, 768)}, ${sidOf(64, 313, 608, 768)}`,
      `"Halo 3 Limited Edition -Xbox 360", "Battlefield: Bad Company - Playstation 3", "Halo Reach - Limited Edition -Xbox 360"`,
    ],
    [
      `${sidOf(183, 461, 517, 768)}, ${sidOf(183, 313, 679, 769)}, ${sidOf(183, 313, 605, 768)}`,
      `"Need for Speed Carbon - Xbox 360", "Forza Motorsport 2 - Xbox 360", "NASCAR '14 - Xbox 360"`,
    ],
    [sidOf(64, 313, 600, 768), `"Halo 3 Limited Edition -Xbox 360" (L2 match) [+1 similar]`],
    [sidOf(64, 999, 600, 768), `"Halo 3 Limited Edition -Xbox 360" (L1 match) [+3 similar]`],
    [sidOf(139, 289, 534, 769), `"Nights of Azure - PlayStation 4" (L3 match)`],
    [sidOf(7, 300, 600, 768), "[Unknown Item]"],
  ])("maps %s", async (text, expected) => {
    expect(replaceSids(await demoCatalog(), text)).toBe(expected);
  });

  it("reports the match kind", async () => {
    const catalog = await demoCatalog();
    expect(matchSid(catalog, sidOf(64, 313, 600, 768))).toMatchObject({ kind: "prefix", depth: 2, count: 2 });
    expect(matchSid(catalog, sidOf(1, 2))).toEqual({ kind: "none" });
  });

  it("does not expand $ patterns from titles", () => {
    const catalog = new Catalog(layout, [{ sid: sidOf(1, 257, 513, 769), codes: [1, 1, 1, 1], title: "Cash $& $1 $$ Rush" }]);
    expect(replaceSids(catalog, `buy ${sidOf(1, 257, 513, 769)}`)).toBe(`buy "Cash $& $1 $$ Rush"`);
  });
});

/** Texts that stress every branch of the seed's code. */
function parityTexts(random: Random, sids: string[], count: number): string[] {
  const token = (level: number) => `<|sid_${level * 256 + random.int(256)}|>`;
  const variants = [
    () => random.pick(sids), // exact
    () => random.pick(sids).replace(/<\|sid_(\d+)\|><\|sid_end\|>/, "<|sid_1023|><|sid_end|>"), // depth-3 prefix
    () => random.pick(sids).replace(/(<\|sid_\d+\|>){2}<\|sid_end\|>/, `${token(2)}${token(3)}<|sid_end|>`),
    () => `<|sid_start|>${token(0)}${token(1)}${token(2)}${token(3)}<|sid_end|>`, // random, mostly L1/L2
    () => `<|sid_start|>${Array.from({ length: 1 + random.int(6) }, (_, i) => token(i % 4)).join("")}<|sid_end|>`,
    () => random.pick(sids).replace("<|sid_end|>", `${token(0)}<|sid_end|>`), // 5 levels
    () => random.pick(sids).replace(/<\|sid_(\d+)\|>/, "<|sid_0$1|>"), // leading zero
    () => random.pick(sids).replace(/<\|sid_(\d+)\|>/, "<|sid_٣|>"), // Unicode digit
    () => `<|sid_start|><|sid_${random.int(1024)}|><|sid_end|>`,
    () => "<|sid_start|><|sid_end|>",
    () => random.pick(sids).slice(0, -3), // truncated
    () => "<|im_end|>",
    () => " plain words $& ",
  ];
  return Array.from({ length: count }, () => {
    const parts = Array.from({ length: 1 + random.int(5) }, () => random.pick(variants)());
    return parts.join(random.pick([", ", "", "\n", " and "]));
  });
}

describe.skipIf(!hasPython() && process.env.CI !== "true")("parity with the seed's own Python code", () => {
  it("matches on the built-in catalog", async () => {
    const catalog = await demoCatalog();
    const texts = parityTexts(seededRandom(11), catalog.items.map((i) => i.sid), 300);
    expect(texts.map((t) => replaceSids(catalog, t))).toEqual(seedReplace(BUILTIN_CATALOG, texts));
  });

  it("matches on a synthetic catalog with collision groups", async () => {
    const path = writeFixtureCatalog(dir, 3000, 5);
    const { catalog } = await loadCatalog(path, layout);
    const texts = parityTexts(seededRandom(12), catalog.items.map((i) => i.sid), 400);
    expect(texts.map((t) => replaceSids(catalog, t))).toEqual(seedReplace(path, texts));
  });

  it("matches when a title contains a SID of another item", async () => {
    const path = join(dir, "tricky.jsonl");
    const a = sidOf(1, 257, 513, 768);
    const b = sidOf(1, 257, 513, 769);
    writeFileSync(path, [JSON.stringify({ semantic_id: a, title: `contains ${b}` }), JSON.stringify({ semantic_id: b, title: "B" })].join("\n"));
    const { catalog } = await loadCatalog(path, layout);
    const texts = [`${a} then ${b}`, `${b} ${a} ${a}`, `${sidOf(1, 257, 513, 770)} ${a}`];
    expect(texts.map((t) => replaceSids(catalog, t))).toEqual(seedReplace(path, texts));
  });
});
