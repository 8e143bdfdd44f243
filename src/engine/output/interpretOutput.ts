/**
 * Model output → items and text: find SIDs, map them to the catalog with the seed's semantics
 * (exact, else prefix match), drop duplicates, strip think blocks and control tokens from the
 * remaining text.
 */
import type { Catalog } from "../catalog/Catalog.js";
import { matchSid } from "../catalog/seedMapping.js";
import { findSids, stripThinking } from "../sid/sidText.js";
import type { RecommendedItem } from "../types.js";

export interface InterpretedOutput {
  items: RecommendedItem[];
  /** The text without SIDs, list separators and control tokens. */
  text: string;
}

export function interpretOutput(catalog: Catalog, output: string): InterpretedOutput {
  const items: RecommendedItem[] = [];
  const seen = new Set<string>();
  for (const { text: sid } of findSids(output)) {
    const match = matchSid(catalog, sid);
    const item =
      match.kind === "exact"
        ? { id: String(match.item.index), sid: match.item.sid, title: match.item.title, match: "exact" as const, platform: match.item.platform }
        : match.kind === "prefix"
          ? { id: String(match.first.index), sid: match.first.sid, title: match.first.title, match: `L${match.depth}` as RecommendedItem["match"], similarCount: match.count - 1, platform: match.first.platform }
          : { id: "", sid, title: "[Unknown Item]", match: "unknown" as const };
    // A prefix match names a stand-in item; two SIDs naming the same item are one answer.
    if (seen.has(item.sid)) continue;
    seen.add(item.sid);
    items.push(stripUndefined(item));
  }
  const withoutSids = findSids(output).reduce((text, m) => text.replace(m.text, ""), output);
  const text = stripThinking(withoutSids)
    .replace(/<\|rec\|>/g, "")
    .replace(/^[\s,]+/, "")
    .trim();
  return { items, text };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
