import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { matchSid, replaceSids } from "../../../src/engine/catalog/seedMapping.js";
import { fixtureCatalogRows } from "../../../src/engine/fixtures/fixtureCatalog.js";
import { seededRandom, type Random } from "../../../src/util/random.js";
import { demoCatalog, layout, sidOf } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("seed mapping on the built-in catalog (the card's examples)", () => {
  it.each([
    [`${sidOf(205, 407, 586, 768)}<|im_end|>`, `"Assassin's Creed 2 Deluxe Edition [Download]"<|im_end|>`],
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

/**
 * Golden files: catalog + text → the output of the model card's own `extract_and_replace_semantic_ids`,
 * generated outside the repository (see golden/README.md). The first line names the catalog: a
 * path in the repository, a fixture catalog (items, seed, sha256 of its JSONL bytes), or inline rows.
 */
interface GoldenHeader {
  catalog: { path?: string; fixture?: { items: number; seed: number }; sha256?: string; rows?: { semantic_id: string; title: string }[] };
}
interface GoldenCase {
  tags: string[];
  text: string;
  expected: string;
}

function readGolden(name: string): { header: GoldenHeader; cases: GoldenCase[] } {
  const [first, ...rest] = readFileSync(join(root, "test/engine/catalog/golden", name), "utf8")
    .trim()
    .split("\n");
  return { header: JSON.parse(first!) as GoldenHeader, cases: rest.map((line) => JSON.parse(line) as GoldenCase) };
}

function goldenCatalogPath({ catalog }: GoldenHeader, name: string): string {
  if (catalog.path) return join(root, catalog.path);
  const path = join(dir, name);
  const lines = catalog.fixture
    ? [...fixtureCatalogRows({ ...catalog.fixture, layout })].map((row) => JSON.stringify(row))
    : catalog.rows!.map((row) => JSON.stringify(row));
  const bytes = `${lines.join("\n")}\n`;
  // The fixture generator is deterministic; the hash proves these are the rows the goldens saw.
  if (catalog.sha256) expect(createHash("sha256").update(bytes).digest("hex")).toBe(catalog.sha256);
  writeFileSync(path, bytes);
  return path;
}

describe("parity with the model card's code (golden files)", () => {
  it.each([
    [
      "seed-mapping.demo.jsonl",
      309,
      [
        "card",
        "exact",
        "l3-prefix",
        "l2-prefix",
        "l1-prefix",
        "unknown",
        "five-levels",
        "leading-zero",
        "unicode-digit",
        "truncated",
        "dollar-text",
      ],
    ],
    [
      "seed-mapping.fixture.jsonl",
      400,
      [
        "exact",
        "l3-prefix",
        "l2-prefix",
        "l1-prefix",
        "five-levels",
        "short-prefix",
        "unicode-digit-last",
        "out-of-range",
        "empty-sid",
        "no-end",
        "glued",
        "repeat",
      ],
    ],
    ["seed-mapping.tricky.jsonl", 164, ["title-has-sid", "dollar-title", "quoted-title", "file-order", "unicode-title", "one-token"]],
  ])("%s: every case matches", async (name, count, tags) => {
    const golden = readGolden(name);
    expect(golden.cases).toHaveLength(count);
    for (const tag of tags)
      expect(
        golden.cases.some((c) => c.tags.includes(tag)),
        tag,
      ).toBe(true);
    const { catalog } = await loadCatalog(goldenCatalogPath(golden.header, name), layout);
    const wrong = golden.cases.filter((c) => replaceSids(catalog, c.text) !== c.expected);
    expect(wrong.map((c) => ({ ...c, got: replaceSids(catalog, c.text) }))).toEqual([]);
  });

  it("the goldens exercise prefix matches with many similar items", () => {
    const all = ["demo", "fixture", "tricky"].flatMap((n) => readGolden(`seed-mapping.${n}.jsonl`).cases.map((c) => c.expected));
    for (const level of [1, 2, 3]) expect(all.some((e) => new RegExp(`\\(L${level} match\\) \\[\\+\\d+ similar\\]`).test(e))).toBe(true);
    expect(all.some((e) => /\(L3 match\) \[\+([2-9]|\d{2,}) similar\]/.test(e))).toBe(true);
  });
});

/**
 * The card's semantics, stated on their own (read from the model card, not from sidbot):
 * - SIDs are `<|sid_start|>` + one or more `<|sid_<digits>|>` + `<|sid_end|>`; everything else is left as is.
 * - A SID equal to an item's SID → `"title"`.
 * - Otherwise the longest prefix of d ≤ min(3, levels written) level tokens that starts some item's SID
 *   → `"title of the FIRST such item in file order" (Ld match)`, plus ` [+N similar]` when N = count − 1 > 0.
 * - No such prefix → `[Unknown Item]`. Every occurrence of a SID is replaced; titles are inserted literally.
 * The reference below is a naive scan over the rows in file order.
 */
describe("the card's mapping semantics (properties)", async () => {
  const rows = [...fixtureCatalogRows({ items: 3000, seed: 7, layout })];
  const path = join(dir, "props.jsonl");
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n"));
  const { catalog } = await loadCatalog(path, layout);
  const levelsOf = (sid: string) => sid.match(/<\|sid_\d+\|>/g) ?? [];
  const prefixOf = (sid: string, depth: number) => `<|sid_start|>${levelsOf(sid).slice(0, depth).join("")}`;
  const withPrefix = (prefix: string) => rows.filter((r) => r.semantic_id.startsWith(prefix));
  /** How many leading levels of `sid` some item shares, capped at 3 (the card's fallback depth). */
  const sharedDepth = (sid: string) => [3, 2, 1].find((d) => d <= levelsOf(sid).length && withPrefix(prefixOf(sid, d)).length > 0) ?? 0;
  const token = (random: Random, level: number) => `<|sid_${level * 256 + random.int(256)}|>`;
  const randomSid = (random: Random) => `<|sid_start|>${[0, 1, 2, 3].map((l) => token(random, l)).join("")}<|sid_end|>`;
  const trials = 300;

  it("an item's own SID maps to its quoted title, wherever it stands in the text", () => {
    const random = seededRandom(21);
    for (let i = 0; i < trials; i++) {
      const row = random.pick(rows);
      expect(replaceSids(catalog, row.semantic_id)).toBe(`"${row.title}"`);
      expect(replaceSids(catalog, `before ${row.semantic_id}, after`)).toBe(`before "${row.title}", after`);
    }
  });

  it.each([3, 2, 1])(
    "a SID sharing exactly %i levels → the first item in file order with that prefix, (L%i match), [+N similar]",
    (depth) => {
      const random = seededRandom(30 + depth);
      let checked = 0;
      for (let i = 0; i < 20_000 && checked < trials; i++) {
        const base = random.pick(rows).semantic_id;
        const sid = `${prefixOf(base, depth)}${Array.from({ length: 4 - depth }, (_, k) => token(random, depth + k)).join("")}<|sid_end|>`;
        if (catalog.get(sid) || sharedDepth(sid) !== depth) continue;
        const group = withPrefix(prefixOf(sid, depth));
        const similar = group.length > 1 ? ` [+${group.length - 1} similar]` : "";
        expect(replaceSids(catalog, sid)).toBe(`"${group[0]!.title}" (L${depth} match)${similar}`);
        checked++;
      }
      expect(checked).toBe(trials);
    },
  );

  it("a SID sharing no first level with any item is [Unknown Item]", () => {
    const used = new Set(rows.map((r) => levelsOf(r.semantic_id)[0]));
    const free = Array.from({ length: 256 }, (_, c) => `<|sid_${c}|>`).filter((t) => !used.has(t));
    expect(free.length).toBeGreaterThan(0);
    const random = seededRandom(41);
    for (let i = 0; i < 50; i++) {
      const sid = `<|sid_start|>${random.pick(free)}${token(random, 1)}${token(random, 2)}${token(random, 3)}<|sid_end|>`;
      expect(replaceSids(catalog, `x ${sid} y`)).toBe("x [Unknown Item] y");
    }
  });

  it("matches at most as deep as the levels written, and never deeper than 3 without an exact match", () => {
    const random = seededRandom(42);
    for (let i = 0; i < trials; i++) {
      const row = random.pick(rows);
      const written = 1 + random.int(5); // 1..5 levels; 4 is the item's own SID
      const levels = levelsOf(row.semantic_id);
      const sid = `<|sid_start|>${[...levels, token(random, 0)].slice(0, written).join("")}<|sid_end|>`;
      const out = replaceSids(catalog, sid);
      if (written === 4) expect(out).toBe(`"${row.title}"`);
      else {
        const depth = Math.min(3, written);
        const group = withPrefix(prefixOf(sid, depth));
        expect(out).toBe(`"${group[0]!.title}" (L${depth} match)${group.length > 1 ? ` [+${group.length - 1} similar]` : ""}`);
      }
    }
  });

  it("replaces every occurrence of a SID and keeps the text around SIDs byte for byte", () => {
    const random = seededRandom(43);
    for (let i = 0; i < trials; i++) {
      const a = random.pick(rows);
      const b = randomSid(random);
      const mappedB = replaceSids(catalog, b);
      const glue = random.pick(["", " ", ", ", "\n", " $& $1 ", "<|im_end|>", "٣"]);
      expect(replaceSids(catalog, `${glue}${a.semantic_id}${glue}${b}${glue}${a.semantic_id}${glue}`)).toBe(
        `${glue}"${a.title}"${glue}${mappedB}${glue}"${a.title}"${glue}`,
      );
    }
  });

  it("text with no complete SID is unchanged (empty SIDs, truncated SIDs, non-ASCII digits)", () => {
    const random = seededRandom(44);
    for (let i = 0; i < trials; i++) {
      const sid = random.pick(rows).semantic_id;
      const text = random.pick([
        "<|sid_start|><|sid_end|>",
        sid.slice(0, -1 - random.int(10)),
        sid.replace("<|sid_end|>", ""),
        sid.replace("<|sid_start|>", ""),
        "plain words $& <|rec|> <|im_end|>",
        "",
      ]);
      expect(replaceSids(catalog, text)).toBe(text);
    }
  });

  it("a level token not written as in the catalog (leading zero, non-ASCII digits) matches nothing at that level", () => {
    const random = seededRandom(45);
    for (let i = 0; i < trials; i++) {
      const row = random.pick(rows);
      const levels = levelsOf(row.semantic_id);
      const at = random.int(3); // the level made non-canonical
      const odd = random.chance(0.5) ? levels[at]!.replace("sid_", "sid_0") : "<|sid_٣|>";
      const sid = `<|sid_start|>${[...levels.slice(0, at), odd, ...levels.slice(at + 1)].join("")}<|sid_end|>`;
      const out = replaceSids(catalog, sid);
      if (at === 0) expect(out).toBe("[Unknown Item]");
      else {
        const group = withPrefix(prefixOf(sid, at));
        expect(out).toBe(`"${group[0]!.title}" (L${at} match)${group.length > 1 ? ` [+${group.length - 1} similar]` : ""}`);
      }
    }
  });
});
