/**
 * Item ids survive catalog changes: an id names its game, or no game — never the game that now
 * sits at its row. Oracles: the demo catalog file's own rows (SIDs and titles), reordered.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_CATALOG } from "../../src/config.js";
import type { CatalogItem } from "../../src/engine/catalog/Catalog.js";
import { itemIdOf, itemOfId } from "../../src/engine/itemId.js";

const rows = readFileSync(BUILTIN_CATALOG, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as { semantic_id: string; title: string });
// Rows as a catalog holds them (only what ids use: index and SID).
const asItems = (list: typeof rows) => list.map((r, index) => ({ index, sid: r.semantic_id, title: r.title }) as unknown as CatalogItem);
const catalog = asItems(rows);
const reversed = asItems([...rows].reverse());

describe("item ids", () => {
  it("name their own item, within 15 characters of [0-9A-Za-z._-]", () => {
    for (const item of catalog) {
      const id = itemIdOf(item);
      expect(id).toMatch(/^[\w.-]{1,15}$/);
      expect(itemOfId(catalog, id)?.title).toBe(item.title);
    }
  });

  it("written under one catalog, name the same game or none under a reordered one", () => {
    let named = 0;
    for (const item of catalog) {
      const found = itemOfId(reversed, itemIdOf(item));
      if (found) {
        expect(found.sid).toBe(item.sid);
        named++;
      }
    }
    // Only a row that kept its place (the middle one of an odd count) still names its game.
    expect(named).toBeLessThanOrEqual(1);
  });

  it("of earlier versions (the row index alone) are read as before; malformed ones name nothing", () => {
    expect(itemOfId(catalog, "2")?.title).toBe(rows[2]!.title);
    for (const bad of ["", "x", "2.", "2.abc", "2.abcde", "-1", "99999999999999999999", `${rows.length}`, "2,3"])
      expect(itemOfId(catalog, bad)).toBeUndefined();
  });
});
