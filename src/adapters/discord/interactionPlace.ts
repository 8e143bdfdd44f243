/**
 * Which conversation an interaction belongs to, and whether the bot can act there, from the
 * interaction's `context` and `authorizing_integration_owners` (Discord's user-install fields):
 * - a private channel (a group DM, or a DM between people) → that channel's conversation, never
 *   the person's DM with the bot; the bot is not in it, so it answers through the interaction only;
 * - a server the bot is not a member of — the person's own install used there, or a server that
 *   added only the app's commands — → the thread's or channel's conversation (by the channel type
 *   the payload named), with no channel look-up (it would be refused with 403 after eating into
 *   the three seconds), no thread, no channel posts; the allow-list governs only the latter;
 * - anything else (a server that installed the bot, the bot's DM, or a payload without `context`)
 *   → as before (discordScope.ts).
 */
import { ApplicationIntegrationType, Constants, InteractionContextType, type ChannelType, type Client, type Interaction } from "discord.js";
import type { Logger } from "../../util/logger.js";
import { placeOf, type Place } from "./discordScope.js";

/** `payloadChannelType`: the channel type the interaction's payload named (PayloadChannelTypes), for guilds discord.js does not know. */
export function placeOfInteraction(
  client: Client,
  interaction: Interaction,
  log: Logger,
  payloadChannelType?: ChannelType,
): Promise<Place> {
  const { guildId, channelId, context } = interaction;
  const userId = interaction.user.id;
  const away = (place: Pick<Place, "conversation" | "channelIds" | "userInstalled">): Promise<Place> =>
    Promise.resolve({ ...place, dm: false, channel: undefined, reach: "interaction" });
  // Discord always names the channel; without it, a key of its own rather than the person's DM with the bot.
  if (context === InteractionContextType.PrivateChannel)
    return away({
      conversation: { platform: "discord", scope: "channel", id: channelId ?? `private-of-${userId}` },
      channelIds: [],
      userInstalled: true,
    });
  // The gateway lists every guild the bot is in (unavailable ones too): one it does not list, it is not a member of.
  if (guildId && !client.guilds.cache.has(guildId)) {
    const thread = channelId !== null && Constants.ThreadChannelTypes.some((type) => type === payloadChannelType);
    const conversation = { platform: "discord", scope: thread ? "thread" : "channel", id: channelId ?? guildId } as const;
    // A payload without `context` predates user installs: the server installed the app (commands only, without the bot).
    const guildInstalled =
      context === null || interaction.authorizingIntegrationOwners[ApplicationIntegrationType.GuildInstall] !== undefined;
    return away({ conversation, channelIds: guildInstalled && channelId ? [channelId] : [], userInstalled: !guildInstalled });
  }
  return placeOf(client, { guildId, channelId, userId, channel: interaction.channel }, log);
}
