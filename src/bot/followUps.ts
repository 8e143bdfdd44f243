/** Suggested next messages under an answer (buttons / hints). */
import type { EngineResult } from "../engine/types.js";

export function followUps(result: EngineResult): string[] {
  if (result.items.length === 0) return [];
  const out = ["more like #1", "why that one?"];
  if (result.items.length > 1) out.push("suggest a name for this bundle");
  const platforms = new Set(result.items.map((i) => i.platform?.split(" ")[0]));
  out.push(platforms.has("Xbox") ? "how about for PlayStation?" : "how about for Xbox?");
  return out;
}
