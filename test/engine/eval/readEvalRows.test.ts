import { describe, expect, it } from "vitest";
import { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { HistoryResolver } from "../../../src/engine/eval/HistoryResolver.js";
import { evalLines, readEvalRows } from "../../../src/engine/eval/readEvalRows.js";
import { TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { layout, sidOf } from "../../support/catalogs.js";

const items = [
  { codes: [1, 2, 3, 0], title: "Halo 3 - Xbox 360" },
  { codes: [1, 2, 4, 0], title: "Forza Motorsport 2 - Xbox 360" },
  { codes: [5, 6, 7, 0], title: "Twin Game - PC" },
  { codes: [5, 6, 8, 0], title: "Twin Game - PC" },
].map((i) => ({ ...i, sid: layout.format(i.codes) }));
const catalog = new Catalog(layout, items);
const resolver = new HistoryResolver(catalog, () => new TitleIndex(catalog));
const halo = items[0]!.sid;
const forza = items[1]!.sid;

function read(...rows: string[]) {
  return readEvalRows(evalLines(rows.join("\n")), resolver);
}

describe("readEvalRows", () => {
  it("reads SIDs and titles; a title typed in full, case aside, is that item", () => {
    const { rows, unresolvable } = read(
      JSON.stringify({ history: [halo], next: forza }),
      JSON.stringify({ history: ["forza motorsport 2 - xbox 360", halo], next: forza, extra: 1 }),
    );
    expect(unresolvable).toEqual([]);
    expect(rows.map((r) => [r.line, r.history.map((h) => h.title), r.next.title])).toEqual([
      [1, ["Halo 3 - Xbox 360"], "Forza Motorsport 2 - Xbox 360"],
      [2, ["Forza Motorsport 2 - Xbox 360", "Halo 3 - Xbox 360"], "Forza Motorsport 2 - Xbox 360"],
    ]);
  });

  it("counts every bad row with its line number and reason, and never throws", () => {
    const { rows, unresolvable } = read(
      `{"history": ["${halo}"], "next": `,
      "",
      JSON.stringify({ history: [sidOf(1, 258, 600, 768)], next: forza }),
      JSON.stringify({ history: [sidOf(1, 258, 515)], next: forza }),
      JSON.stringify({ history: ["Twin Game - PC"], next: forza }),
      JSON.stringify({ history: ["Qxzvbn Wrtkpl"], next: forza }),
      JSON.stringify({ history: [], next: forza }),
      JSON.stringify({ history: [halo], next: "Halo 3 - Xbox 360" }),
      JSON.stringify({ history: [halo] }),
      JSON.stringify([halo]),
      JSON.stringify({ history: [halo, 7], next: forza }),
      JSON.stringify({ history: [halo], next: sidOf(9, 265, 521, 768) }),
    );
    expect(rows).toEqual([]);
    expect(unresolvable.map((u) => u.line)).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const reasons = unresolvable.map((u) => u.reason);
    expect(reasons[0]).toBe("not valid JSON");
    expect(reasons[1]).toMatch(/^history: SID ".*" is not in the catalog$/);
    expect(reasons[2]).toMatch(/^history: malformed SID .*\(has 3 levels, expected 4\)$/);
    expect(reasons[3]).toBe('history: ambiguous title "Twin Game - PC" (2 items have it)');
    expect(reasons[4]).toBe('history: unknown title "Qxzvbn Wrtkpl"');
    expect(reasons[5]).toBe('"history" is empty');
    expect(reasons[6]).toMatch(/^next: malformed SID/);
    expect(reasons[7]).toBe('"next" is missing or not a SID');
    expect(reasons[8]).toMatch(/^expected an object/);
    expect(reasons[9]).toBe("history: a history entry is not a SID or a title");
    expect(reasons[10]).toMatch(/^next: SID .* is not in the catalog$/);
  });

  it("a title longer than any game's is unresolvable without searching (a 100k-character word used to overflow the stack)", () => {
    const long = "x".repeat(100_000);
    const { rows, unresolvable } = read(JSON.stringify({ history: [long], next: forza }), JSON.stringify({ history: [halo], next: forza }));
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(unresolvable).toHaveLength(1);
    expect(unresolvable[0]!.reason).toMatch(/^history: title too long \(100000 characters, at most 300\): "x{99}…"$/);
  });

  it("a row that breaks the resolver is unresolvable; the other rows are still read", () => {
    const broken = new HistoryResolver(catalog, () => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    const lines = evalLines(
      [JSON.stringify({ history: ["Some Title"], next: forza }), JSON.stringify({ history: [halo], next: forza })].join("\n"),
    );
    const { rows, unresolvable } = readEvalRows(lines, broken);
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(unresolvable).toEqual([{ line: 1, reason: "could not be read: RangeError: Maximum call stack size exceeded" }]);
  });

  it("a UTF-8 byte-order mark before line 1 is not part of the row", () => {
    const { rows, unresolvable } = readEvalRows(evalLines(`\uFEFF${JSON.stringify({ history: [halo], next: forza })}\n`), resolver);
    expect(unresolvable).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([1]);
  });
});
