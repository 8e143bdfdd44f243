import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allows } from "../../../src/engine/catalog/AllowedItems.js";
import { buildCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { OperatorList } from "../../../src/engine/catalog/OperatorList.js";
import { emptyFilterNotice, fewLeftNotice, SubCatalogs } from "../../../src/engine/catalog/SubCatalogs.js";
import { fixtureCatalogRows } from "../../../src/engine/fixtures/fixtureCatalog.js";
import { onPlatform } from "../../../src/engine/catalog/CatalogBackend.js";
import { PLATFORMS, platformByName } from "../../../src/engine/titles/platforms.js";
import { layout } from "../../support/catalogs.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const rows = [...fixtureCatalogRows({ items: 800, seed: 5, layout })].map((row, i) => ({ ...row, parent_asin: `P${i}` }));
const { catalog } = buildCatalog(
  "generated",
  rows.map((record, i) => ({ rowNumber: i + 1, ok: true as const, record })),
  layout,
);
// The oracle's SID order: rows sorted by their codes, level by level (compared as numbers).
const codesOf = (sid: string) => [...sid.matchAll(/<\|sid_(\d+)\|>/g)].map((m) => Number(m[1]) % 256);
const sidOrder = rows.map((row, i) => ({ row, i, codes: codesOf(row.semantic_id) })).sort((a, b) => compareCodes(a.codes, b.codes));
function compareCodes(a: number[], b: number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}
/** Row numbers (file order) the bits allow, read through the oracle's SID order. */
const allowedRows = (bits: Parameters<typeof allows>[0]) => sidOrder.filter((_, position) => allows(bits, position)).map((e) => e.i);
const rowsWhere = (keep: (row: (typeof rows)[number]) => boolean) => rows.flatMap((row, i) => (keep(row) ? [i] : []));
const XBOXES = new Set(["Xbox", "Xbox 360", "Xbox One"]);
let files = 0;
const list = (key: string, lines: readonly string[]) => {
  const path = join(dir, `list-${files++}.txt`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { path, list: OperatorList.open(path, key, catalog, recordingLogger()) };
};

describe("SubCatalogs", () => {
  it("allows everything without a platform or lists (no bits to send)", () => {
    const filter = new SubCatalogs(catalog).forRequest(undefined);
    expect(filter.allowed).toBeUndefined();
    expect(filter.remaining([catalog.items[0]!])).toBe(catalog.size - 1);
  });

  it("sets one bit per item of the platform, in SID order (the platform column decides)", () => {
    const subs = new SubCatalogs(catalog);
    const allowed = subs.forRequest(platformByName("Xbox One")).allowed!;
    const expected = rowsWhere((row) => row.platform === "Xbox One");
    expect(expected.length).toBeGreaterThan(10);
    expect(allowedRows(allowed).sort((a, b) => a - b)).toEqual(expected);
    expect(allowed.count).toBe(expected.length);
  });

  it("every platform's bits are the items onPlatform admits, alone and with lists", () => {
    const allow = list(
      "catalog.allowPath",
      rows.filter((_, i) => i % 3 !== 0).map((row) => row.parent_asin),
    );
    const deny = list(
      "catalog.denyPath",
      rows.filter((_, i) => i % 5 === 0).map((row) => row.semantic_id),
    );
    const plain = new SubCatalogs(catalog);
    const listed = new SubCatalogs(catalog, { allow: allow.list, deny: deny.list });
    // A second, item-by-item implementation: onPlatform, then the list rules by row number.
    const admitted = (name: string, lists: boolean) =>
      rowsWhere((row) => {
        const i = rows.indexOf(row);
        return onPlatform(catalog.items[i]!, platformByName(name)) && (!lists || (i % 3 !== 0 && i % 5 !== 0));
      });
    for (const { name } of PLATFORMS) {
      expect(
        allowedRows(plain.forRequest(platformByName(name)).allowed!).sort((a, b) => a - b),
        name,
      ).toEqual(admitted(name, false));
      const both = listed.forRequest(platformByName(name)).allowed!;
      expect(
        allowedRows(both).sort((a, b) => a - b),
        name,
      ).toEqual(admitted(name, true));
      expect(both.count, name).toBe(admitted(name, true).length);
    }
  });

  it("keys the bits by their content: other metadata, other key; the same bits by another route, the same key", () => {
    // The same SIDs and titles, but the Xbox One games relabelled PC: "Xbox One" now has no games.
    const relabelled = buildCatalog(
      "relabelled",
      rows.map((row, i) => ({
        rowNumber: i + 1,
        ok: true as const,
        record: { ...row, platform: row.platform === "Xbox One" ? "PC" : row.platform, title: row.title.replace("Xbox One", "PC") },
      })),
      layout,
    ).catalog;
    const here = new SubCatalogs(catalog).forRequest(platformByName("PC")).allowed!;
    const there = new SubCatalogs(relabelled).forRequest(platformByName("PC")).allowed!;
    expect(allowedRows(there).length).toBeGreaterThan(allowedRows(here).length);
    expect(there.key).not.toBe(here.key);
    // An allow-list naming exactly the PC games: the same bits as the platform filter, so the same key.
    const pc = list(
      "catalog.allowPath",
      rowsWhere((row) => row.platform === "PC").map((i) => rows[i]!.parent_asin),
    );
    const same = new SubCatalogs(catalog, { allow: pc.list }).forRequest(undefined).allowed!;
    expect(same.bits).toEqual(here.bits);
    expect(same.key).toBe(here.key);
  });

  it("a family word allows the whole family", () => {
    const allowed = new SubCatalogs(catalog).forRequest(platformByName("Xbox")).allowed!;
    expect(allowedRows(allowed).sort((a, b) => a - b)).toEqual(rowsWhere((row) => XBOXES.has(row.platform)));
  });

  it("combines the platform with the allow-list and the deny-list (SIDs or parent_asins)", () => {
    const ps4 = rowsWhere((row) => row.platform === "PlayStation 4");
    const allow = list("catalog.allowPath", [...ps4.slice(0, 20).map((i) => rows[i]!.semantic_id), "P1", "P2", "P3"]);
    const deny = list("catalog.denyPath", [`P${ps4[0]}`, rows[ps4[1]!]!.semantic_id, "P2"]);
    const subs = new SubCatalogs(catalog, { allow: allow.list, deny: deny.list });
    const allowed = subs.forRequest(platformByName("PlayStation 4")).allowed!;
    const expected = [...ps4.slice(2, 20), ...[1, 3].filter((i) => rows[i]!.platform === "PlayStation 4")].sort((a, b) => a - b);
    expect(allowedRows(allowed).sort((a, b) => a - b)).toEqual(expected);
    const any = subs.forRequest(undefined).allowed!;
    expect(allowedRows(any).sort((a, b) => a - b)).toEqual([...ps4.slice(2, 20), 1, 3].sort((a, b) => a - b));
  });

  it("keys by platform and list content: the same request reuses its bits; an edited list makes new ones", () => {
    const allow = list("catalog.allowPath", ["P10", "P11"]);
    const subs = new SubCatalogs(catalog, { allow: allow.list });
    const first = subs.forRequest(undefined).allowed!;
    expect(subs.forRequest(undefined).allowed).toBe(first);
    writeFileSync(allow.path, "P12\n");
    const second = subs.forRequest(undefined).allowed!;
    expect(second.key).not.toBe(first.key);
    expect(allowedRows(second)).toEqual([12]);
  });

  it("stays right past its cache bound", () => {
    const subs = new SubCatalogs(catalog, {}, 2);
    const names = ["Xbox One", "Wii", "PC", "Xbox One", "Nintendo DS", "Wii"];
    for (const name of names) {
      const allowed = subs.forRequest(platformByName(name)).allowed!;
      expect(allowedRows(allowed).sort((a, b) => a - b)).toEqual(rowsWhere((row) => row.platform === name));
    }
  });

  it("counts what is left after the conversation's exclusions, and says why nothing is", () => {
    const wiiU = rowsWhere((row) => row.platform === "Wii U");
    const allow = list(
      "catalog.allowPath",
      wiiU.slice(0, 2).map((i) => `P${i}`),
    );
    const subs = new SubCatalogs(catalog, { allow: allow.list });
    const wiiUItems = wiiU.slice(0, 2).map((i) => catalog.items[i]!);
    const filter = subs.forRequest(platformByName("Wii U"));
    expect(filter.remaining([])).toBe(2);
    expect(filter.remaining(wiiUItems)).toBe(0);
    expect(filter.cause()).toBe("exclusions");
    expect(subs.forRequest(platformByName("PC")).cause()).toBe("allow-list");
    expect(subs.forRequest(platformByName("Dreamcast")).cause()).toBe("platform");
    // The operator's list narrowed it: the short-answer notice says so rather than blaming the catalog.
    expect(filter.listed).toBe(true);
    expect(new SubCatalogs(catalog).forRequest(platformByName("Wii U")).listed).toBe(false);
    expect(fewLeftNotice(2, platformByName("Wii U"), filter.listed)).toBe(
      "Only 2 Wii U games are left within the current filter that I haven't already suggested.",
    );
    expect(fewLeftNotice(1, undefined)).toBe("Only 1 game is left in the catalog that I haven't already suggested.");
    expect(emptyFilterNotice("exclusions", platformByName("Wii U"))).toBe(
      "The catalog has no Wii U games I haven't already suggested — try another platform.",
    );
    expect(emptyFilterNotice("exclusions", platformByName("Wii U"), filter.listed)).toBe(
      "I've already suggested every Wii U game the current filter allows — try another platform.",
    );
  });
});
