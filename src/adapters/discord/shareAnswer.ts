/**
 * "Share": posts a private (ephemeral) answer for everyone, as the response to the button's own
 * interaction — so it also works where the bot is not a member and cannot post in the channel.
 * The copy keeps the answer's other buttons; a failure gets one private line, never an error.
 * Each answer is shared once (claimed by its message id, across processes): a second click, or a
 * redelivered one, gets a short private note instead of a second public copy.
 */
import { ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent, type ButtonInteraction } from "discord.js";
import type { Logger } from "../../util/logger.js";
import { DISCORD_TEXTS } from "./discordTexts.js";
import { loggableError } from "./loggableError.js";
import { NO_MENTIONS, withoutShareButton } from "./renderDiscordReply.js";

export async function shareAnswer(
  interaction: ButtonInteraction,
  log: Logger,
  firstDelivery: (id: string, log: Logger) => Promise<boolean>,
): Promise<void> {
  const { message } = interaction;
  try {
    if (!(await firstDelivery(`discord:share:${message.id}`, log))) {
      await interaction.reply({ content: DISCORD_TEXTS.alreadyShared, flags: MessageFlags.Ephemeral });
      return;
    }
    const rows = message.components.map((row) => row.toJSON()).filter(isButtonRow);
    await interaction.reply({
      ...(message.content ? { content: message.content } : {}),
      embeds: message.embeds.map((embed) => embed.toJSON()),
      components: withoutShareButton(rows),
      allowedMentions: NO_MENTIONS,
    });
  } catch (error) {
    log.error({ err: loggableError(error) }, "could not share the answer");
    await interaction.reply({ content: DISCORD_TEXTS.shareFailed, flags: MessageFlags.Ephemeral }).catch(() => {});
  }
}

/** A row of buttons (what sidbot's answers carry), as opposed to other top-level message components. */
function isButtonRow(component: { type: ComponentType }): component is APIActionRowComponent<APIButtonComponent> {
  const row = component as { type: ComponentType; components?: { type: ComponentType }[] };
  return row.type === ComponentType.ActionRow && (row.components ?? []).every((c) => c.type === ComponentType.Button);
}
