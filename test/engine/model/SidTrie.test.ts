import { beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { allowedBitsProblem, allowedItemsWhere } from "../../../src/engine/catalog/AllowedItems.js";
import { AllowedCounts } from "../../../src/engine/model/AllowedCounts.js";
import { ModelRequestError } from "../../../src/engine/model/modelErrors.js";
import { SidCodes } from "../../../src/engine/model/SidCodes.js";
import { SidExclusions, SidTrie } from "../../../src/engine/model/SidTrie.js";
import { seededRandom } from "../../../src/util/random.js";
import { layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
let catalog: Catalog;
let sids: SidCodes;
let trie: SidTrie;

beforeAll(async () => {
  catalog = (await loadCatalog(writeFixtureCatalog(dir, 20_000, 3), layout)).catalog;
  sids = SidCodes.fromCatalog(catalog);
  trie = new SidTrie(sids);
});

// The oracle: the catalog's items, filtered by prefix.
const withPrefix = (codes: readonly number[]) => catalog.items.filter((item) => codes.every((code, level) => item.codes[level] === code));
const nextCodes = (codes: readonly number[]) =>
  [...new Set(withPrefix(codes).map((item) => item.codes[codes.length]!))].sort((a, b) => a - b);

describe("SidCodes and the compact SID trie", () => {
  it("holds every catalog SID, findable by its codes", () => {
    expect(sids.size).toBe(catalog.size);
    for (const item of catalog.items.filter((_, i) => i % 97 === 0)) {
      const index = sids.indexOf(item.codes);
      expect(sids.item(index).sid).toBe(item.sid);
      const leaf = trie.find(item.codes)!;
      expect(trie.itemIndex(leaf)).toBe(index);
    }
    expect(sids.indexOf([1023, 0, 0, 0])).toBe(-1);
  });

  it("counts the items below each prefix and lists the codes that continue it, as the catalog does", () => {
    const random = seededRandom(9);
    for (let i = 0; i < 200; i++) {
      const item = random.pick(catalog.items);
      const depth = random.int(layout.levels);
      const prefix = item.codes.slice(0, depth);
      const node = trie.find(prefix)!;
      expect(trie.leafCount(node)).toBe(withPrefix(prefix).length);
      expect([...trie.children(node)].map(([code]) => code)).toEqual(nextCodes(prefix));
      expect(trie.itemIndex(node)).toBeUndefined();
    }
    expect(trie.find([item0Code() + 1000])).toBeUndefined();
  });

  it("closes a subtree once every item below it is taken", () => {
    const prefix = catalog.items[0]!.codes.slice(0, 3);
    const group = withPrefix(prefix);
    const exclusions = new SidExclusions(trie);
    const parent = trie.find(prefix.slice(0, 2))!;
    expect(exclusions.open(parent)).toContain(prefix[2]);
    for (const item of group) exclusions.add(item.codes);
    exclusions.add(group[0]!.codes); // taking an item twice counts once
    exclusions.add([1023, 1023, 1023, 1023]); // unknown codes are ignored
    expect(exclusions.remaining(trie.find(prefix)!)).toBe(0);
    expect(exclusions.open(parent)).not.toContain(prefix[2]);
    expect(exclusions.remaining(trie.root)).toBe(catalog.size - group.length);
  });
});

describe("sub-catalogs in the trie (AllowedCounts)", () => {
  it("counts the allowed items below each prefix and opens only codes with one still free", () => {
    const random = seededRandom(21);
    // The oracle: a set of SIDs chosen here, filtered by prefix over the catalog's own items.
    const chosen = new Set(catalog.items.filter(() => random.chance(0.1)).map((item) => item.sid));
    const bySid = [...catalog.inSidOrder()];
    const allowed = allowedItemsWhere(sids.size, (position) => chosen.has(bySid[position]!.sid));
    expect(allowed.count).toBe(chosen.size);
    const counts = new AllowedCounts(allowed, sids.size);
    expect(counts.total).toBe(chosen.size);
    const exclusions = new SidExclusions(trie, counts);
    const allowedWithPrefix = (codes: readonly number[]) => withPrefix(codes).filter((item) => chosen.has(item.sid));
    for (let i = 0; i < 300; i++) {
      const item = random.pick(catalog.items);
      const prefix = item.codes.slice(0, random.int(layout.levels + 1));
      const node = trie.find(prefix)!;
      expect(exclusions.remaining(node)).toBe(allowedWithPrefix(prefix).length);
      if (prefix.length < layout.levels) {
        const open = [...new Set(allowedWithPrefix(prefix).map((it) => it.codes[prefix.length]!))].sort((a, b) => a - b);
        expect(exclusions.open(node)).toEqual(open);
      }
    }
    // Taking an item outside the sub-catalog changes nothing; taking one inside closes it.
    const outside = catalog.items.find((item) => !chosen.has(item.sid))!;
    const inside = catalog.items.find((item) => chosen.has(item.sid))!;
    exclusions.add(outside.codes);
    exclusions.add(inside.codes);
    expect(exclusions.remaining(trie.root)).toBe(chosen.size - 1);
    expect(exclusions.remaining(trie.find(inside.codes)!)).toBe(0);
    expect(exclusions.remaining(trie.find(outside.codes)!)).toBe(0);
  });

  it("refuses bits sized for another catalog, or with bits set past the last item", () => {
    const size = sids.size;
    const bytes = Math.ceil(size / 8);
    expect(allowedBitsProblem(new Uint8Array(bytes), size)).toBeUndefined();
    expect(allowedBitsProblem(new Uint8Array(bytes + 1), size)).toMatch(/expected/);
    expect(allowedBitsProblem(new Uint8Array(bytes - 1), size)).toMatch(/expected/);
    const spare = new Uint8Array(Math.ceil(13 / 8));
    spare[1] = 1 << 5; // position 13, one past the last of 13 items
    expect(allowedBitsProblem(spare, 13)).toMatch(/past the catalog/);
    spare[1] = 1 << 4; // position 12, the last
    expect(allowedBitsProblem(spare, 13)).toBeUndefined();
    const error = (() => {
      try {
        return new AllowedCounts({ key: "other", bits: new Uint8Array(3), count: 0 }, size);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ModelRequestError);
    expect((error as Error).message).toMatch(/other/);
  });
});

function item0Code(): number {
  return catalog.items[0]!.codes[0]!;
}
