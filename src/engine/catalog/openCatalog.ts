import { BUILTIN_CATALOG, type Config } from "../../config.js";
import { SidLayout } from "../sid/SidLayout.js";
import { TitleIndex } from "../titles/TitleIndex.js";
import type { Catalog } from "./Catalog.js";
import { loadCatalog, type LoadCatalogResult } from "./loadCatalog.js";

export interface OpenCatalogResult {
  catalog: Catalog;
  /** Built on first use: indexing 66k titles takes most of a second, and `map` never needs it. */
  readonly titles: TitleIndex;
  /** The file that was loaded. */
  source: string;
  builtin: boolean;
  skipped: LoadCatalogResult["skipped"];
  loadMs: number;
  /** Time spent building the title index; 0 until it is built. */
  indexMs: number;
}

/** Loads the configured catalog (or the built-in demo catalog) and indexes its titles. */
export async function openCatalog(config: Pick<Config, "catalog">): Promise<OpenCatalogResult> {
  const layout = new SidLayout({ levels: config.catalog.levels, codesPerLevel: config.catalog.codesPerLevel });
  const source = config.catalog.path ?? BUILTIN_CATALOG;
  const { catalog, skipped, loadMs } = await loadCatalog(source, layout);
  let titles: TitleIndex | undefined;
  return {
    catalog,
    get titles() {
      const started = performance.now();
      titles ??= new TitleIndex(catalog);
      this.indexMs ||= performance.now() - started;
      return titles;
    },
    source,
    builtin: config.catalog.path === null,
    skipped,
    loadMs,
    indexMs: 0,
  };
}
