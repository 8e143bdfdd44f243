/**
 * Finds the game a person means inside free text ("something similar to mario kart but for
 * xbox" → Mario Kart, platform Xbox) and says so when it is not confident instead of guessing.
 */
import type { CatalogItem } from "../catalog/Catalog.js";
import { findPlatforms, type Platform } from "./platforms.js";
import { bareTerms, type TitleHit, type TitleIndex } from "./TitleIndex.js";

export type GameResolution =
  | { kind: "found"; item: CatalogItem; query: string; platform?: Platform; alternatives: CatalogItem[] }
  | { kind: "uncertain"; query: string; platform?: Platform; candidates: CatalogItem[] }
  | { kind: "none"; query: string; platform?: Platform };

// Words that introduce a game in a request; the title follows them.
const CUE = new RegExp(
  String.raw`\b(?:similar (?:games? )?to|(?:games?|something|anything|stuff|titles?|ones?|more) like|^like|such ` +
    `as|reminds? me of|fans? of|alternatives? to|based on|i (?:loved|liked|enjoyed|played|finished|beat)` +
    String.raw`|loved|liked|enjoyed|finished)\s+`,
  "gi",
);
// Where the title ends: a "but" or punctuation that ends a clause (a trailing platform is cut after).
const TITLE_END = /\s+but\b|[,;!?]|\.(?:\s|$)/i;
const FILLER_TAIL = /(?:(?:^|\s+)(?:for|on|in|with|games?|please|one|ones|something|the|a|an|and|or))+$/i;
const FILLER_HEAD = /^(?:the (?:game |one )?|a |an |game |games )/i;

const MAX_ALTERNATIVES = 4;

/** The part of `text` that names a game, with platform words and filler trimmed. */
export function extractTitleQuery(text: string): string {
  let span = text.trim();
  let lastCueEnd = -1;
  for (const m of span.matchAll(CUE)) lastCueEnd = m.index + m[0].length;
  if (lastCueEnd >= 0) span = span.slice(lastCueEnd);
  const end = TITLE_END.exec(span);
  if (end && end.index > 0) span = span.slice(0, end.index);
  // A platform at the end ("… for xbox") is steering, not part of the title.
  for (const m of findPlatforms(span).reverse()) {
    if (span.slice(m.end).trim() === "") span = span.slice(0, m.start);
  }
  return span.trim().replace(FILLER_TAIL, "").replace(FILLER_HEAD, "").trim();
}

/** Resolves the game in `text`; confident only when every word of the title query matched. */
export function resolveGame(index: Pick<TitleIndex, "search">, text: string): GameResolution {
  const platform = findPlatforms(text).at(-1)?.platform;
  const query = extractTitleQuery(text);
  const base = platform ? { query, platform } : { query };
  if (query === "") return { kind: "none", ...base };
  const hits = index.search(query, { limit: 1 + MAX_ALTERNATIVES, platform, prefix: false });
  const top = hits.find((h) => isConfident(h, query));
  if (!hits[0]) return { kind: "none", ...base };
  if (top) {
    return {
      kind: "found",
      item: top.item,
      ...base,
      alternatives: hits.filter((h) => h !== top && isConfident(h, query)).map((h) => h.item),
    };
  }
  return { kind: "uncertain", ...base, candidates: hits.slice(0, 3).map((h) => h.item) };
}

function isConfident(hit: TitleHit, query: string): boolean {
  if (hit.exact) return true;
  if (hit.coverage !== 1) return false;
  // MiniSearch's fuzzy match also "covers" near misses ("halo" → "Kalo Drift III"): check the words.
  return coversQuery(query, hit.item);
}

// Edition and packaging words: "Explorer's Edition", "[Download]", "Legendary Edition" name the same game.
export const EDITION_WORDS = new Set(
  (
    "edition editions explorers explorer limited legendary deluxe ultimate collectors collector special " +
    "goty game games year of the complete definitive download digital code standard premium gold " +
    "platinum greatest hits remastered hd launch day one version"
  ).split(" "),
);
const FILLER_TERMS = new Set("the a an game games please one series franchise".split(" "));

/** Whether `terms` are the title's words exactly, edition and filler words aside ("last of us" = "The Last of Us - PlayStation 3"). */
function sameWords(terms: readonly string[], item: CatalogItem): boolean {
  const title = bareTerms(item.title).filter((t) => !FILLER_TERMS.has(t) && !EDITION_WORDS.has(t));
  const wanted = terms.filter((t) => !EDITION_WORDS.has(t));
  return title.length === wanted.length && title.every((t, i) => t === wanted[i]);
}

/** The words of `query` a title must match: filler words aside, and edition words unless the title has them. */
function requiredTerms(query: string, titleTerms: readonly string[]): string[] {
  return bareTerms(query).filter((t) => !FILLER_TERMS.has(t) && (!EDITION_WORDS.has(t) || titleTerms.includes(t)));
}

/** Whether every word of `query` (edition words aside) is in the item's title, allowing small typos that keep the first letter. */
function coversQuery(query: string, item: CatalogItem): boolean {
  const titleTerms = bareTerms(item.title);
  const required = requiredTerms(query, titleTerms);
  if (required.length === 0) return false;
  return required.every((q) => titleTerms.some((t) => termMatches(q, t)));
}

function termMatches(q: string, t: string): boolean {
  if (q === t) return true;
  if (q.length < 4 || q[0] !== t[0]) return false;
  if (t.startsWith(q)) return true;
  // Short words forgive a swapped ("haol") or a missing letter ("sped"), not a different one: "halo" is not "hale".
  if (q.length === 4) {
    if (editDistance(q, t) !== 1) return false;
    return t.length === q.length + 1 || (t.length === q.length && [...q].sort().join("") === [...t].sort().join(""));
  }
  return editDistance(q, t) <= (q.length >= 8 ? 2 : 1);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  // Optimal string alignment: substitutions, insertions, deletions and adjacent swaps ("fozra").
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The edition-free identity of a title: "Halo Reach - Legendary Edition" and "Halo Reach - Limited Edition -Xbox 360" share it. */
export function gameKey(title: string): string {
  const terms = bareTerms(title.replace(/\[[^\]]*\]|\([^)]*\)/g, " "));
  const kept = terms.filter((t) => !EDITION_WORDS.has(t) || t === "the" || t === "of" || t === "game" || t === "year");
  // Trailing edition qualifiers only ("Game of the Year" inside a title stays).
  while (kept.length > 1 && EDITION_WORDS.has(kept.at(-1)!)) kept.pop();
  return kept.join(" ");
}

export type GameFind =
  /** `corrected`: the query's words did not all match the title exactly (a small typo, e.g. "haol"); say so. */
  | { kind: "found"; item: CatalogItem; corrected?: string }
  /** `near`: the candidates are near misses of the words typed (offer them, never substitute). */
  | { kind: "missing"; query: string; candidates: CatalogItem[]; near?: boolean }
  | { kind: "none" };

/**
 * How the words of `query` meet the title's: "exact" when every wanted word is a title word;
 * "mild" when the only differences are short words (≤ 4 letters) with a swapped or missing
 * letter ("haol" → "halo"); otherwise "near" (a changed letter, or a corrected word of 5+ letters).
 */
function matchQuality(query: string, item: CatalogItem): "exact" | "mild" | "near" {
  const titleTerms = bareTerms(item.title);
  const required = requiredTerms(query, titleTerms);
  let quality: "exact" | "mild" | "near" = "exact";
  for (const q of required) {
    if (titleTerms.includes(q)) continue;
    const t = titleTerms.find((x) => termMatches(q, x));
    if (t === undefined) return "near";
    const sameLetters = [...q].sort().join("") === [...t].sort().join("");
    const missingLetter = t.length === q.length + 1 && editDistance(q, t) === 1;
    if (t.length <= 4 && (sameLetters || missingLetter)) quality = "mild";
    else return "near";
  }
  return quality;
}

/**
 * Whether `query` is `item`'s title with one slip: at least two words, every word but one (one in
 * three for long titles) exactly a title word, and each other word a 5+ letter word with the same
 * first letter within one edit (two from 8 letters). One-word queries ("zelda" → "Zelka") and
 * changed short words ("halo" → "hale") stay questions.
 */
export function isClearTypo(query: string, item: CatalogItem): boolean {
  const titleTerms = bareTerms(item.title);
  const required = requiredTerms(query, titleTerms);
  if (required.length < 2) return false;
  let slips = 0;
  for (const q of required) {
    if (titleTerms.includes(q)) continue;
    if (q.length < 5 || /\d/.test(q)) return false;
    if (!titleTerms.some((t) => t[0] === q[0] && t.length >= 5 && editDistance(q, t) <= (q.length >= 8 ? 2 : 1))) return false;
    slips++;
  }
  return slips >= 1 && slips <= Math.max(1, Math.floor(required.length / 3));
}

/**
 * The catalog game a framed title names. Without a cue word the title must match fully (every
 * word of it a title word); with one, a title that does not match is reported missing, with the
 * near misses as candidates — never substituted.
 */
export function findGame(
  index: TitleIndex,
  query: string,
  cue: boolean,
  isTaste: (term: string) => boolean = () => false,
  expand = true,
): GameFind {
  const terms = bareTerms(query).filter((t) => !FILLER_TERMS.has(t));
  // Only platform or filler words: no title.
  if (terms.length === 0) return { kind: "none" };
  const platform = findPlatforms(query).at(-1)?.platform;
  if (terms.every((t) => isTaste(t) || EDITION_WORDS.has(t) || /^\d+$/.test(t))) {
    // Ordinary words only ("the last of us"): a title only when they are the whole title, word for word.
    if (terms.length < 2) return { kind: "none" };
    const whole = index.search(query, { limit: 3, platform, prefix: false }).find((h) => sameWords(terms, h.item));
    return whole ? { kind: "found", item: whole.item } : { kind: "none" };
  }
  if (expand) {
    const abbreviated = fromInitials(index, query, terms, cue, isTaste);
    if (abbreviated) return abbreviated;
  }
  const hits = index.search(query, { limit: 1 + MAX_ALTERNATIVES, platform, prefix: false });
  const covering = hits.filter((h) => isConfident(h, query) || coversQuery(query, h.item));
  const best = covering.find((h) => h.exact || matchQuality(query, h.item) === "exact") ?? covering[0];
  if (best) {
    const quality = best.exact ? "exact" : matchQuality(query, best.item);
    if (quality === "exact") return { kind: "found", item: best.item };
    if (quality === "mild") return { kind: "found", item: best.item, corrected: query };
    // A clear typo of one title ("forza motorspot 2", "tales of vesparia"): every other word exact,
    // the slip small for the word's length, and no other game as close: used, with a notice.
    const rivals = covering.filter((h) => h !== best && gameKey(h.item.title) !== gameKey(best.item.title));
    if (isClearTypo(query, best.item) && !rivals.some((h) => isClearTypo(query, h.item)))
      return { kind: "found", item: best.item, corrected: query };
    // One slip in a title whose other words (two or more) are typed exactly ("need for sped carbon"): used, with a notice.
    const close = closeTypoWinner(query, hits);
    if (close) return { kind: "found", item: close, corrected: query };
    // A near miss ("zelda" → "Zelka"): offered as a question, never used silently.
    const candidates = [best.item, ...covering.filter((h) => h !== best).map((h) => h.item), ...hits.map((h) => h.item)];
    return { kind: "missing", query, candidates: [...new Set(candidates)].slice(0, 3), near: true };
  }
  const close = closeTypoWinner(query, hits);
  if (close) return { kind: "found", item: close, corrected: query };
  // One changed letter in a short word ("crazy taxy 2"): a near miss to ask about, even without a cue.
  const loose = hits.filter((h) => looselyCovers(query, h.item));
  if (loose.length > 0) return { kind: "missing", query, candidates: [...new Set(loose.map((h) => h.item))].slice(0, 3), near: true };
  if (!cue) return { kind: "none" };
  // A candidate must share a real word with the query ("the witcher 3" is not "Halo 3", "ratchet & clank" not "Nintendogs + Cats").
  const related = hits.filter((h) => sharesRealWord(query, h.item));
  return { kind: "missing", query, candidates: related.slice(0, 3).map((h) => h.item) };
}

// Words that relate no two titles: glue, connectors and numbers.
const GLUE_TERMS = new Set("the a an of and or to in on at for with by from vs versus plus n".split(" "));
const realTerms = (text: string) =>
  bareTerms(text).filter(
    (t) =>
      !GLUE_TERMS.has(t) && !FILLER_TERMS.has(t) && !EDITION_WORDS.has(t) && !/^\d+$/.test(t) && !/^[ivx]+$/.test(t) && /[a-z]/.test(t),
  );

/** Whether the query and the title share a word that means something (not a number, glue word or connector). */
export function sharesRealWord(query: string, item: CatalogItem): boolean {
  const title = new Set(realTerms(item.title));
  return realTerms(query).some((t) => title.has(t));
}

/**
 * `query` is `item`'s title with one slip in a word of 4+ letters, every other word (at least two,
 * numbers included) typed exactly: "need for sped carbon", "tails of vesperia", "nights of azur".
 * The slip keeps the first letter and is one edit (two for words of 5+ letters of the same length
 * with the same first two letters). One-word and two-word queries ("halo 4") stay questions.
 */
export function isCloseTypo(query: string, item: CatalogItem): boolean {
  const titleTerms = bareTerms(item.title);
  const required = requiredTerms(query, titleTerms);
  if (required.length < 3) return false;
  const slips = required.filter((q) => !titleTerms.includes(q));
  if (slips.length !== 1) return false;
  const q = slips[0]!;
  if (q.length < 4 || /\d/.test(q)) return false;
  return titleTerms.some((t) => {
    if (t[0] !== q[0] || /\d/.test(t) || t.length < 4) return false;
    const d = editDistance(q, t);
    return d === 1 || (d === 2 && q.length >= 5 && t.length === q.length && t[1] === q[1]);
  });
}

/** The one game (any edition) among `hits` that `query` is a close typo of; none when two games are as close. */
function closeTypoWinner(query: string, hits: readonly TitleHit[]): CatalogItem | undefined {
  const close = hits.filter((h) => isCloseTypo(query, h.item));
  const games = new Set(close.map((h) => gameKey(h.item.title)));
  return games.size === 1 ? close[0]!.item : undefined;
}

// An abbreviation: 2–4 letters, maybe with a number ("fnv", "acnl", "ac2", "dq").
const ABBREVIATION = /^(?=(?:[a-z]\d*){2,4}$)[a-z][a-z\d]*$/;

/**
 * A query with an abbreviated title ("nfs carbon", "dq heroes 2", "acnl"): an unknown short word
 * that is the initials of a run of title words stands for those words. One game → found, said in a
 * notice; several → asked about; none → undefined (the query is searched as typed).
 */
function fromInitials(
  index: TitleIndex,
  query: string,
  terms: readonly string[],
  cue: boolean,
  isTaste: (term: string) => boolean,
): GameFind | undefined {
  const token = terms.find((t) => ABBREVIATION.test(t) && !isTaste(t) && !index.hasTerm(t));
  if (token === undefined) return undefined;
  const others = terms.filter((t) => t !== token);
  const expansions = new Set<string>();
  for (const run of index.initialsOf(token)) {
    const title = new Set(bareTerms(run.item.title));
    // The other words typed must be in that title too ("nfs carbon": carbon).
    // Taste and chat words around it ("acnl vibes") are not title words.
    if (others.every((t) => title.has(t) || EDITION_WORDS.has(t) || isTaste(t))) expansions.add(run.words.join(" "));
    if (expansions.size > 8) break;
  }
  const found = new Map<string, CatalogItem>();
  for (const words of expansions) {
    const expanded = terms
      .map((t) => (t === token ? words : t))
      .filter((t) => t === words || !isTaste(t) || index.hasTerm(t))
      .join(" ");
    const r = findGame(index, expanded, cue, isTaste, false);
    if (r.kind === "found" && !r.corrected && !found.has(gameKey(r.item.title))) found.set(gameKey(r.item.title), r.item);
  }
  const items = [...found.values()];
  if (items.length === 1) return { kind: "found", item: items[0]!, corrected: query };
  if (items.length > 1) return { kind: "missing", query, candidates: items.slice(0, 3), near: true };
  return undefined;
}

/** Every word a title word, but one within one edit of a title word with the same first letter (4+ letters, never a number). */
function looselyCovers(query: string, item: CatalogItem): boolean {
  const titleTerms = bareTerms(item.title);
  const required = requiredTerms(query, titleTerms);
  if (required.length < 2) return false;
  let slips = 0;
  for (const q of required) {
    if (titleTerms.includes(q)) continue;
    if (q.length < 4 || /\d/.test(q) || !titleTerms.some((t) => t[0] === q[0] && editDistance(q, t) <= 1)) return false;
    slips++;
  }
  return slips === 1;
}
