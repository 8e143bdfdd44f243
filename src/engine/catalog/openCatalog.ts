import { statSync } from "node:fs";
import { BUILTIN_CATALOG, type Config } from "../../config.js";
import { SidLayout } from "../sid/SidLayout.js";
import { TitleIndex } from "../titles/TitleIndex.js";
import {
  defaultCacheDir,
  readTitleIndexCache,
  titleIndexCacheFile,
  titleIndexCacheKey,
  writeTitleIndexCache,
} from "../titles/titleIndexCache.js";
import type { Catalog } from "./Catalog.js";
import { loadCatalog, type LoadCatalogResult, type MetadataJoin } from "./loadCatalog.js";

/** Smaller catalogs index faster than a cache file is hashed and read: they are never cached. */
export const INDEX_CACHE_MIN_ITEMS = 10_000;

/** Where the index of the loaded files is cached, and the files' stamps when they were loaded. */
export interface TitleIndexCacheSource {
  dir: string;
  files: readonly (string | null)[];
  stamps: string;
}

/** How the title index was made: "built" (and, with a cache, whether it was written) or read from "cache". */
export type IndexOrigin = { from: "built"; cached?: "written" | "not written" } | { from: "cache" };

/** A loaded catalog with its title index, made on first use (`map` never needs it): read from the cache, else built (and cached). */
export class OpenedCatalog {
  private titleIndex: TitleIndex | undefined;
  /** Time spent building or reading the title index; 0 until it is made. */
  indexMs = 0;
  /** Where the title index came from; undefined until it is made. */
  indexOrigin: IndexOrigin | undefined;
  /** Why the cache was not used or not written (for debugging), when it was not. */
  indexCacheNote: string | undefined;

  constructor(
    readonly catalog: Catalog,
    /** The file that was loaded. */
    readonly source: string,
    readonly builtin: boolean,
    readonly skipped: LoadCatalogResult["skipped"],
    readonly loadMs: number,
    /** The product metadata join (`catalog.metadataPath`), when configured. */
    readonly metadata?: MetadataJoin,
    private readonly cache?: TitleIndexCacheSource,
  ) {}

  get titles(): TitleIndex {
    if (!this.titleIndex) {
      const started = performance.now();
      this.titleIndex = this.cache && this.catalog.size >= INDEX_CACHE_MIN_ITEMS ? this.viaCache(this.cache) : this.build();
      this.indexMs = performance.now() - started;
    }
    return this.titleIndex;
  }

  private build(): TitleIndex {
    this.indexOrigin = { from: "built" };
    return new TitleIndex(this.catalog);
  }

  private viaCache(cache: TitleIndexCacheSource): TitleIndex {
    // Hashed only when the index is wanted (never for `map`); the stamps, taken again after the
    // hash, prove the hashed bytes are the ones loaded, so an index is never filed under other content.
    let key: string;
    try {
      key = titleIndexCacheKey(cache.files, this.catalog.layout);
    } catch (error) {
      this.indexCacheNote = `cannot hash the catalog: ${(error as Error).message}`;
      return this.build();
    }
    if (fileStamps(cache.files) !== cache.stamps) {
      this.indexCacheNote = "the catalog changed since it loaded";
      return this.build();
    }
    const file = titleIndexCacheFile(cache.dir, key);
    const read = readTitleIndexCache(file, key, this.catalog.size);
    if ("snapshot" in read) {
      this.indexOrigin = { from: "cache" };
      return new TitleIndex(this.catalog, read.snapshot);
    }
    const index = new TitleIndex(this.catalog);
    const error = writeTitleIndexCache(file, key, index.snapshot());
    this.indexOrigin = { from: "built", cached: error ? "not written" : "written" };
    this.indexCacheNote = error ? `${read.miss}; cannot write ${file}: ${error.message}` : read.miss;
    return index;
  }
}

/** Loads the configured catalog (or the built-in demo catalog). */
export async function openCatalog(config: {
  catalog: Pick<Config["catalog"], "path" | "metadataPath" | "levels" | "codesPerLevel">;
  titles?: Config["titles"];
}): Promise<OpenedCatalog> {
  const layout = new SidLayout({ levels: config.catalog.levels, codesPerLevel: config.catalog.codesPerLevel });
  const source = config.catalog.path ?? BUILTIN_CATALOG;
  const files = [source, config.catalog.metadataPath];
  const dir = config.titles?.indexCacheDir;
  const stamps = dir === false ? "" : fileStamps(files); // before loading: a later change shows
  const { catalog, skipped, loadMs, metadata } = await loadCatalog(source, layout, { metadataPath: config.catalog.metadataPath });
  const cache = dir === false ? undefined : { dir: dir ?? defaultCacheDir(), files, stamps };
  return new OpenedCatalog(catalog, source, config.catalog.path === null, skipped, loadMs, metadata, cache);
}

/** Size, modification time and inode of each file: any edit or replacement changes them. */
function fileStamps(files: readonly (string | null)[]): string {
  return files
    .map((file) => {
      if (!file) return "-";
      try {
        const { size, mtimeMs, ino } = statSync(file);
        return `${size}:${mtimeMs}:${ino}`;
      } catch {
        return "?";
      }
    })
    .join(" ");
}
