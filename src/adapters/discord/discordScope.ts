/**
 * Which conversation a Discord event belongs to, decided from the payload (guild id, channel id,
 * channel type) and never from whether discord.js happens to cache the channel: an interaction
 * that carries only `channel_id` has `interaction.channel === null`, and treating that as a DM
 * once wrote a guild command into the user's DM memory.
 *
 * - no guild → the user's DM conversation;
 * - a guild thread → that thread; any other guild channel → that channel;
 * - type unknown (not cached, or a partial thread without its parent) → fetched over REST; if that
 *   fails, the channel conversation keyed by the channel id (never the DM).
 */
import type { Channel, Client } from "discord.js";
import type { ConversationKey } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";
import { finishesWithin } from "../../util/finishesWithin.js";
import { loggableError } from "./loggableError.js";

export interface Where {
  guildId: string | null;
  channelId: string | null;
  userId: string;
  /** The channel discord.js resolved for the event, if any (it comes from the payload or the cache). */
  channel?: Channel | null | undefined;
}

export interface Place {
  conversation: ConversationKey;
  /** What the allow-list is checked against: the channel, and for a thread also its parent. */
  channelIds: string[];
  dm: boolean;
  /** The channel, when known (cached or fetched). */
  channel: Channel | undefined;
  /**
   * Where answers can go: "channel" = the bot may post, fetch and open threads there; "interaction" = only through the
   * interaction's own responses (a server without the bot, a group DM), so nothing else is tried.
   */
  reach: "channel" | "interaction";
  /** Reached through someone's own install outside the servers that installed the bot (`discord.userInstall` governs it). */
  userInstalled: boolean;
}

/** A REST look-up must not eat the three seconds an interaction has to be acknowledged. */
const FETCH_TIMEOUT_MS = 1500;

export async function placeOf(client: Client, where: Where, log: Logger): Promise<Place> {
  const { guildId, channelId, userId } = where;
  const known = where.channel ?? (channelId ? client.channels.cache.get(channelId) : undefined) ?? undefined;
  const inChannel = { reach: "channel", userInstalled: false } as const;
  if (!guildId)
    return { conversation: { platform: "discord", scope: "dm", id: userId }, channelIds: [], dm: true, channel: known, ...inChannel };
  if (!channelId) {
    // Discord always sends a channel id with guild events; without one, keep the guild's own conversation rather than a DM.
    log.warn({ guildId }, "guild event without a channel id");
    return {
      conversation: { platform: "discord", scope: "channel", id: guildId },
      channelIds: [],
      dm: false,
      channel: undefined,
      ...inChannel,
    };
  }
  // A thread seen only as a partial (no parent) cannot be checked against the allow-list: fetch it.
  const complete = known && !(known.isThread() && !known.parentId) ? known : await fetchChannel(client, channelId, log);
  const channel = complete ?? known;
  if (channel?.isThread()) {
    return {
      conversation: { platform: "discord", scope: "thread", id: channelId },
      channelIds: channel.parentId ? [channelId, channel.parentId] : [channelId],
      dm: false,
      channel,
      ...inChannel,
    };
  }
  return {
    conversation: { platform: "discord", scope: "channel", id: channelId },
    channelIds: [channelId],
    dm: false,
    channel,
    ...inChannel,
  };
}

/**
 * Whether sidbot answers at this place: its own DMs always; places reached through someone's own install when `userInstall`;
 * the servers that installed it per the allow-list (threads by their parent).
 */
export function isAllowed(place: Place, allowedChannels: readonly string[], userInstall = true): boolean {
  if (place.userInstalled) return userInstall;
  if (allowedChannels.length === 0 || place.dm) return true;
  return place.channelIds.some((id) => allowedChannels.includes(id));
}

async function fetchChannel(client: Client, channelId: string, log: Logger): Promise<Channel | undefined> {
  // The fetch settles on its own even after the timeout won: it must never reject unobserved.
  const fetching = client.channels.fetch(channelId, { force: true }).then(
    (channel) => channel ?? undefined,
    (error: unknown) => {
      log.warn({ channelId, err: loggableError(error) }, "channel type unknown (look-up failed); using the channel conversation");
      return undefined;
    },
  );
  if (await finishesWithin(fetching, FETCH_TIMEOUT_MS)) return fetching;
  log.warn({ channelId }, "channel type unknown (look-up timed out); using the channel conversation");
  return undefined;
}

/**
 * Where a private (ephemeral) answer is remembered: the person's own conversation at that place,
 * so follow-ups of others there never build on an answer only one person saw.
 */
export function privateConversation(conversation: ConversationKey, userId: string): ConversationKey {
  return { ...conversation, id: `${conversation.id}:private:${userId}` };
}
