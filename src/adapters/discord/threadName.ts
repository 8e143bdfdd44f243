/**
 * A thread name from what the person typed. Discord shows thread names as plain text: mention
 * syntax would appear raw (`<@123>`) and `@everyone` reads like a ping, so mentions become words
 * (a user's display name where known, else "someone"; "@role", "#channel") and the name stays
 * within Discord's 100 characters.
 */
import { truncateText } from "../splitText.js";

export const THREAD_NAME_LIMIT = 100;
const FALLBACK = "Game recommendations";

export interface ThreadNameOptions {
  /** The bot's own mention is dropped. */
  botId: string;
  /** Display name of a mentioned user, if known. */
  userName: (userId: string) => string | undefined;
}

export function threadName(text: string, { botId, userName }: ThreadNameOptions): string {
  const name = text
    .replace(new RegExp(`<@!?${botId}>`, "g"), " ")
    .replace(/<@!?(\d+)>/g, (_, id: string) => plainName(userName(id)) || "someone")
    .replace(/<@&\d+>/g, "@role")
    .replace(/<#\d+>/g, "#channel")
    .replace(/<\/([\w -]+):\d+>/g, "/$1")
    .replace(/<a?:(\w+):\d+>/g, ":$1:")
    .replace(/<t:-?\d+(?::[a-zA-Z])?>/g, "a time")
    .replace(/@(everyone|here)\b/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return name === "" ? FALLBACK : truncateText(name, THREAD_NAME_LIMIT);
}

/** A display name can itself contain mention syntax; keep only harmless characters of it. */
function plainName(name: string | undefined): string {
  return (name ?? "").replace(/[<>@#]/g, "").trim();
}
