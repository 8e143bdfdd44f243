import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import { findPlatforms, platformByName, type Platform, type PlatformFamily } from "./platforms.js";
import { titleTerms } from "./normalizeTitle.js";
import { TermIndex, type TermIndexData } from "./TermIndex.js";
import { buildTopicIndex, searchTopicIndex, TOPIC_STOP_WORDS } from "./topicIndex.js";

export interface TitleHit {
  item: CatalogItem;
  score: number;
  /** The query equals the title (ignoring case, punctuation and platform words). */
  exact: boolean;
  /** Share of the query's terms found in the title, 0…1. */
  coverage: number;
}

export interface TitleSearchOptions {
  /** Most hits returned. @defaultValue 10 */
  limit?: number;
  /** Prefer items on this platform (and, less, on its family). Platform words in the query count too. */
  platform?: Platform | undefined;
  /** Treat the last term as a prefix, for type-ahead. @defaultValue true */
  prefix?: boolean;
}

const EXACT_BOOST = 3;
const PLATFORM_BOOST = 1.5;
const FAMILY_BOOST = 1.2;

/** What a built index is made of, for the index cache ({@link TitleIndex.snapshot}). */
export interface TitleIndexSnapshot {
  /** Normalised titles without platform words, by item index. */
  bareTitles: string[];
  terms: TermIndexData;
  initials: InitialsTable;
}

/** Initials of title word runs: `keys` sorted; key `i`'s codes (item × 64 + start × 8 + length) at `starts[i]…starts[i + 1]`. */
export interface InitialsTable {
  keys: string[];
  starts: Int32Array;
  codes: Int32Array;
}

// Fields of the title term index.
const NAME = 0;
const PLATFORM = 1;

/**
 * Full-text index over catalog titles: fuzzy and prefix matching, exact-title boost, platform
 * words in the query used as a preference rather than as required terms. Title search runs on a
 * compact term index scored as MiniSearch scores; topic search (titles and metadata) on another,
 * built on first use.
 */
export class TitleIndex {
  private readonly terms: TermIndex;
  /** Normalised titles without platform words, for the exact boost. */
  private readonly bareTitles: string[];
  private readonly families: (PlatformFamily | undefined)[];
  private readonly initials: InitialsTable;
  private topics_?: TermIndex;

  constructor(
    private readonly catalog: Catalog,
    snapshot?: TitleIndexSnapshot,
  ) {
    if (snapshot) {
      this.bareTitles = snapshot.bareTitles;
      this.terms = TermIndex.fromData(snapshot.terms);
      this.initials = snapshot.initials;
    } else {
      // Platform words are a field of their own: "nintendog" must find Nintendogs, not every "Nintendo 3DS" title.
      // The bare terms are already normalised: tokenising their text again gives them back.
      const documents = catalog.items.map((item) => {
        const { bare, platformWords } = splitPlatformWords(item.title);
        return { name: bare.join(" "), fields: [bare, platformWords === "" ? [] : titleTerms(platformWords)] };
      });
      this.bareTitles = documents.map((d) => d.name);
      this.terms = TermIndex.build(
        documents.map((d) => d.fields),
        2,
      );
      // Built with the index so an abbreviation costs one lookup per query.
      this.initials = buildInitials(this.bareTitles);
    }
    this.families = catalog.items.map((item) => (item.platform ? platformByName(item.platform)?.family : undefined));
  }

  /** The built index as plain arrays, for the index cache. */
  snapshot(): TitleIndexSnapshot {
    return { bareTitles: this.bareTitles, terms: this.terms.data, initials: this.initials };
  }

  /** Whether `term` is a word of some title (platform words aside). */
  hasTerm(term: string): boolean {
    return this.terms.has(NAME, term);
  }

  /**
   * Title word runs whose initials are `token` ("acnl" → animal crossing new leaf, "ac2" →
   * assassins creed 2: letters by their first letter, numbers whole). The initials of every run of
   * 2–5 consecutive title words are indexed when the index is built.
   */
  initialsOf(token: string): { item: CatalogItem; words: string[] }[] {
    const { keys, starts, codes } = this.initials;
    const at = lowerBound(keys, token);
    if (keys[at] !== token) return [];
    return Array.from(codes.subarray(starts[at]!, starts[at + 1]!), (code) => {
      const id = Math.floor(code / 64);
      const start = Math.floor((code % 64) / 8);
      const len = code % 8;
      return { item: this.catalog.items[id]!, words: this.bareTitles[id]!.split(" ").slice(start, start + len) };
    });
  }

  /** Best matches for a title query, best first. */
  search(query: string, { limit = 10, platform, prefix = true }: TitleSearchOptions = {}): TitleHit[] {
    const mentioned = findPlatforms(query);
    const wanted = platform ?? mentioned.at(-1)?.platform;
    let terms = bareTerms(query);
    let fields = [NAME];
    if (terms.length === 0) {
      // The query is only a platform name: search that field too.
      terms = titleTerms(query);
      fields = [NAME, PLATFORM];
    }
    if (terms.length === 0) return [];
    const text = terms.join(" ");
    const queryTerms = titleTerms(text);

    const options = {
      fields,
      limit,
      prefix: (term: string, i: number, all: readonly string[]) => prefix && i === all.length - 1 && term.length >= 2,
      boost: (id: number) => this.boost(id, text, wanted),
    };
    const fuzzy = (term: string) => (term.length >= 4 ? 0.2 : false);
    const exactly = () => false as const;
    // Cheapest first: fuzzy matching costs more than an exact search, so it runs only when the
    // words as typed do not all match.
    let results = this.terms.search(queryTerms, { ...options, fuzzy: exactly, combineWith: "AND" });
    if (results.length === 0) results = this.terms.search(queryTerms, { ...options, fuzzy, combineWith: "AND" });
    if (results.length === 0) results = this.terms.search(queryTerms, { ...options, fuzzy, combineWith: "OR" });

    const unique = new Set(terms).size;
    return results.map((r) => ({
      item: this.catalog.items[r.doc]!,
      score: r.score,
      exact: this.bareTitles[r.doc] === text,
      coverage: Math.min(1, r.matched / unique),
    }));
  }

  /**
   * Items matching the topic words of a taste ("I like cozy farming games") in their title or
   * metadata (genre, description…), best first; filler words are ignored.
   */
  searchTopics(text: string, { limit = 10, platform }: TitleSearchOptions = {}): TitleHit[] {
    const terms = bareTerms(text).filter((t) => !TOPIC_STOP_WORDS.has(t));
    if (terms.length === 0) return [];
    const query = terms.join(" ");
    const results = searchTopicIndex(this.topics(), query, limit, (id) => this.boost(id, query, platform));
    const unique = new Set(terms).size;
    return results.map((r) => ({
      item: this.catalog.items[r.doc]!,
      score: r.score,
      exact: false,
      coverage: Math.min(1, r.matched / unique),
    }));
  }

  /** The title and metadata index, built on first use: title search and `find` never need it. */
  private topics(): TermIndex {
    this.topics_ ??= buildTopicIndex(this.catalog, this.bareTitles);
    return this.topics_;
  }

  private boost(id: number, text: string, platform: Platform | undefined): number {
    let boost = this.bareTitles[id] === text ? EXACT_BOOST : 1;
    if (platform) {
      if (this.catalog.items[id]?.platform === platform.name) boost *= PLATFORM_BOOST;
      else if (this.families[id] === platform.family) boost *= FAMILY_BOOST;
    }
    return boost;
  }
}

/** Initials of every run of 2–5 consecutive words among a title's first 8 (letters by first letter, numbers whole). */
function buildInitials(bareTitles: readonly string[]): InitialsTable {
  const map = new Map<string, number[]>();
  for (const [id, title] of bareTitles.entries()) {
    const words = title.split(" ");
    for (let start = 0; start < Math.min(words.length, 8); start++) {
      if (!isLowerLetter(words[start]!.charCodeAt(0))) continue;
      let key = "";
      for (let len = 1; len <= 5 && start + len <= Math.min(words.length, 8); len++) {
        const w = words[start + len - 1]!;
        key += ALL_DIGITS.test(w) ? w : w[0];
        if (len < 2 || key.length > 6) continue;
        const codes = map.get(key);
        const code = id * 64 + start * 8 + len;
        if (codes) codes.push(code);
        else map.set(key, [code]);
      }
    }
  }
  const keys = [...map.keys()].sort();
  const starts = new Int32Array(keys.length + 1);
  keys.forEach((key, i) => {
    starts[i + 1] = starts[i]! + map.get(key)!.length;
  });
  const codes = new Int32Array(starts[keys.length]!);
  keys.forEach((key, i) => {
    codes.set(map.get(key)!, starts[i]!);
  });
  return { keys, starts, codes };
}

const ALL_DIGITS = /^\d+$/;
const isLowerLetter = (code: number) => code >= 97 && code <= 122;

/** First position in sorted `keys` not before `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Title terms with platform words removed ("Halo 3 - Xbox 360" → halo 3). */
export function bareTerms(text: string): string[] {
  return splitPlatformWords(text).bare;
}

function splitPlatformWords(text: string): { bare: string[]; platformWords: string } {
  let rest = text;
  const words: string[] = [];
  for (const m of findPlatforms(text).reverse()) {
    words.push(text.slice(m.start, m.end));
    rest = `${rest.slice(0, m.start)} ${rest.slice(m.end)}`;
  }
  return { bare: titleTerms(rest), platformWords: words.join(" ") };
}
