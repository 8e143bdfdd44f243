/** The input budget: text longer than `maxChars` is cut, with a notice saying so. */
import { MESSAGES } from "./messages.js";
import type { BotRequest } from "./types.js";

export function clipInput(raw: BotRequest["input"], maxChars: number, notices: string[]): BotRequest["input"] {
  const clip = (text: string): string => {
    if (text.length <= maxChars) return text;
    notices.push(MESSAGES.truncated(maxChars));
    return text.slice(0, maxChars);
  };
  if ("text" in raw) return { text: clip(raw.text) };
  if ("gamesIn" in raw) return { gamesIn: clip(raw.gamesIn) };
  if (!("command" in raw)) return raw;
  if (raw.command === "recommend") return { ...raw, query: clip(raw.query) };
  if (raw.command === "similar") return { ...raw, game: clip(raw.game) };
  return raw;
}
