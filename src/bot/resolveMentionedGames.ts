/**
 * Finds the games named in a request. "I loved Halo 3 and Forza 2" → both; a title that itself
 * contains "and" ("Nintendogs + Cats") is tried whole before the text is split.
 */
import type { CatalogItem } from "../engine/catalog/Catalog.js";
import { extractTitleQuery, resolveGame } from "../engine/titles/resolveGame.js";
import type { TitleIndex } from "../engine/titles/TitleIndex.js";

export interface MentionedGames {
  items: CatalogItem[];
  /** Pieces that named no game confidently. */
  unresolved: string[];
}

const SEPARATOR = /\s*(?:,|;|&|\+|\band\b|\bor\b|\bplus\b)\s*/i;

export function resolveMentionedGames(titles: TitleIndex, text: string): MentionedGames {
  const whole = resolveGame(titles, text);
  if (whole.kind === "found") return { items: [whole.item], unresolved: [] };
  const items: CatalogItem[] = [];
  const unresolved: string[] = [];
  for (const piece of extractTitleQuery(text).split(SEPARATOR).filter((p) => p.trim() !== "")) {
    const r = resolveGame(titles, piece);
    if (r.kind === "found" && !items.includes(r.item)) items.push(r.item);
    else if (r.kind !== "found") unresolved.push(piece.trim());
  }
  return { items, unresolved };
}
