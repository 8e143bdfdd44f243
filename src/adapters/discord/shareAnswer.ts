/**
 * "Share": posts a private (ephemeral) answer for everyone, as the response to the button's own
 * interaction — so it also works where the bot is not a member and cannot post in the channel.
 * The copy keeps the answer's other buttons; a failure gets one private line, never an error.
 * Each answer is shared once (claimed by its message id, across processes, for as long as
 * conversations are kept): a second click, or a redelivered one, gets a short private note instead
 * of a second public copy. A public reply that fails gives the claim back, so Share can be tried again.
 */
import { ComponentType, MessageFlags, type APIActionRowComponent, type APIButtonComponent, type ButtonInteraction } from "discord.js";
import type { Logger } from "../../util/logger.js";
import { DISCORD_TEXTS } from "./discordTexts.js";
import { loggableError } from "./loggableError.js";
import { NO_MENTIONS, withoutShareButton } from "./renderDiscordReply.js";

/** Claims on shared answers: `claim` is true the first time; `release` forgets a claim whose share failed. */
export interface ShareClaims {
  claim(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
}

export async function shareAnswer(interaction: ButtonInteraction, log: Logger, claims: ShareClaims): Promise<void> {
  const { message } = interaction;
  const claimId = `discord:share:${message.id}`;
  let claimed = false;
  try {
    if (!(await claimFirst(claims, claimId, log))) {
      await interaction.reply({ content: DISCORD_TEXTS.alreadyShared, flags: MessageFlags.Ephemeral });
      return;
    }
    claimed = true;
    const rows = message.components.map((row) => row.toJSON()).filter(isButtonRow);
    await interaction.reply({
      ...(message.content ? { content: message.content } : {}),
      embeds: message.embeds.map((embed) => embed.toJSON()),
      components: withoutShareButton(rows),
      allowedMentions: NO_MENTIONS,
    });
  } catch (error) {
    log.error({ err: loggableError(error) }, "could not share the answer");
    // Nothing was posted: a later click may share it.
    if (claimed) await claims.release(claimId).catch((err) => log.warn({ err: loggableError(err) }, "could not release the share claim"));
    await interaction.reply({ content: DISCORD_TEXTS.shareFailed, flags: MessageFlags.Ephemeral }).catch(() => {});
  }
}

/** Whether this is the answer's first share; when memory cannot say, shares it (a rare double copy beats no copy). */
async function claimFirst(claims: ShareClaims, id: string, log: Logger): Promise<boolean> {
  try {
    const first = await claims.claim(id);
    if (!first) log.info({ deliveryId: id }, "answer shared already");
    return first;
  } catch (error) {
    log.warn({ deliveryId: id, err: loggableError(error) }, "could not check whether the answer was shared; sharing it");
    return true;
  }
}

/** A row of buttons (what sidbot's answers carry), as opposed to other top-level message components. */
function isButtonRow(component: { type: ComponentType }): component is APIActionRowComponent<APIButtonComponent> {
  const row = component as { type: ComponentType; components?: { type: ComponentType }[] };
  return row.type === ComponentType.ActionRow && (row.components ?? []).every((c) => c.type === ComponentType.Button);
}
