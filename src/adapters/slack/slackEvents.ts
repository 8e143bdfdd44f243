/**
 * What sidbot reads from a Slack message event, in one place for channel, DM and assistant-thread
 * handlers: the person's messages only (never a bot's, never edits or joins; a message with a file
 * counts), the team the event came from and the asking person's own team, and the conversation keys.
 */
import type { Bot } from "../../bot/Bot.js";
import type { ConversationKey } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";

export type MessageEvent = {
  subtype?: string;
  bot_id?: string;
  user?: string;
  /** The person's own team (Slack Connect: another workspace than the event's). */
  user_team?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
  files?: unknown[];
  /** Set by Slack on messages typed in an assistant thread (not documented in full yet). */
  assistant_thread?: Record<string, unknown>;
};

export interface PersonMessage {
  event: MessageEvent;
  user: string;
  /** The workspace the event came from: the conversation keys' team. */
  team: string;
  /** The asking person's team: the stream's recipient team. */
  userTeam: string;
  requestId: string;
  /** Whether the message carries files (sidbot reads only the text). */
  hasFiles: boolean;
}

/** The message when a person wrote it (plain or with files); undefined for bots, sidbot itself and other subtypes. */
export function personMessage(message: unknown, body: unknown, botUserId: string | undefined): PersonMessage | undefined {
  const event = message as MessageEvent;
  const { team_id: team = "", event_id: requestId } = body as { team_id?: string; event_id: string };
  if (event.subtype && event.subtype !== "file_share") return undefined;
  if (event.bot_id || !event.user || event.user === botUserId) return undefined;
  return {
    event,
    user: event.user,
    team,
    userTeam: event.user_team ?? team,
    requestId,
    hasFiles: event.subtype === "file_share" || (event.files?.length ?? 0) > 0,
  };
}

export function threadKey(team: string, channel: string, threadTs: string): ConversationKey {
  return { platform: "slack", scope: "thread", id: `${team}:${channel}:${threadTs}` };
}

export function dmKey(team: string, userId: string): ConversationKey {
  return { platform: "slack", scope: "dm", id: `${team}:${userId}` };
}

/** Whether this event is new to every sidbot process; when that cannot be told, go ahead (twice beats never). */
export async function firstDelivery(bot: Pick<Bot, "firstDelivery">, logger: Logger, eventId: string): Promise<boolean> {
  try {
    return await bot.firstDelivery(`slack:event:${eventId}`);
  } catch (error) {
    logger.warn({ err: error, requestId: eventId }, "could not check for a duplicate delivery; going ahead");
    return true;
  }
}
