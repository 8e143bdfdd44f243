/**
 * Which conversation an interaction belongs to, and whether the bot can act there, from the
 * interaction's `context` and `authorizing_integration_owners` (Discord's user-install fields):
 * - a private channel (a group DM, or a DM between people) → that channel's conversation, never
 *   the person's DM with the bot; the bot is not in it, so it answers through the interaction only;
 * - a server where only the person's own install authorised the command (no guild install owner)
 *   → the bot is not a member: the thread's or channel's conversation (by the channel type the
 *   payload named), with no channel look-up (it would be refused with 403 after eating into the
 *   three seconds), no thread, no channel posts;
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
  const away = (id: string, scope: "channel" | "thread" = "channel"): Promise<Place> =>
    Promise.resolve({
      conversation: { platform: "discord", scope, id },
      channelIds: [],
      dm: false,
      channel: undefined,
      reach: "interaction",
      userInstalled: true,
    });
  // Discord always names the channel; without it, a key of its own rather than the person's DM with the bot.
  if (context === InteractionContextType.PrivateChannel) return away(channelId ?? `private-of-${userId}`);
  const guildInstalled = interaction.authorizingIntegrationOwners[ApplicationIntegrationType.GuildInstall] !== undefined;
  if (context === InteractionContextType.Guild && guildId && !guildInstalled && !client.guilds.cache.has(guildId)) {
    const thread = Constants.ThreadChannelTypes.some((type) => type === payloadChannelType);
    return away(channelId ?? guildId, thread && channelId ? "thread" : "channel");
  }
  return placeOf(client, { guildId, channelId, userId, channel: interaction.channel }, log);
}
