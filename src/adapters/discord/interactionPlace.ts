/**
 * Which conversation an interaction belongs to, and whether the bot can act there, from the
 * interaction's `context` and `authorizing_integration_owners` (Discord's user-install fields):
 * - a private channel (a group DM, or a DM between people) → that channel's conversation, never
 *   the person's DM with the bot; the bot is not in it, so it answers through the interaction only;
 * - a server the bot is not a member of — the person's own install used there, or a server that
 *   added only the app's commands — → the thread's or channel's conversation (by the channel type
 *   the payload named), with no channel look-up (it would be refused with 403 after eating into
 *   the three seconds), no thread, no channel posts; the allow-list governs only the latter;
 * - anything else (a server that installed the bot, the bot's DM) → as before (discordScope.ts).
 * A payload without `context` (older servers) is placed by its channel type (3 = group DM → a
 * private channel; 1 = DM → a private channel when its listed recipients name someone besides the
 * person and the bot) and its `authorizing_integration_owners` (only "1" = the person's own install).
 */
import { ChannelType, Constants, InteractionContextType, type Client, type Interaction } from "discord.js";
import type { Logger } from "../../util/logger.js";
import { placeOf, type Place } from "./discordScope.js";
import type { PayloadChannel } from "./PayloadChannelTypes.js";

/** Whether a channel type is a thread's (discord.js's list: public, private and announcement threads). */
export function isThreadType(type: ChannelType | null | undefined): boolean {
  return Constants.ThreadChannelTypes.some((thread) => thread === type);
}

/**
 * Whether the bot is not in the interaction's place (a group DM, a DM between people, a server without the bot), so it can answer
 * only through the interaction. `payload`: what the payload said about the channel (PayloadChannelTypes).
 */
export function reachedOnlyThroughInteraction(client: Client, interaction: Interaction, payload?: PayloadChannel): boolean {
  const { guildId } = interaction;
  return inPrivateChannel(interaction, payload) || (guildId !== null && !client.guilds.cache.has(guildId));
}

/**
 * A group DM or a DM between people. Without `context` (older payloads): a group DM by its channel type; a DM by recipients that
 * name someone besides the person and the bot (the bot's own DM lists only them). A DM without recipients stays the bot's DM.
 */
function inPrivateChannel(interaction: Interaction, payload: PayloadChannel | undefined): boolean {
  if (interaction.context !== null) return interaction.context === InteractionContextType.PrivateChannel;
  if (interaction.guildId !== null) return false;
  const type = payload?.type ?? interaction.channel?.type;
  if (type === ChannelType.GroupDM) return true;
  const ours = [interaction.user.id, interaction.client.user.id];
  return type === ChannelType.DM && (payload?.recipientIds ?? []).some((id) => !ours.includes(id));
}

/** `payload`: what the interaction's payload said about its channel (PayloadChannelTypes), for guilds discord.js does not know. */
export function placeOfInteraction(client: Client, interaction: Interaction, log: Logger, payload?: PayloadChannel): Promise<Place> {
  const { guildId, channelId } = interaction;
  const userId = interaction.user.id;
  const away = (place: Pick<Place, "conversation" | "channelIds" | "userInstalled">): Promise<Place> =>
    Promise.resolve({ ...place, dm: false, channel: undefined, reach: "interaction" });
  // Discord always names the channel; without it, a key of its own rather than the person's DM with the bot.
  if (inPrivateChannel(interaction, payload))
    return away({
      conversation: { platform: "discord", scope: "channel", id: channelId ?? `private-of-${userId}` },
      channelIds: [],
      userInstalled: true,
    });
  // The gateway lists every guild the bot is in (unavailable ones too): one it does not list, it is not a member of.
  if (guildId && !client.guilds.cache.has(guildId)) {
    const thread = channelId !== null && isThreadType(payload?.type);
    const conversation = { platform: "discord", scope: thread ? "thread" : "channel", id: channelId ?? guildId } as const;
    // The server installed the app (commands only, without the bot) — or, in a payload without `context` or owners (older
    // servers), is taken to have; only owners naming just a user ("1") mean the person's own install.
    const owners = interaction.authorizingIntegrationOwners;
    const guildInstalled = owners.guildId !== null || (interaction.context === null && owners.userId === null);
    // Threads count by their parent in the allow-list (a channel's own parent is its category: not counted).
    const channelIds = !guildInstalled || !channelId ? [] : thread && payload?.parentId ? [channelId, payload.parentId] : [channelId];
    return away({ conversation, channelIds, userInstalled: !guildInstalled });
  }
  return placeOf(client, { guildId, channelId, userId, channel: interaction.channel }, log);
}
