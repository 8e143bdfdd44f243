/**
 * What a message says, for "Find similar games": its text and its embeds' titles and descriptions
 * (a shared answer, a link card). discord.js gives a Message where it knows the channel and the raw
 * API message elsewhere (a server without the bot); both have these fields. A target missing from
 * the payload reads as no text, so the person is asked for a message that names a game.
 */

/** The fields read, common to discord.js's Message and the API's message object. */
export interface MessageLike {
  content?: string | null;
  embeds?: readonly { title?: string | null; description?: string | null }[];
}

export function messageText(message: MessageLike | null | undefined): string {
  const embeds = message?.embeds ?? [];
  const parts = [message?.content ?? "", ...embeds.flatMap((embed) => [embed.title ?? "", embed.description ?? ""])];
  return parts.filter((part) => part.trim() !== "").join("\n");
}
