/**
 * The bot tells the model a ruled-out platform in words ("I like racing games, not for PC."); the
 * catalog backend must answer that taste as the taste alone, without calling it a partial match.
 * The oracle is the same request without the ruled-out platform.
 */
import { expect, it } from "vitest";
import { CatalogBackend } from "../../../src/engine/catalog/CatalogBackend.js";
import { openCatalog } from "../../../src/engine/catalog/openCatalog.js";
import { loadConfig } from "../../../src/config.js";

const opened = await openCatalog(loadConfig({ env: {} }));
const backend = new CatalogBackend(opened.catalog, opened.titles);

it.each(["racing", "scifi and action", "animal and cute"])("answers “I like %s games, not for PC.” as the taste alone", (taste) => {
  const plain = backend.answer({ kind: "tastes", text: `I like ${taste} games.` });
  const ruledOut = backend.answer({ kind: "tastes", text: `I like ${taste} games, not for PC.` });
  expect(plain.items.length).toBeGreaterThan(0);
  expect(ruledOut.items.map((i) => i.sid)).toEqual(plain.items.map((i) => i.sid));
  expect(ruledOut.notices).toEqual(plain.notices);
});
