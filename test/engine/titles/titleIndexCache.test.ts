import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INDEX_CACHE_MIN_ITEMS, openCatalog, type OpenedCatalog } from "../../../src/engine/catalog/openCatalog.js";
import type { TitleIndex } from "../../../src/engine/titles/TitleIndex.js";
import { seededRandom } from "../../../src/util/random.js";
import { writeFixtureCatalog } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

// The smallest catalog that is cached.
const ITEMS = INDEX_CACHE_MIN_ITEMS;
const catalogConfig = (path: string, indexCacheDir: string | false) => ({
  catalog: { path, metadataPath: null, levels: 4, codesPerLevel: 256 },
  titles: { maxResults: 10, indexCacheDir },
});

/** What a search answers, comparable across two indexes of one catalog. */
function answers(titles: TitleIndex, opened: OpenedCatalog) {
  const random = seededRandom(11);
  const out: unknown[] = [];
  for (let i = 0; i < 60; i++) {
    const title = random.pick(opened.catalog.items).title;
    for (const query of [title, title.replace(/[aeiou]/, ""), title.slice(0, 2 + (i % 10)), `${title.split(" ")[0]} ps4`]) {
      out.push(titles.search(query, { limit: 5, prefix: i % 2 === 0 }).map((h) => [h.item.index, h.score, h.exact, h.coverage]));
    }
    const words = title.toLowerCase().split(/\W+/).filter(Boolean);
    out.push(
      titles
        .initialsOf(
          words
            .map((w) => w[0])
            .join("")
            .slice(0, 4),
        )
        .map((r) => [r.item.index, r.words]),
    );
    out.push(words.map((w) => titles.hasTerm(w)));
  }
  out.push(titles.searchTopics("I like racing games").map((h) => h.item.index));
  return out;
}

describe("title index cache", () => {
  const dir = tempDir();
  const path = writeFixtureCatalog(dir, ITEMS, 3);

  it("builds and writes the index on the first open, reads it on the second, with the same answers", async () => {
    const cacheDir = join(dir, "cache-a");
    const first = await openCatalog(catalogConfig(path, cacheDir));
    const built = first.titles;
    expect(first.indexOrigin).toEqual({ from: "built", cached: "written" });
    expect(readdirSync(cacheDir)).toHaveLength(1);

    const second = await openCatalog(catalogConfig(path, cacheDir));
    const cached = second.titles;
    expect(second.indexOrigin).toEqual({ from: "cache" });
    // Oracle: the freshly built index.
    expect(answers(cached, second)).toEqual(answers(built, first));
  });

  it("rebuilds when the catalog's content changes", async () => {
    const cacheDir = join(dir, "cache-b");
    const copy = join(dir, "changing.jsonl");
    writeFileSync(copy, readFileSync(path));
    expect((await openCatalog(catalogConfig(copy, cacheDir))).titles).toBeDefined();

    const lines = readFileSync(copy, "utf8").split("\n");
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), title: "Zyxwv Quokka Odyssey" });
    writeFileSync(copy, lines.join("\n"));
    const changed = await openCatalog(catalogConfig(copy, cacheDir));
    expect(changed.titles.search("zyxwv quokka")[0]?.item.title).toBe("Zyxwv Quokka Odyssey");
    expect(changed.indexOrigin).toEqual({ from: "built", cached: "written" });
  });

  it.each([
    ["a flipped byte", (bytes: Buffer) => bytes.map((b, i) => (i === bytes.length - 7 ? b ^ 0xff : b))],
    ["a truncated file", (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1)],
    ["garbage", () => Buffer.from("not an index at all")],
    ["an empty file", () => Buffer.alloc(0)],
  ])("ignores a corrupt cache file (%s) and rebuilds it", async (_, corrupt) => {
    const cacheDir = join(dir, `cache-${_.replace(/\W/g, "")}`);
    const fresh = await openCatalog(catalogConfig(path, cacheDir));
    const expected = answers(fresh.titles, fresh);
    const file = join(cacheDir, readdirSync(cacheDir)[0]!);
    writeFileSync(file, corrupt(readFileSync(file)));

    const reopened = await openCatalog(catalogConfig(path, cacheDir));
    expect(answers(reopened.titles, reopened)).toEqual(expected);
    expect(reopened.indexOrigin).toEqual({ from: "built", cached: "written" });
    expect((await openCatalog(catalogConfig(path, cacheDir))).titles && true).toBe(true);
  });

  it("answers when the cache cannot be written, and writes nothing when it is off", async () => {
    const blocked = join(dir, "blocked");
    writeFileSync(blocked, "a file where the cache directory should be");
    const opened = await openCatalog(catalogConfig(path, join(blocked, "sub")));
    expect(opened.titles.search(opened.catalog.items[0]!.title)[0]).toBeDefined();
    expect(opened.indexOrigin).toEqual({ from: "built", cached: "not written" });

    const readOnly = join(dir, "read-only");
    const first = await openCatalog(catalogConfig(path, readOnly));
    expect(first.titles).toBeDefined();
    chmodSync(readOnly, 0o500);
    try {
      const again = await openCatalog(catalogConfig(path, readOnly));
      expect(again.titles).toBeDefined();
      expect(again.indexOrigin).toEqual({ from: "cache" });
    } finally {
      chmodSync(readOnly, 0o700);
    }

    const off = await openCatalog(catalogConfig(path, false));
    expect(off.titles).toBeDefined();
    expect(off.indexOrigin).toEqual({ from: "built" });
  });

  it("never caches a catalog that indexes faster than a cache file is read", async () => {
    const cacheDir = join(dir, "cache-small");
    const small = await openCatalog(catalogConfig(writeFixtureCatalog(dir, ITEMS - 1, 3), cacheDir));
    expect(small.titles).toBeDefined();
    expect(small.indexOrigin).toEqual({ from: "built" });
    expect(existsSync(cacheDir)).toBe(false);
  });
});
