/**
 * The sub-catalog one request may answer from: the items on the asked platform (see
 * itemPlatforms.ts; a family word means the whole family), on the operator's allow-list when
 * there is one, and not on the deny-list. Built as {@link AllowedItems} over SID order and keyed
 * by a hash of its bits. A new filter is cheap (a few bitset ANDs over `size / 8` bytes): each
 * platform's items are a bitset made once, when the catalog is opened, and each list's once per
 * list version. Filters are also cached by platform and list versions (a few platforms are asked
 * for again and again). The conversation's exclusions are not part of it: they change with every
 * request and travel separately (`exclude`).
 */
import { LRUCache } from "lru-cache";
import type { Platform } from "../titles/platforms.js";
import { allowedItemsFrom, allows, type AllowedItems } from "./AllowedItems.js";
import type { Catalog, CatalogItem } from "./Catalog.js";
import { platformsOf } from "./itemPlatforms.js";
import type { ListSnapshot, OperatorList } from "./OperatorList.js";

export interface OperatorLists {
  allow?: OperatorList | undefined;
  deny?: OperatorList | undefined;
}

/** A request's filter: `allowed` absent means the whole catalog. */
export interface SubCatalog {
  readonly allowed: AllowedItems | undefined;
  /** Whether an operator list narrows it (notices then speak of the filter, not the catalog). */
  readonly listed: boolean;
  /** Whether the filter lets this item through. */
  admits(item: CatalogItem): boolean;
  /** Allowed items left once `exclude` is taken out. */
  remaining(exclude: readonly CatalogItem[]): number;
  /** Why nothing is left, for the answer's notice (see {@link emptyFilterNotice}). */
  readonly cause: () => EmptyCause;
}

/** What leaves a request with nothing: no such platform games, the exclusions, or an operator list. */
export type EmptyCause = "platform" | "exclusions" | "allow-list" | "deny-list";

const DEFAULT_CACHED = 32;

export class SubCatalogs {
  /** SID-order position of each item, by item index. */
  private readonly positionOf: Int32Array;
  private readonly bytes: number;
  /** The items on each platform (as their own platform, not by family), over SID order. */
  private readonly onPlatform = new Map<Platform, Uint8Array>();
  /** The items a family word asks for, made on first use. */
  private readonly onFamily = new Map<string, Uint8Array>();
  /** Each list version's items over SID order (a snapshot object is one version). */
  private readonly listBits = new WeakMap<ListSnapshot, Uint8Array>();
  private readonly cache: LRUCache<string, AllowedItems>;

  constructor(
    private readonly catalog: Catalog,
    private readonly lists: OperatorLists = {},
    maxCached = DEFAULT_CACHED,
  ) {
    this.cache = new LRUCache({ max: maxCached });
    this.positionOf = new Int32Array(catalog.size);
    this.bytes = (catalog.size + 7) >> 3;
    let position = 0;
    for (const item of catalog.inSidOrder()) {
      for (const platform of platformsOf(item)) this.bitsOn(platform)[position >> 3]! |= 1 << (position & 7);
      this.positionOf[item.index] = position++;
    }
  }

  /** The filter for a request on `platform` (none: any platform), with the operator lists as they are now. */
  forRequest(platform: Platform | undefined): SubCatalog {
    const allow = this.lists.allow?.current();
    const deny = this.lists.deny?.current();
    const allowed = platform || allow || deny ? this.build(platform, allow, deny) : undefined;
    const admits = (item: CatalogItem) => !allowed || allows(allowed, this.positionOf[item.index]!);
    const remaining = (exclude: readonly CatalogItem[]) => {
      const excluded = new Set(exclude.filter(admits).map((item) => item.index));
      return (allowed?.count ?? this.catalog.size) - excluded.size;
    };
    const cause = (): EmptyCause => {
      if (!allowed || allowed.count > 0) return "exclusions";
      if (platform && this.build(platform, undefined, undefined).count === 0) return "platform";
      if (allow && this.build(platform, allow, undefined).count === 0) return "allow-list";
      return deny ? "deny-list" : "platform";
    };
    return { allowed, listed: allow !== undefined || deny !== undefined, admits, remaining, cause };
  }

  /** The position of `item` in SID order (the bit that stands for it). */
  position(item: CatalogItem): number {
    return this.positionOf[item.index]!;
  }

  private build(platform: Platform | undefined, allow: ListSnapshot | undefined, deny: ListSnapshot | undefined): AllowedItems {
    const name = `platform=${platform?.name ?? "*"};allow=${allow?.version ?? "*"};deny=${deny?.version ?? "*"}`;
    const cached = this.cache.get(name);
    if (cached) return cached;
    const bits = platform ? this.platformBits(platform).slice() : this.everything();
    if (allow) {
      const listed = this.bitsOf(allow);
      for (let i = 0; i < bits.length; i++) bits[i]! &= listed[i]!;
    }
    if (deny) {
      const listed = this.bitsOf(deny);
      for (let i = 0; i < bits.length; i++) bits[i]! &= ~listed[i]!;
    }
    const allowed = allowedItemsFrom(bits);
    this.cache.set(name, allowed);
    return allowed;
  }

  /** The items a request for `platform` may have: its own, or its whole family's for a family word. */
  private platformBits(platform: Platform): Uint8Array {
    if (!platform.wholeFamily) return this.onPlatform.get(platform) ?? new Uint8Array(this.bytes);
    let bits = this.onFamily.get(platform.family);
    if (!bits) {
      bits = new Uint8Array(this.bytes);
      for (const [member, on] of this.onPlatform) {
        if (member.family !== platform.family) continue;
        for (let i = 0; i < bits.length; i++) bits[i]! |= on[i]!;
      }
      this.onFamily.set(platform.family, bits);
    }
    return bits;
  }

  private bitsOn(platform: Platform): Uint8Array {
    let bits = this.onPlatform.get(platform);
    if (!bits) {
      bits = new Uint8Array(this.bytes);
      this.onPlatform.set(platform, bits);
    }
    return bits;
  }

  /** Every item's bit set (none past the last item). */
  private everything(): Uint8Array {
    const bits = new Uint8Array(this.bytes).fill(0xff);
    const spare = this.catalog.size & 7;
    if (spare !== 0) bits[this.bytes - 1] = (1 << spare) - 1;
    return bits;
  }

  private bitsOf(list: ListSnapshot): Uint8Array {
    let bits = this.listBits.get(list);
    if (!bits) {
      bits = new Uint8Array(this.bytes);
      for (const index of list.items) {
        const position = this.positionOf[index];
        if (position !== undefined) bits[position >> 3]! |= 1 << (position & 7);
      }
      this.listBits.set(list, bits);
    }
    return bits;
  }
}

/** What a model answer shorter than asked says when the filter has fewer items left than asked. */
export function fewLeftNotice(left: number, platform: Platform | undefined, listed = false): string {
  const games = `${platform ? `${platform.name} ` : ""}game${left === 1 ? "" : "s"}`;
  const where = listed ? "within the current filter" : "in the catalog";
  return `Only ${left} ${games} ${left === 1 ? "is" : "are"} left ${where} that I haven't already suggested.`;
}

/** What an answer with nothing left says: why, and what the person can do. */
export function emptyFilterNotice(cause: EmptyCause, platform: Platform | undefined, listed = false): string {
  const games = platform ? `${platform.name} games` : "games";
  switch (cause) {
    case "platform":
      return `The catalog has no ${games}, so I can't recommend any — try another platform.`;
    case "exclusions":
      if (listed)
        return `I've already suggested every ${platform ? `${platform.name} game` : "game"} the current filter allows — try ${
          platform ? "another platform" : "asking for something else"
        }.`;
      return platform
        ? `The catalog has no ${games} I haven't already suggested — try another platform.`
        : "I've already suggested everything the catalog has for this — try asking for something else.";
    case "allow-list":
      return platform
        ? `None of the catalog's ${games} are on the operator's allow-list — try another platform.`
        : "The operator's allow-list leaves nothing to recommend right now — ask whoever runs this bot to check it.";
    case "deny-list":
      return platform
        ? `The operator's deny-list leaves no ${games} to recommend — try another platform.`
        : "The operator's deny-list leaves nothing to recommend right now — ask whoever runs this bot to check it.";
    default:
      return cause satisfies never;
  }
}
