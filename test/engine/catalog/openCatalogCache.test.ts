/** Defects found by review: the title-index cache must never serve an index of other content or other code. */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INDEX_CACHE_MIN_ITEMS, openCatalog } from "../../../src/engine/catalog/openCatalog.js";
import { titleIndexCacheKey } from "../../../src/engine/titles/titleIndexCache.js";
import { writeFixtureCatalog } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

const config = (path: string, indexCacheDir: string | false) => ({
  catalog: { path, metadataPath: null, levels: 4, codesPerLevel: 256 },
  titles: { maxResults: 10, indexCacheDir },
});
const RENAMED = "Zyxwv Quokka Odyssey";

describe("title index cache and a catalog that changes", () => {
  it("a catalog edited after it loaded (same item count) never leaves its old index in the cache", async () => {
    const dir = tempDir();
    const cacheDir = `${dir}/cache`;
    const path = writeFixtureCatalog(dir, INDEX_CACHE_MIN_ITEMS, 9);
    const first = await openCatalog(config(path, cacheDir));
    // The file changes after it was read but before the index is made (a deploy replacing it).
    const lines = readFileSync(path, "utf8").split("\n");
    const row = JSON.parse(lines[0]!) as { title: string };
    lines[0] = JSON.stringify({ ...row, title: RENAMED });
    writeFileSync(path, lines.join("\n"));
    expect(first.titles.search(RENAMED)[0]?.item.title).not.toBe(RENAMED); // it indexes what it loaded

    // The next process loads the edited file: its search must be the fresh build's.
    const second = await openCatalog(config(path, cacheDir));
    const fresh = await openCatalog(config(path, false));
    expect(fresh.titles.search(RENAMED)[0]?.item.title).toBe(RENAMED);
    expect(second.titles.search(RENAMED).map((h) => [h.item.index, h.score])).toEqual(
      fresh.titles.search(RENAMED).map((h) => [h.item.index, h.score]),
    );
  });

  it("the cache key covers the title code, not only the catalog and the format version", () => {
    const path = writeFixtureCatalog(tempDir(), 50, 2);
    const layout = { levels: 4, codesPerLevel: 256 };
    expect(titleIndexCacheKey([path, null], layout, "code-a")).not.toBe(titleIndexCacheKey([path, null], layout, "code-b"));
    expect(titleIndexCacheKey([path, null], layout, "code-a")).toBe(titleIndexCacheKey([path, null], layout, "code-a"));
  });
});
