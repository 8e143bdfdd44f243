/**
 * The catalog as the model needs it: every SID's codes, in SID order, in one typed array
 * (2 bytes a code). It is what the model's child process gets from the bot instead of a second
 * copy of the catalog: no titles, no metadata, no per-item objects.
 */
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import type { SidLayout } from "../sid/SidLayout.js";

export class SidCodes {
  /** `codes` holds `layout.levels` codes per SID, SIDs in ascending code order. */
  constructor(
    readonly layout: SidLayout,
    readonly codes: Uint16Array,
  ) {}

  static fromCatalog(catalog: Catalog): SidCodes {
    const levels = catalog.layout.levels;
    const codes = new Uint16Array(catalog.size * levels);
    let at = 0;
    for (const item of catalog.inSidOrder()) {
      codes.set(item.codes, at);
      at += levels;
    }
    return new SidCodes(catalog.layout, codes);
  }

  get size(): number {
    return this.codes.length / this.layout.levels;
  }

  code(index: number, level: number): number {
    return this.codes[index * this.layout.levels + level]!;
  }

  codesAt(index: number): number[] {
    const levels = this.layout.levels;
    return Array.from(this.codes.subarray(index * levels, (index + 1) * levels));
  }

  /** Position of the SID with these codes (binary search), or -1. */
  indexOf(codes: readonly number[]): number {
    const levels = this.layout.levels;
    if (codes.length !== levels) return -1;
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      let order = 0;
      for (let level = 0; level < levels && order === 0; level++) order = this.code(mid, level) - codes[level]!;
      if (order === 0) return mid;
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** The SID-only items behind SIDs (unknown ones dropped). */
  itemsOf(sids: readonly string[]): CatalogItem[] {
    return sids.flatMap((sid) => {
      const parsed = this.layout.parse(sid);
      const index = parsed.ok ? this.indexOf(parsed.codes) : -1;
      return index < 0 ? [] : [this.item(index)];
    });
  }

  /** The item at `index` as far as SIDs know it: its codes and SID, no title or metadata. */
  item(index: number): CatalogItem {
    const codes = this.codesAt(index);
    return { index, sid: this.layout.format(codes), codes, title: "", platform: undefined, meta: {} };
  }
}
