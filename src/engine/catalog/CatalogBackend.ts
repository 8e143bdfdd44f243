/**
 * Answers without a model: "similar to" from SID-prefix neighbours and same-franchise titles,
 * tastes from title and metadata search, steering by platform. The embedded default and the
 * fallback when the model is missing, failing or too slow.
 */
import type { Task } from "../types.js";
import { platformByName, type Platform } from "../titles/platforms.js";
import { bareTerms, type TitleIndex } from "../titles/TitleIndex.js";
import { DEFAULT_K } from "../prompts/buildUserTurn.js";
import type { Catalog, CatalogItem } from "./Catalog.js";

export interface CatalogAnswer {
  items: CatalogItem[];
  text: string;
}

// Platform names people use for a whole family ("for Xbox" = any Xbox).
const FAMILY_NAMES = new Set(["Xbox", "PlayStation", "Nintendo", "PC"]);

// How far to look through SID neighbours for items on a requested platform.
const NEIGHBOUR_SCAN = 2000;

export class CatalogBackend {
  constructor(
    private readonly catalog: Catalog,
    private readonly titles: TitleIndex,
  ) {}

  answer(task: Task): CatalogAnswer {
    const k = task.k ?? DEFAULT_K;
    const referred = task.items ?? [];
    const avoid = task.avoid ?? [];
    const platform = task.platform ? platformByName(task.platform) : undefined;
    switch (task.kind) {
      case "next":
      case "similar":
        return { items: this.similar(referred, k, platform, avoid), text: "" };
      case "tastes":
        return { items: this.tastes(task.text ?? "", k, platform, [...referred, ...avoid]), text: "" };
      case "explain": {
        const [item] = this.similar(referred, 1, platform, avoid);
        return { items: item ? [item] : [], text: item && referred[0] ? this.explain(referred[0], item) : "" };
      }
      case "bundle":
        return { items: [], text: this.bundleName(referred) };
      case "chat":
        if (task.recommend === false) return { items: [], text: this.explainAll(referred, task.basis ?? []) };
        if (referred.length > 0) return { items: this.similar(referred, k, platform, avoid), text: "" };
        return { items: this.tastes(task.text ?? "", k, platform, [...referred, ...avoid]), text: "" };
      default:
        return task.kind satisfies never;
    }
  }

  /** Nearest items by shared SID prefix, same-franchise titles next, then the rest of the neighbourhood. */
  similar(referred: readonly CatalogItem[], k: number, platform?: Platform, avoid: readonly CatalogItem[] = []): CatalogItem[] {
    if (referred.length === 0) return [];
    const taken = new Set([...referred, ...avoid].map((i) => i.index));
    const titlesTaken = new Set(referred.map((i) => bareTerms(i.title).join(" ")));
    const out: CatalogItem[] = [];
    const offer = (item: CatalogItem) => {
      if (out.length >= k || taken.has(item.index) || !onPlatform(item, platform)) return;
      // The same game in another edition is not a new recommendation.
      const bare = bareTerms(item.title).join(" ");
      if (titlesTaken.has(bare)) return;
      taken.add(item.index);
      titlesTaken.add(bare);
      out.push(item);
    };
    const scan = platform ? NEIGHBOUR_SCAN : Math.max(k * 20, 200);
    const neighbours = referred.map((item) => this.catalog.neighbours(item.codes, scan));
    // Close relatives first: items sharing at least two levels with a referred item.
    for (const [i, list] of neighbours.entries()) {
      for (const item of list) if (sharedLevels(item, referred[i]!) >= 2) offer(item);
    }
    for (const item of referred) for (const hit of this.franchise(item)) offer(hit);
    // Then the neighbourhood: deeper shared prefix first, then shared genre tags, then SID distance.
    for (const [i, list] of neighbours.entries()) {
      const tags = tagsOf(referred[i]!);
      const ranked = list.map((item, order) => ({ item, order, shared: sharedLevels(item, referred[i]!), overlap: overlap(tags, tagsOf(item)) }));
      ranked.sort((a, b) => b.shared - a.shared || b.overlap - a.overlap || a.order - b.order);
      for (const { item } of ranked) offer(item);
    }
    return out;
  }

  /** Items whose title or metadata match the words of a taste ("cozy farming games"). */
  tastes(text: string, k: number, platform: Platform | undefined, exclude: readonly CatalogItem[]): CatalogItem[] {
    const skip = new Set(exclude.map((i) => i.index));
    const hits = this.titles.searchTopics(text, { limit: k * 10, platform });
    return hits
      .map((h) => h.item)
      .filter((item) => !skip.has(item.index) && onPlatform(item, platform))
      .slice(0, k);
  }

  private franchise(item: CatalogItem): CatalogItem[] {
    // The first word or two name the series ("halo", "mario kart"); numbers are sequels.
    const terms = bareTerms(item.title)
      .slice(0, 2)
      .filter((t) => !/^\d+$/.test(t));
    if (terms.length === 0) return [];
    const name = terms.join(" ");
    return this.titles.search(name, { limit: 20, prefix: false }).filter((h) => h.coverage === 1).map((h) => h.item);
  }

  /** Why each answered item relates to what the answer was based on. */
  private explainAll(answered: readonly CatalogItem[], basis: readonly CatalogItem[]): string {
    const from = basis[0];
    if (!from) return answered.map((item) => `${item.title} sits in a group of ${this.catalog.countWithPrefix(item.codes, 2)} closely related games in the catalog.`).join("\n");
    return answered.map((item) => this.explain(from, item)).join("\n");
  }

  private explain(from: CatalogItem, to: CatalogItem): string {
    const shared = sharedLevels(from, to);
    const why =
      shared > 0
        ? `its semantic ID shares the first ${shared} level${shared === 1 ? "" : "s"} with ${from.title}, so the catalog groups them together`
        : `it is the closest match the catalog has to ${from.title}`;
    return `If you liked ${from.title}, try ${to.title}: ${why}.`;
  }

  private bundleName(items: readonly CatalogItem[]): string {
    if (items.length === 0) return "";
    const platforms = new Set(items.map((i) => i.platform).filter(Boolean));
    const platform = platforms.size === 1 ? `${[...platforms][0]} ` : "";
    const genres = new Set(items.map((i) => i.meta.genre).filter((g): g is string => typeof g === "string"));
    const genre = genres.size === 1 ? `${[...genres][0]} ` : "";
    const names = items.map((i) => i.title.replace(/\s*-\s*[^-]*$/, "").trim());
    return `${platform}${genre}Collection: ${names.join(", ")}`;
  }
}

/** Comma-separated metadata words (e.g. genre "racing, kart") as a set, for likeness beyond the SID. */
function tagsOf(item: CatalogItem): Set<string> {
  const genre = item.meta.genre ?? item.meta.genres ?? item.meta.categories;
  const text = Array.isArray(genre) ? genre.join(",") : typeof genre === "string" ? genre : "";
  return new Set(text.toLowerCase().split(/[,;|]/).map((t) => t.trim()).filter(Boolean));
}

function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const tag of a) if (b.has(tag)) n++;
  return n;
}

function sharedLevels(a: CatalogItem, b: CatalogItem): number {
  let n = 0;
  while (n < a.codes.length && a.codes[n] === b.codes[n]) n++;
  return n;
}

/** True when the item is on the platform, or on its family when a family name was asked ("Xbox"). */
export function onPlatform(item: CatalogItem, platform: Platform | undefined): boolean {
  if (!platform) return true;
  if (!item.platform) return false;
  if (item.platform === platform.name) return true;
  return FAMILY_NAMES.has(platform.name) && platformByName(item.platform)?.family === platform.family;
}
