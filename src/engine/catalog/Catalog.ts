import type { SidLayout } from "../sid/SidLayout.js";

/** One product of the catalog. */
export interface CatalogItem {
  /** Position among the catalog's valid rows, in file order. */
  readonly index: number;
  /** Canonical SID string. */
  readonly sid: string;
  /** One code per level. */
  readonly codes: readonly number[];
  readonly title: string;
  /** Platform name when the file has a platform column or the title names one. */
  readonly platform: string | undefined;
  /** Extra columns of the row, kept as they were read. */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** Items sharing the first `depth` levels of a SID, as the seed's prefix fallback sees them. */
export interface PrefixGroup {
  readonly depth: number;
  /** The group's first item in file order (what the seed shows). */
  readonly first: CatalogItem;
  readonly count: number;
}

/** A range of positions in SID order. */
interface SidRange {
  start: number;
  end: number;
}

export interface NewCatalogItem {
  sid: string;
  codes: readonly number[];
  title: string;
  platform?: string | undefined;
  meta?: Record<string, unknown>;
}

/**
 * In-memory catalog: exact lookup by SID string in O(1), prefix groups per depth by binary search
 * over the SID-sorted keys (typed arrays, no object per group), and neighbours by walking that order. Build it with {@link loadCatalog} or
 * `new Catalog(layout, items)`; items must have unique SIDs valid for `layout`.
 */
export class Catalog {
  readonly items: readonly CatalogItem[];
  private readonly bySid = new Map<string, CatalogItem>();
  /** Item indices sorted by packed codes. */
  private readonly sorted: Int32Array;
  private readonly keys: Float64Array;
  /** Packed codes in SID order (`keys` of `sorted`). */
  private readonly sortedKeys: Float64Array;
  /** firstAt[d][p]: the smallest file index of the depth-d group that starts at sorted position p. */
  private readonly firstAt: Int32Array[] = [];

  constructor(
    readonly layout: SidLayout,
    items: readonly NewCatalogItem[],
  ) {
    this.items = items.map((it, index) =>
      Object.freeze({ index, sid: it.sid, codes: it.codes, title: it.title, platform: it.platform, meta: it.meta ?? {} }),
    );
    for (const item of this.items) {
      if (this.bySid.has(item.sid)) throw new RangeError(`duplicate SID ${item.sid}`);
      this.bySid.set(item.sid, item);
    }
    const n = this.items.length;
    this.keys = new Float64Array(n);
    for (const item of this.items) this.keys[item.index] = layout.packCodes(item.codes);
    // Unique SIDs have unique keys: sort the keys natively (no comparator calls), then find each key's item.
    this.sortedKeys = this.keys.slice().sort();
    const indexOfKey = new Map<number, number>();
    this.keys.forEach((key, index) => {
      indexOfKey.set(key, index);
    });
    this.sorted =
      indexOfKey.size === n
        ? Int32Array.from(this.sortedKeys, (key) => indexOfKey.get(key)!)
        : Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => this.keys[a]! - this.keys[b]!);
    this.buildGroups();
  }

  get size(): number {
    return this.items.length;
  }

  /** Exact lookup by canonical SID string. */
  get(sid: string): CatalogItem | undefined {
    return this.bySid.get(sid);
  }

  /** The prefix group of `codes[0..depth)`, or undefined when no item has that prefix. */
  prefixGroup(codes: readonly number[], depth: number): PrefixGroup | undefined {
    const range = this.range(codes, depth);
    if (!range) return undefined;
    return { depth, first: this.items[this.firstAt[depth]![range.start]!]!, count: range.end - range.start };
  }

  /** Number of items whose SID starts with `codes[0..depth)`. */
  countWithPrefix(codes: readonly number[], depth: number): number {
    return this.prefixGroup(codes, depth)?.count ?? 0;
  }

  /** Items whose SID starts with `codes[0..depth)`, in SID order. */
  *withPrefix(codes: readonly number[], depth: number): Generator<CatalogItem> {
    const range = this.range(codes, depth);
    if (!range) return;
    for (let i = range.start; i < range.end; i++) yield this.items[this.sorted[i]!]!;
  }

  /** Items in SID order (what a prefix trie walks). */
  *inSidOrder(): Generator<CatalogItem> {
    for (const i of this.sorted) yield this.items[i]!;
  }

  /**
   * Up to `k` other items sharing the longest prefix with `codes`, nearest first: deeper shared
   * prefix first, then smallest difference at the first differing level. `codes` need not be in
   * the catalog (a generated SID's neighbours are its closest real items).
   */
  neighbours(codes: readonly number[], k: number): CatalogItem[] {
    if (k <= 0 || this.items.length === 0) return [];
    const selfKey = this.layout.packCodes(codes);
    const self = this.bySid.get(this.layout.format(codes));
    const out: CatalogItem[] = [];
    // Insertion point of selfKey; the window [lo, hi) grows outward from it.
    let lo = this.lowerBound(selfKey);
    let hi = lo;
    for (let depth = this.layout.levels; depth >= 0 && out.length < k; depth--) {
      const range = depth === 0 ? { start: 0, end: this.sorted.length } : this.range(codes, depth);
      if (!range) continue;
      // Take the new members of this depth's range, nearest key first.
      while (out.length < k && (lo > range.start || hi < range.end)) {
        const left = lo > range.start ? selfKey - this.keys[this.sorted[lo - 1]!]! : Infinity;
        const right = hi < range.end ? this.keys[this.sorted[hi]!]! - selfKey : Infinity;
        const item = left <= right ? this.items[this.sorted[--lo]!]! : this.items[this.sorted[hi++]!]!;
        if (item !== self) out.push(item);
      }
    }
    return out;
  }

  /** Sorted positions of the items sharing `codes[0..depth)`, or undefined when there are none. */
  private range(codes: readonly number[], depth: number): SidRange | undefined {
    const { levels, codesPerLevel } = this.layout;
    if (depth < 1 || depth > levels) return undefined;
    // Full keys of a depth-d prefix p fill [p × span, (p + 1) × span).
    const span = codesPerLevel ** (levels - depth);
    const low = this.layout.packCodes(codes, depth) * span;
    if (!Number.isInteger(low)) return undefined;
    const start = this.lowerBound(low);
    if (start >= this.sortedKeys.length || this.sortedKeys[start]! >= low + span) return undefined;
    return { start, end: this.lowerBound(low + span) };
  }

  private lowerBound(key: number): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedKeys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The smallest file index of each group, at the group's first sorted position, per depth. */
  private buildGroups(): void {
    const { levels, codesPerLevel } = this.layout;
    for (let depth = 1; depth <= levels; depth++) {
      const span = codesPerLevel ** (levels - depth);
      const firstAt = new Int32Array(this.sorted.length);
      let start = 0;
      let group = -1;
      for (let pos = 0; pos < this.sorted.length; pos++) {
        const index = this.sorted[pos]!;
        const key = Math.floor(this.sortedKeys[pos]! / span);
        if (pos === 0 || key !== group) {
          start = pos;
          group = key;
          firstAt[start] = index;
        } else if (index < firstAt[start]!) firstAt[start] = index;
      }
      this.firstAt[depth] = firstAt;
    }
  }
}
