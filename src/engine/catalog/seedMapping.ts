/**
 * The seed card's `map_semantic_id_to_titles` and `extract_and_replace_semantic_ids`, with the
 * same output byte for byte on the same catalog (see test/engine/catalog/seedMapping.test.ts).
 * The seed matches SID *strings*: a token counts only when written exactly as in the catalog.
 */
import { findSids, sidLevelTokens } from "../sid/sidText.js";
import type { Catalog, CatalogItem } from "./Catalog.js";

/** The seed's fallback starts at prefix depth min(3, levels written). */
export const SEED_MAX_PREFIX_DEPTH = 3;

export type SidMatch =
  | { kind: "exact"; item: CatalogItem }
  | { kind: "prefix"; depth: number; first: CatalogItem; count: number }
  | { kind: "none" };

const CANONICAL_TOKEN = /^<\|sid_(0|[1-9][0-9]*)\|>$/;

/** Resolves one SID as the seed does: exact, else prefix depth 3 → 2 → 1, else none. */
export function matchSid(catalog: Catalog, sid: string): SidMatch {
  const exact = catalog.get(sid);
  if (exact) return { kind: "exact", item: exact };
  const tokens = sidLevelTokens(sid);
  const codes = catalogCodes(catalog, tokens);
  for (let depth = Math.min(SEED_MAX_PREFIX_DEPTH, tokens.length, catalog.layout.levels); depth > 0; depth--) {
    if (codes.length < depth) continue;
    const group = catalog.prefixGroup(codes, depth);
    if (group) return { kind: "prefix", depth, first: group.first, count: group.count };
  }
  return { kind: "none" };
}

/**
 * The leading tokens that can equal a catalog SID's tokens (canonical spelling, right level
 * range), as codes. A token that cannot ends the usable prefix: no catalog string starts with it.
 */
function catalogCodes(catalog: Catalog, tokens: readonly string[]): number[] {
  const { layout } = catalog;
  const codes: number[] = [];
  for (let level = 0; level < Math.min(tokens.length, layout.levels); level++) {
    const m = CANONICAL_TOKEN.exec(tokens[level]!);
    if (!m) break;
    const code = Number(m[1]) - layout.tokenNumber(level, 0);
    if (code < 0 || code >= layout.codesPerLevel) break;
    codes.push(code);
  }
  return codes;
}

/** The seed's replacement text for one SID: `"Title"`, `"Title" (L2 match) [+4 similar]`, `[Unknown Item]`. */
export function describeMatch(match: SidMatch): string {
  switch (match.kind) {
    case "exact":
      return `"${match.item.title}"`;
    case "prefix": {
      const similar = match.count > 1 ? ` [+${match.count - 1} similar]` : "";
      return `"${match.first.title}" (L${match.depth} match)${similar}`;
    }
    case "none":
      return "[Unknown Item]";
    default:
      return match satisfies never;
  }
}

/**
 * Replaces every SID in `text` with its title, exactly like the seed: SIDs are found once in the
 * original text, then each is replaced everywhere in the running result, in order.
 */
export function replaceSids(catalog: Catalog, text: string): string {
  let result = text;
  for (const { text: sid } of findSids(text)) {
    const replacement = describeMatch(matchSid(catalog, sid));
    // A function replacement: titles may contain `$&` and similar patterns.
    result = result.replaceAll(sid, () => replacement);
  }
  return result;
}
