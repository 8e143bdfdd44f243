/** The input budget: text longer than `maxChars` is cut, with a notice saying so. */
import { MESSAGES } from "./messages.js";
import type { BotRequest } from "./types.js";

/**
 * "Find similar games" reads someone else's message, not text the person typed: it gets a larger budget — a whole message's
 * text, or an embed after it — and its own notice. Not a whole message with all its embeds (10,000 characters): looking titles
 * up grows faster than the text, and 10,000 characters took over a second of the event loop here.
 */
export const MESSAGE_MENU_MAX_CHARS = 4000;

export function clipInput(raw: BotRequest["input"], maxChars: number, notices: string[]): BotRequest["input"] {
  const clip = (text: string, limit = maxChars, notice = MESSAGES.truncated): string => {
    if (text.length <= limit) return text;
    notices.push(notice(limit));
    return text.slice(0, limit);
  };
  if ("text" in raw) return { text: clip(raw.text) };
  if ("gamesIn" in raw) return { gamesIn: clip(raw.gamesIn, Math.max(maxChars, MESSAGE_MENU_MAX_CHARS), MESSAGES.messageTruncated) };
  if (!("command" in raw)) return raw;
  if (raw.command === "recommend") return { ...raw, query: clip(raw.query) };
  if (raw.command === "similar") return { ...raw, game: clip(raw.game) };
  return raw;
}
