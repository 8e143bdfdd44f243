/**
 * Answers without a model: "similar to" from shared SID prefixes (deeper = closer), then the
 * franchise and title words, then shared tags or categories; tastes from title and metadata
 * search; steering by platform. The embedded default and the fallback when the model is missing,
 * failing or too slow.
 *
 * Code numbers that are merely near each other mean nothing (level k's codes are unordered
 * cluster ids), so an item that shares no level, no title word and no tag with what was asked is
 * never offered: the answer says the catalog has nothing close instead.
 */
import type { Task } from "../types.js";
import { findPlatforms, platformByName, type Platform } from "../titles/platforms.js";
import { bareTerms, type TitleIndex } from "../titles/TitleIndex.js";
import { DEFAULT_K } from "../prompts/buildUserTurn.js";
import type { Catalog, CatalogItem } from "./Catalog.js";
import { platformsOf } from "./itemPlatforms.js";
import { productOf, specificCategories } from "./productMetadata.js";

export interface CatalogAnswer {
  items: CatalogItem[];
  text: string;
  /** What the person should know about this answer: how sure it is, or that nothing is close. */
  notices: string[];
}

/** Whether the request's sub-catalog lets an item through. */
export type Admits = (item: CatalogItem) => boolean;
const everything: Admits = () => true;

// Said of an answer the request's filter (an operator list) narrowed: the catalog has more than it may offer.
const FILTERED = " that the current filter allows";

// How many prefix relatives of one asked item to weigh (more on a platform, where most are filtered out).
const RELATIVES_SCAN = 400;
const PLATFORM_RELATIVES_SCAN = 4000;
// Word and tag matches from the title index to weigh.
const WORD_CANDIDATES = 200;

/** How one candidate relates to an asked item; compared field by field, first field first. */
interface Likeness {
  /** SID levels shared from the first (0 … levels). */
  shared: number;
  /** Same series: the asked item's first significant title word(s) start this title too. */
  franchise: boolean;
  /** Significant title words in common. */
  words: string[];
  /** Genre tags or specific metadata categories in common. */
  tags: string[];
}

export class CatalogBackend {
  constructor(
    private readonly catalog: Catalog,
    private readonly titles: TitleIndex,
  ) {}

  /** Answers `task` with items `admits` lets through (the request's sub-catalog; every item when absent). */
  answer(task: Task, admits: Admits = everything): CatalogAnswer {
    const k = task.k ?? DEFAULT_K;
    const referred = task.items ?? [];
    const avoid = task.avoid ?? [];
    const platform = task.platform ? platformByName(task.platform) : undefined;
    switch (task.kind) {
      case "next":
      case "similar":
        return this.similarAnswer(referred, k, platform, avoid, admits);
      case "tastes":
        return this.tastesAnswer(task.text ?? "", k, platform, [...referred, ...avoid], admits);
      case "explain": {
        const found = this.similarAnswer(referred, 1, platform, avoid, admits);
        const [item] = found.items;
        return { items: found.items, text: item && referred[0] ? this.explain(referred, item) : "", notices: found.notices };
      }
      case "bundle":
        return { items: [], text: this.bundleName(referred), notices: [] };
      case "chat":
        if (task.recommend === false) return { items: [], text: this.explainAll(referred, task.basis ?? []), notices: [] };
        if (referred.length > 0) return this.similarAnswer(referred, k, platform, avoid, admits);
        return this.tastesAnswer(task.text ?? "", k, platform, [...referred, ...avoid], admits);
      default:
        return task.kind satisfies never;
    }
  }

  /** Items like the referred ones, closest first (see {@link similarAnswer}). */
  similar(referred: readonly CatalogItem[], k: number, platform?: Platform, avoid: readonly CatalogItem[] = []): CatalogItem[] {
    return this.similarAnswer(referred, k, platform, avoid).items;
  }

  /**
   * Items like the referred ones: deeper shared SID prefix first; within a depth, same franchise,
   * then more shared title words, then more shared tags. Items sharing nothing are left out, and
   * the notices say when the list is short, loose or empty.
   */
  similarAnswer(
    referred: readonly CatalogItem[],
    k: number,
    platform?: Platform,
    avoid: readonly CatalogItem[] = [],
    admits: Admits = everything,
  ): CatalogAnswer {
    if (referred.length === 0) return { items: [], text: "", notices: [] };
    const taken = new Set([...referred, ...avoid].map((i) => i.index));
    const best = new Map<number, { item: CatalogItem; like: Likeness; order: number }>();
    let order = 0;
    // Whether the request's filter (beyond the platform) took out a candidate: the notices then blame it, not the catalog.
    let filtered = false;
    const weigh = (item: CatalogItem) => {
      if (taken.has(item.index) || best.has(item.index) || !onPlatform(item, platform)) return;
      if (!admits(item)) {
        filtered = true;
        return;
      }
      const like = referred.map((r) => likeness(r, item)).sort(compareLikeness)[0]!;
      if (isRelated(like)) best.set(item.index, { item, like, order: order++ });
    };
    const scan = platform || admits !== everything ? PLATFORM_RELATIVES_SCAN : Math.max(RELATIVES_SCAN, k * 40);
    for (const r of referred) {
      let seen = 0;
      // Deepest group first; each shallower group adds its new members.
      for (let depth = this.catalog.layout.levels - 1; depth >= 1 && seen < scan; depth--) {
        for (const item of this.catalog.withPrefix(r.codes, depth)) {
          if (seen++ >= scan) break;
          weigh(item);
        }
      }
      const words = [...significantWords(r.title), ...tagsOf(r)].join(" ");
      if (words) for (const hit of this.titles.searchTopics(words, { limit: WORD_CANDIDATES, platform })) weigh(hit.item);
    }
    const ranked = [...best.values()].sort((a, b) => compareLikeness(a.like, b.like) || a.order - b.order);
    // The same game in another edition is not a new recommendation.
    const games = new Set(referred.map(gameKey));
    const items: CatalogItem[] = [];
    const likes: Likeness[] = [];
    for (const { item, like } of ranked) {
      if (items.length >= k) break;
      const key = gameKey(item);
      if (games.has(key)) continue;
      games.add(key);
      items.push(item);
      likes.push(like);
    }
    return { items, text: "", notices: this.similarNotices(referred, items, likes, k, platform, filtered) };
  }

  private similarNotices(
    referred: readonly CatalogItem[],
    items: readonly CatalogItem[],
    likes: readonly Likeness[],
    k: number,
    platform: Platform | undefined,
    filtered: boolean,
  ): string[] {
    const asked = listTitles(referred.map((r) => shortTitle(r.title)));
    const where = `${platform ? ` on ${platform.name}` : ""}${filtered ? FILTERED : ""}`;
    if (items.length === 0) {
      const what = filtered ? `Nothing in the catalog${FILTERED}` : "Nothing in the catalog";
      return [
        `${what} is close to ${asked}${platform ? ` on ${platform.name}` : ""}: no game shares its semantic-ID group, ` +
          `its series or its title words.`,
      ];
    }
    const notices: string[] = [];
    if (likes.every((l) => l.shared === 0)) {
      notices.push(
        `No game${where} shares a semantic-ID group with ${asked}; these only share its series, title words ` +
          `or tags, so they are a loose match.`,
      );
    } else if (likes.every((l) => l.shared <= 1 && !l.franchise && l.words.length === 0)) {
      notices.push(`These share only the broadest semantic-ID group with ${asked}, so they are a loose match.`);
    }
    if (items.length < k)
      notices.push(
        `Only ${items.length} game${items.length === 1 ? " is" : "s are"} close enough to ${asked}${where}; I left out unrelated ones.`,
      );
    return notices;
  }

  /** Items whose title or metadata match the words of a taste ("cozy farming games"). */
  tastes(text: string, k: number, platform: Platform | undefined, exclude: readonly CatalogItem[]): CatalogItem[] {
    return this.tastesAnswer(text, k, platform, exclude).items;
  }

  /**
   * Title and metadata search for the taste's words; when fewer than `k` match, the best match's
   * close SID relatives fill in. The notices say how sure the answer is: titles only, some of
   * the words, or nothing.
   */
  tastesAnswer(
    text: string,
    k: number,
    platform: Platform | undefined,
    exclude: readonly CatalogItem[],
    admits: Admits = everything,
  ): CatalogAnswer {
    const skip = new Set(exclude.map((i) => i.index));
    const games = new Set(exclude.map(gameKey));
    const items: CatalogItem[] = [];
    let filtered = false;
    const offer = (item: CatalogItem) => {
      if (items.length >= k || skip.has(item.index) || !onPlatform(item, platform)) return false;
      if (!admits(item)) {
        filtered = true;
        return false;
      }
      const key = gameKey(item);
      if (games.has(key)) return false;
      games.add(key);
      items.push(item);
      return true;
    };
    // A narrow sub-catalog filters most hits out: look further.
    const hits = this.titles.searchTopics(text, { limit: admits === everything ? k * 10 : k * 50, platform });
    let coverage = 0;
    for (const hit of hits) if (offer(hit.item)) coverage = Math.max(coverage, hit.coverage);
    const found = items.length;
    // Too few: the matches' close relatives (two shared levels or more) are the next best guess.
    for (const anchor of items.slice(0, found)) {
      for (let depth = this.catalog.layout.levels - 1; depth >= 2 && items.length < k; depth--) {
        for (const item of this.catalog.withPrefix(anchor.codes, depth)) if (offer(item) && items.length >= k) break;
      }
    }
    const notices: string[] = [];
    const where = `${platform ? ` on ${platform.name}` : ""}${filtered ? FILTERED : ""}`;
    if (found === 0) {
      notices.push(
        `Nothing in the catalog${where} matches those ` +
          `words${this.describedShare() === 0 ? " (it only has titles, no genres or descriptions)" : ""}.`,
      );
    } else {
      const described = items.slice(0, found).some((i) => tagsOf(i).length > 0 || productOf(i) !== undefined);
      if (!described)
        notices.push("Matched on title words only (this catalog has no genres or descriptions), so treat these as a rough guess.");
      else if (coverage < 1) notices.push("These match only some of your words, so treat them as a rough guess.");
      if (items.length < k) notices.push(`Only ${items.length} game${items.length === 1 ? " matches" : "s match"} those words${where}.`);
      if (items.length > found)
        notices.push(
          `${items.length - found} of these ${items.length === 1 ? "is" : "are"} close semantic-ID relatives ` +
            `of the matches rather than matches themselves.`,
        );
    }
    return { items, text: "", notices };
  }

  /** Share of items with genre tags or joined metadata, sampled. */
  private describedShare(): number {
    const step = Math.max(1, Math.floor(this.catalog.size / 200));
    let described = 0;
    let seen = 0;
    for (let i = 0; i < this.catalog.size; i += step, seen++) {
      const item = this.catalog.items[i]!;
      if (tagsOf(item).length > 0 || productOf(item)) described++;
    }
    return seen ? described / seen : 0;
  }

  /** Why each answered item relates to what the answer was based on. */
  private explainAll(answered: readonly CatalogItem[], basis: readonly CatalogItem[]): string {
    if (basis.length === 0) return answered.map((item) => this.describeAlone(item)).join("\n");
    return answered.map((item) => this.explain(basis, item)).join("\n");
  }

  /** An item picked for words of a request: what it is and its closest relatives. */
  private describeAlone(item: CatalogItem): string {
    const tags = tagsOf(item).slice(0, 3);
    const group = this.catalog.countWithPrefix(item.codes, 2);
    const relatives = [...this.catalog.withPrefix(item.codes, 2)]
      .filter((i) => i.index !== item.index && gameKey(i) !== gameKey(item))
      .slice(0, 2);
    const what = tags.length
      ? `it is ${listTitles(tags)}${item.platform ? ` on ${item.platform}` : ""}`
      : item.platform
        ? `it is on ${item.platform}`
        : "it matched the words you asked for";
    const kin = relatives.length
      ? `; the catalog groups it with ${listTitles(relatives.map((r) => shortTitle(r.title)))} (${group} ` +
        `games share its first two semantic-ID levels)`
      : "";
    return `${item.title}: ${what}${kin}.`;
  }

  /** "If you liked A, try B: …" with what B shares with the asked item it is most like. */
  private explain(basis: readonly CatalogItem[], to: CatalogItem): string {
    const [from, like] = basis.map((b) => [b, likeness(b, to)] as const).sort((a, b) => compareLikeness(a[1], b[1]))[0]!;
    const reasons: string[] = [];
    if (like.shared > 0) {
      const count = this.catalog.countWithPrefix(from.codes, like.shared);
      const levels =
        like.shared === 1 ? "the first semantic-ID level" : `the first ${NUMBER_WORDS[like.shared] ?? like.shared} semantic-ID levels`;
      reasons.push(`${LEVEL_WORDS[Math.min(like.shared, LEVEL_WORDS.length - 1)]} (they share ${levels}, a group of ${count} games)`);
    }
    const series = like.franchise ? like.words.slice(0, 2).join(" ") : "";
    if (series) reasons.push(`both are ${titleCase(series)} games`);
    else if (like.words.length) reasons.push(`their titles share ${quoteList(like.words)}`);
    if (from.platform && from.platform === to.platform) reasons.push(`both are on ${from.platform}`);
    if (like.tags.length) reasons.push(`both are ${listTitles(like.tags.slice(0, 3))}`);
    const why = reasons.length
      ? reasons.join("; ")
      : `it shares no semantic-ID group, series or title words with ${shortTitle(from.title)}, so it is only a loose pick`;
    return `If you liked ${shortTitle(from.title)}, try ${to.title}: ${why}.`;
  }

  /** "Xbox 360 Racing Collection — three racing games for Xbox 360: Forza Motorsport 2, NASCAR '14 and Need for Speed Carbon." */
  private bundleName(items: readonly CatalogItem[]): string {
    if (items.length === 0) return "";
    const platform = commonPlatform(items);
    const theme = sharedTheme(items);
    const shared = items.length > 1 ? Math.min(...items.slice(1).map((i) => sharedLevelCount(items[0]!, i))) : 0;
    const name = [platform, theme ? titleCase(theme) : platform ? undefined : shared >= 2 ? "Kindred" : "Mixed", "Collection"]
      .filter(Boolean)
      .join(" ");
    const count = NUMBER_WORDS[items.length] ?? String(items.length);
    const kind = theme ? `${theme} game${items.length === 1 ? "" : "s"}` : `game${items.length === 1 ? "" : "s"}`;
    const where = platform ? ` for ${platform}` : "";
    const kin = !theme && shared >= 1 ? ` from one semantic-ID group` : "";
    return `${name} — ${count} ${kind}${where}${kin}: ${listTitles(items.map((i) => shortTitle(i.title)))}.`;
  }
}

const LEVEL_WORDS = [
  "",
  "the catalog puts them in the same broad group",
  "the catalog puts them in the same close group",
  "the catalog treats them as versions of nearly the same product",
  "the catalog treats them as the same product",
];
const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

// Words that say nothing about a game: edition labels, store words, fillers.
const EDITION_WORDS = new Set(
  (
    "limited legendary collectors collector deluxe ultimate complete standard special edition goty year " +
    "greatest hits platinum players choice download online code digital bundle pack version physical"
  ).split(" "),
);
// Fillers, and words too common in game titles to link two games by themselves.
const FILLER_WORDS = new Set(
  (
    "the a an of and or for in on to with game games vs new super world hd remastered remaster " +
    "collection series set kit official one two three"
  ).split(" "),
);

/** Title words that can link two games (no platform, edition or filler words, no bare numbers). */
function significantWords(title: string): string[] {
  return [...new Set(bareTerms(title).filter((t) => !EDITION_WORDS.has(t) && !FILLER_WORDS.has(t) && !/^\d+$/.test(t) && t.length > 1))];
}

/** One game across editions and platforms: its bare title without edition words. */
export function gameKey(item: CatalogItem): string {
  return bareTerms(item.title)
    .filter((t) => !EDITION_WORDS.has(t) && t !== "of" && t !== "the")
    .join(" ");
}

function likeness(from: CatalogItem, to: CatalogItem): Likeness {
  const fromWords = significantWords(from.title);
  const toWords = new Set(significantWords(to.title));
  const words = fromWords.filter((w) => toWords.has(w));
  // The series: the first one or two significant words, all present in the other title.
  const head = fromWords.slice(0, fromWords.length > 2 ? 2 : 1);
  const franchise = head.length > 0 && head.every((w) => toWords.has(w));
  const toTags = new Set(tagsOf(to));
  return { shared: sharedLevelCount(from, to), franchise, words, tags: tagsOf(from).filter((t) => toTags.has(t)) };
}

/** Negative when `a` is the closer likeness. */
function compareLikeness(a: Likeness, b: Likeness): number {
  return (
    b.shared - a.shared || Number(b.franchise) - Number(a.franchise) || b.words.length - a.words.length || b.tags.length - a.tags.length
  );
}

function isRelated(like: Likeness): boolean {
  return like.shared > 0 || like.franchise || like.words.length > 0 || like.tags.length > 0;
}

/** Genre tags (e.g. genre "racing, kart") or the joined product's specific categories, lower case; platform names are not tags. */
export function tagsOf(item: CatalogItem): string[] {
  const genre = item.meta.genre ?? item.meta.genres;
  const text = Array.isArray(genre) ? genre.join(",") : typeof genre === "string" ? genre : "";
  const tags = [...text.toLowerCase().split(/[,;|]/), ...specificCategories(item)].map((t) => t.trim()).filter(Boolean);
  return [...new Set(tags.filter((t) => !platformByName(t) && findPlatforms(t).length === 0))];
}

/** What all items have in common for a bundle's name: a series word, else a genre tag or category. */
function sharedTheme(items: readonly CatalogItem[]): string | undefined {
  const [first, ...rest] = items;
  if (!first) return undefined;
  if (rest.length > 0) {
    const series = significantWords(first.title).find((w) => rest.every((i) => significantWords(i.title).includes(w)));
    if (series) return series;
  }
  const tag = tagsOf(first).find((t) => rest.every((i) => tagsOf(i).includes(t)));
  if (tag) return tag;
  // A word every item's tags have ("action" in "action" and "action rpg").
  const words = (i: CatalogItem) =>
    new Set(
      tagsOf(i)
        .flatMap((t) => t.split(/\s+/))
        .filter((w) => w.length > 2 && !FILLER_WORDS.has(w)),
    );
  const firstWords = [...words(first)];
  const restWords = rest.map(words);
  return firstWords.find((w) => restWords.every((s) => s.has(w)));
}

const FAMILY_LABELS: Readonly<Record<string, string>> = { xbox: "Xbox", playstation: "PlayStation", nintendo: "Nintendo", sega: "Sega" };

/** The one platform of all items ("Xbox 360"), else their one family ("PlayStation"), else undefined. */
function commonPlatform(items: readonly CatalogItem[]): string | undefined {
  const platforms = new Set(items.map((i) => i.platform));
  if (platforms.has(undefined)) return undefined;
  if (platforms.size === 1) return [...platforms][0];
  const families = new Set([...platforms].map((p) => platformByName(p!)?.family));
  const [family] = families;
  return families.size === 1 && family ? FAMILY_LABELS[family] : undefined;
}

export function sharedLevelCount(a: CatalogItem, b: CatalogItem): number {
  let n = 0;
  while (n < a.codes.length && a.codes[n] === b.codes[n]) n++;
  return n;
}

/** A title without its trailing " - Platform" part. */
function shortTitle(title: string): string {
  const short = title.replace(/\s*-\s*[^-]*$/, "").trim();
  return short && findPlatforms(title.slice(short.length)).length > 0 ? short : title;
}

function titleCase(text: string): string {
  return text.replace(/(^|[\s-])(\p{L})/gu, (_, space: string, letter: string) => space + letter.toUpperCase());
}

function listTitles(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function quoteList(words: readonly string[]): string {
  return listTitles(words.map((w) => `“${w}”`));
}

/** True when the item is on the platform, or on its family when a family word was asked ("Xbox"). */
export function onPlatform(item: CatalogItem, platform: Platform | undefined): boolean {
  if (!platform) return true;
  const family = platform.wholeFamily === true;
  return platformsOf(item).some((p) => p === platform || (family && p.family === platform.family));
}
