import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { Engine } from "../../../src/engine/Engine.js";
import { openCatalog } from "../../../src/engine/catalog/openCatalog.js";
import { fixtureSequences } from "../../../src/engine/eval/fixtureSequences.js";
import { HistoryResolver } from "../../../src/engine/eval/HistoryResolver.js";
import { evalLines, readEvalRows } from "../../../src/engine/eval/readEvalRows.js";
import { runEval } from "../../../src/engine/eval/runEval.js";
import { writeFixtureCatalog } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

interface Row {
  history: string[];
  next: string;
  structured: boolean;
  neighbourhood?: number;
  noise?: string;
}

const ITEMS = 2000;
const ROWS = 200;
const dir = tempDir();
const config = loadConfig({ env: { CATALOG_PATH: writeFixtureCatalog(dir, ITEMS, 7) } });
const opened = await openCatalog({ ...config, titles: { ...config.titles, indexCacheDir: false } });
const catalog = opened.catalog;
const lines = [...fixtureSequences({ catalog, n: ROWS, seed: 3 })];
const truth = lines.map((l) => JSON.parse(l) as Row);

// An independent reading of the generator's promise, straight from the codes.
const codesOf = (sid: string) => catalog.get(sid)!.codes;
const shared = (a: readonly number[], b: readonly number[]) => {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
};

describe("fixture sequences", () => {
  it("writes histories of 2–5 catalog items; structured next items come from the last item's neighbourhood", () => {
    expect(truth).toHaveLength(ROWS);
    for (const row of truth) {
      expect(row.history.length).toBeGreaterThanOrEqual(2);
      expect(row.history.length).toBeLessThanOrEqual(5);
      expect(new Set(row.history).size).toBe(row.history.length);
      expect(row.history.includes(row.next)).toBe(false);
      if (!row.structured) continue;
      const last = codesOf(row.history.at(-1)!);
      expect(shared(codesOf(row.next), last)).toBeGreaterThanOrEqual(2);
      // Never another edition of a history item (3 shared levels).
      for (const h of row.history) expect(shared(codesOf(row.next), codesOf(h))).toBeLessThan(3);
      const neighbourhood = catalog.items.filter(
        (i) => shared(i.codes, last) >= 2 && !row.history.includes(i.sid) && row.history.every((h) => shared(i.codes, codesOf(h)) < 3),
      );
      expect(row.neighbourhood).toBe(neighbourhood.length);
    }
    const structured = truth.filter((r) => r.structured).length;
    expect(structured).toBeGreaterThan(ROWS * 0.3);
    expect(structured).toBeLessThan(ROWS * 0.8 + 15);
  });

  it("is reproducible: the same seed writes the same rows, another seed others", () => {
    expect([...fixtureSequences({ catalog, n: ROWS, seed: 3 })]).toEqual(lines);
    expect([...fixtureSequences({ catalog, n: ROWS, seed: 4 })]).not.toEqual(lines);
  });

  it("with noise, the rows it spoils are exactly the unresolvable ones; its titles resolve to their items", () => {
    const noisy = [...fixtureSequences({ catalog, n: ROWS, seed: 5, noise: true })];
    const spoiled = noisy.flatMap((l, i) => {
      try {
        return (JSON.parse(l) as Row).noise ? [i + 1] : [];
      } catch {
        return [i + 1];
      }
    });
    expect(spoiled.length).toBeGreaterThan(0);
    const resolver = new HistoryResolver(catalog, () => opened.titles);
    const { rows, unresolvable } = readEvalRows(evalLines(noisy.join("\n")), resolver);
    expect(unresolvable.map((u) => u.line)).toEqual(spoiled);
    const titled = noisy.filter((l) => !spoiled.includes(noisy.indexOf(l) + 1) && /"history":\[[^\]]*"[^<"]/.test(l));
    expect(titled.length).toBeGreaterThan(0);
    for (const row of rows) {
      const written = JSON.parse(noisy[row.line - 1]!) as Row;
      const expected = written.history.map((h) => (h.startsWith("<|") ? h : catalog.items.find((i) => i.title === h)!.sid));
      expect(row.history.map((h) => h.sid)).toEqual(expected);
    }
  });
});

describe("runEval on fixture sequences (catalog backend)", () => {
  const engine = new Engine({ catalog: opened, settings: config.model });
  const resolver = new HistoryResolver(catalog, () => opened.titles);
  const rowsWhere = (keep: (r: Row) => boolean) =>
    readEvalRows(
      evalLines(lines.join("\n")).filter((l) => keep(truth[l.line - 1]!)),
      resolver,
    ).rows;

  it("Hit@10 is far above random, and on structured rows within what the neighbourhood allows and near it", async () => {
    const all = await runEval({ engine, rows: rowsWhere(() => true), backends: ["catalog"] });
    const random = 10 / ITEMS;
    expect(all.backends[0]!.hitAt[9]).toBeGreaterThan(20 * random);

    // Knowing the neighbourhood but not the draw, no list of 10 hits more often than min(1, 10 / size).
    const structured = truth.filter((r) => r.structured);
    const p = structured.map((r) => Math.min(1, 10 / r.neighbourhood!));
    const oracle = p.reduce((s, x) => s + x, 0) / p.length;
    const sigma = Math.sqrt(p.reduce((s, x) => s + x * (1 - x), 0)) / p.length;
    const onStructured = (await runEval({ engine, rows: rowsWhere((r) => r.structured), backends: ["catalog"] })).backends[0]!;
    expect(onStructured.rows).toBe(structured.length);
    expect(onStructured.hitAt[9]).toBeLessThanOrEqual(oracle + 4 * sigma + 1 / p.length);
    expect(onStructured.hitAt[9]).toBeGreaterThanOrEqual(0.5 * oracle);

    // Unstructured next items are uniform over the catalog (history aside): about random.
    const other = truth.filter((r) => !r.structured);
    const onOther = (await runEval({ engine, rows: rowsWhere((r) => !r.structured), backends: ["catalog"] })).backends[0]!;
    const expectedHits = other.length * (10 / (ITEMS - 5));
    expect(onOther.hitAt[9]! * other.length).toBeLessThanOrEqual(expectedHits + 4 * Math.sqrt(expectedHits) + 1);

    // Hit@K never falls as K grows; the catalog answers with valid, distinct items.
    for (let k = 1; k < 10; k++) expect(all.backends[0]!.hitAt[k]).toBeGreaterThanOrEqual(all.backends[0]!.hitAt[k - 1]!);
    expect(all.backends[0]).toMatchObject({ invalidRate: 0, duplicateRate: 0, errors: 0 });
    expect(all.backends[0]!.coverage).toBeGreaterThan(0);
  }, 120_000);

  it("a backend that cannot answer is measured as failing, never replaced", async () => {
    const report = await runEval({ engine, rows: rowsWhere(() => true).slice(0, 3), backends: ["model", "catalog"] });
    const [model, fallback] = report.backends;
    expect(model).toMatchObject({ backend: "model", rows: 3, errors: 3, written: 0 });
    expect(model!.hitAt[9]).toBe(0);
    expect(model!.firstErrors[0]!.reason).toMatch(/no model is configured/);
    expect(fallback!.errors).toBe(0);
  });
});
