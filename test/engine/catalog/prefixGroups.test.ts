import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { seededRandom } from "../../../src/util/random.js";
import { layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

describe("prefix groups agree with a scan over every item", async () => {
  const { catalog } = await loadCatalog(writeFixtureCatalog(tempDir(), 3000, 8), layout);

  it("count, first item in file order and members for prefixes that exist and prefixes that do not", () => {
    const random = seededRandom(21);
    for (let i = 0; i < 400; i++) {
      const codes =
        i % 2 === 0 ? [...random.pick(catalog.items).codes] : Array.from({ length: layout.levels }, () => random.int(layout.codesPerLevel));
      for (let depth = 0; depth <= layout.levels + 1; depth++) {
        // Oracle: every item whose first `depth` codes are these, in file order.
        const members =
          depth >= 1 && depth <= layout.levels
            ? catalog.items.filter((it) => it.codes.slice(0, depth).every((c, l) => c === codes[l]))
            : [];
        const group = catalog.prefixGroup(codes, depth);
        expect(group ? { first: group.first.index, count: group.count } : undefined).toEqual(
          members.length ? { first: members[0]!.index, count: members.length } : undefined,
        );
        expect(catalog.countWithPrefix(codes, depth)).toBe(members.length);
        expect([...catalog.withPrefix(codes, depth)].map((it) => it.index).sort((a, b) => a - b)).toEqual(members.map((it) => it.index));
      }
    }
  });
});
