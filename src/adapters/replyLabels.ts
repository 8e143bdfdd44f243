/** Words every adapter uses for the backend and for items that matched the catalog only by prefix. */
import type { RecommendedItem } from "../engine/types.js";

export const BACKEND_LABELS = { llama: "the model", catalog: "the catalog (no model)" } as const;

export function matchLabel(item: RecommendedItem): string {
  if (item.match === "exact") return "";
  if (item.match === "unknown") return " (not in the catalog)";
  return ` (closest match, ${item.match}${item.similarCount ? `, +${item.similarCount} similar` : ""})`;
}
