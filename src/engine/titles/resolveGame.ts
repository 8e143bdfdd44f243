/**
 * Finds the game a person means inside free text ("something similar to mario kart but for
 * xbox" → Mario Kart, platform Xbox) and says so when it is not confident instead of guessing.
 */
import type { CatalogItem } from "../catalog/Catalog.js";
import { findPlatforms, type Platform } from "./platforms.js";
import type { TitleHit, TitleIndex } from "./TitleIndex.js";

export type GameResolution =
  | { kind: "found"; item: CatalogItem; query: string; platform?: Platform; alternatives: CatalogItem[] }
  | { kind: "uncertain"; query: string; platform?: Platform; candidates: CatalogItem[] }
  | { kind: "none"; query: string; platform?: Platform };

// Words that introduce a game in a request; the title follows them.
const CUE =
  /\b(?:similar (?:games? )?to|(?:games?|something|anything|stuff|titles?|ones?|more) like|^like|such as|reminds? me of|fans? of|alternatives? to|based on|i (?:loved|liked|enjoyed|played|finished|beat)|loved|liked|enjoyed|finished)\s+/gi;
// Where the title ends: a "but", punctuation that ends a clause, or a trailing "for/on <platform>".
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
export function resolveGame(index: TitleIndex, text: string): GameResolution {
  const platform = findPlatforms(text).at(-1)?.platform;
  const query = extractTitleQuery(text);
  const base = platform ? { query, platform } : { query };
  if (query === "") return { kind: "none", ...base };
  const hits = index.search(query, { limit: 1 + MAX_ALTERNATIVES, platform, prefix: false });
  const top = hits[0];
  if (!top) return { kind: "none", ...base };
  if (isConfident(top)) {
    return { kind: "found", item: top.item, ...base, alternatives: hits.slice(1).filter(isConfident).map((h) => h.item) };
  }
  return { kind: "uncertain", ...base, candidates: hits.slice(0, 3).map((h) => h.item) };
}

function isConfident(hit: TitleHit): boolean {
  return hit.exact || hit.coverage === 1;
}
