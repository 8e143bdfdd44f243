import { BUILTIN_CATALOG, type Config } from "../../config.js";
import { SidLayout } from "../sid/SidLayout.js";
import { TitleIndex } from "../titles/TitleIndex.js";
import type { Catalog } from "./Catalog.js";
import { loadCatalog, type LoadCatalogResult, type MetadataJoin } from "./loadCatalog.js";

/** A loaded catalog with its title index, built on first use (indexing 66k titles takes most of a second, and `map` never needs it). */
export class OpenedCatalog {
  private titleIndex: TitleIndex | undefined;
  /** Time spent building the title index; 0 until it is built. */
  indexMs = 0;

  constructor(
    readonly catalog: Catalog,
    /** The file that was loaded. */
    readonly source: string,
    readonly builtin: boolean,
    readonly skipped: LoadCatalogResult["skipped"],
    readonly loadMs: number,
    /** The product metadata join (`catalog.metadataPath`), when configured. */
    readonly metadata?: MetadataJoin,
  ) {}

  get titles(): TitleIndex {
    if (!this.titleIndex) {
      const started = performance.now();
      this.titleIndex = new TitleIndex(this.catalog);
      this.indexMs = performance.now() - started;
    }
    return this.titleIndex;
  }
}

/** Loads the configured catalog (or the built-in demo catalog). */
export async function openCatalog(config: Pick<Config, "catalog">): Promise<OpenedCatalog> {
  const layout = new SidLayout({ levels: config.catalog.levels, codesPerLevel: config.catalog.codesPerLevel });
  const source = config.catalog.path ?? BUILTIN_CATALOG;
  const { catalog, skipped, loadMs, metadata } = await loadCatalog(source, layout, { metadataPath: config.catalog.metadataPath });
  return new OpenedCatalog(catalog, source, config.catalog.path === null, skipped, loadMs, metadata);
}
