import { describe, expect, it } from "vitest";
import { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { layout, sidOf } from "../../support/catalogs.js";

function item(codes: number[], title: string) {
  return { sid: layout.format(codes), codes, title };
}

// File order deliberately differs from SID order.
const catalog = new Catalog(layout, [
  item([5, 1, 1, 0], "E"),
  item([1, 2, 3, 0], "A"),
  item([1, 2, 3, 1], "A2"),
  item([1, 2, 9, 0], "B"),
  item([1, 7, 0, 0], "C"),
  item([1, 2, 4, 0], "D"),
  item([2, 0, 0, 0], "F"),
]);

describe("Catalog", () => {
  it("looks up exact SIDs", () => {
    expect(catalog.get(layout.format([1, 2, 9, 0]))?.title).toBe("B");
    expect(catalog.get(layout.format([1, 2, 9, 1]))).toBeUndefined();
    expect(catalog.size).toBe(7);
  });

  it("returns the first item in file order and the count for a prefix", () => {
    expect(catalog.prefixGroup([1, 2, 3], 3)).toMatchObject({ depth: 3, count: 2, first: { title: "A" } });
    expect(catalog.prefixGroup([1, 2], 2)).toMatchObject({ count: 4, first: { title: "A" } });
    expect(catalog.prefixGroup([1], 1)).toMatchObject({ count: 5, first: { title: "A" } });
    expect(catalog.prefixGroup([3], 1)).toBeUndefined();
    expect([...catalog.withPrefix([1, 2], 2)].map((i) => i.title)).toEqual(["A", "A2", "D", "B"]);
  });

  it("orders neighbours by shared prefix depth, then by distance", () => {
    expect(catalog.neighbours([1, 2, 3, 0], 10).map((i) => i.title)).toEqual(["A2", "D", "B", "C", "F", "E"]);
    expect(catalog.neighbours([1, 2, 3, 0], 2).map((i) => i.title)).toEqual(["A2", "D"]);
    expect(catalog.neighbours([2, 0, 0, 0], 1).map((i) => i.title)).toEqual(["C"]);
  });

  it("finds neighbours of SIDs that are not in the catalog", () => {
    expect(catalog.neighbours([1, 2, 5, 0], 2).map((i) => i.title)).toEqual(["D", "A2"]);
    expect(catalog.neighbours([9, 9, 9, 9], 1).map((i) => i.title)).toEqual(["E"]);
  });

  it("rejects duplicate SIDs", () => {
    expect(() => new Catalog(layout, [item([1, 1, 1, 1], "x"), item([1, 1, 1, 1], "y")])).toThrow(/duplicate SID/);
  });

  it("walks items in SID order", () => {
    expect([...catalog.inSidOrder()].map((i) => i.title)).toEqual(["A", "A2", "D", "B", "C", "F", "E"]);
    expect(sidOf(1)).toContain("sid_1");
  });
});
