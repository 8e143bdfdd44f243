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

/** The cache file for the loaded catalog's content, or why there is none. */
export type TitleIndexCacheSource = { dir: string; key: string } | { miss: string };

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
    if ("miss" in cache) {
      this.indexCacheNote = cache.miss;
      return this.build();
    }
    const { key } = cache;
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
export async function openCatalog(config: Pick<Config, "catalog"> & Partial<Pick<Config, "titles">>): Promise<OpenedCatalog> {
  const layout = new SidLayout({ levels: config.catalog.levels, codesPerLevel: config.catalog.codesPerLevel });
  const source = config.catalog.path ?? BUILTIN_CATALOG;
  const files = [source, config.catalog.metadataPath];
  const dir = config.titles?.indexCacheDir;
  // The key hashes the files before they load; a file that changes meanwhile gets no cache entry,
  // which would otherwise file an index of the old content under the new content's key.
  const stamps = dir === false ? "" : fileStamps(files);
  const key = dir === false ? undefined : cacheKey(files, layout);
  const { catalog, skipped, loadMs, metadata } = await loadCatalog(source, layout, { metadataPath: config.catalog.metadataPath });
  let cache: TitleIndexCacheSource | undefined;
  if (dir !== false && key !== undefined) {
    cache =
      "miss" in key
        ? key
        : fileStamps(files) === stamps
          ? { dir: dir ?? defaultCacheDir(), key: key.key }
          : { miss: "the catalog changed while it loaded" };
  }
  return new OpenedCatalog(catalog, source, config.catalog.path === null, skipped, loadMs, metadata, cache);
}

function cacheKey(files: readonly (string | null)[], layout: SidLayout): { key: string } | { miss: string } {
  try {
    return { key: titleIndexCacheKey(files, layout) };
  } catch (error) {
    return { miss: `cannot hash the catalog: ${(error as Error).message}` };
  }
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
