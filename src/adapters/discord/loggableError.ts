/**
 * An error as it may appear in a log line. DiscordAPIError carries the request URL and body:
 * webhook and interaction URLs contain the interaction token (it can post as the bot for 15
 * minutes) and bodies hold what people wrote, so only the useful parts are kept.
 */
import { DiscordAPIError } from "discord.js";

export function loggableError(error: unknown): unknown {
  if (!(error instanceof DiscordAPIError)) return error;
  return {
    type: error.name,
    message: error.message,
    code: error.code,
    status: error.status,
    method: error.method,
    url: error.url.replace(/\/(webhooks|interactions)\/(\d+)\/[^/]+/, "/$1/$2/[token]"),
    stack: error.stack,
  };
}
