/**
 * Answering a deferred interaction within its token's life. Discord accepts edits and follow-ups
 * with an interaction token for 15 minutes after the interaction was created; with a long queue
 * a deferred interaction could outlive it. So:
 * - `startBy` tells the bot when a still-queued request must give up with "busy" instead (token
 *   lifetime − margin − the longest a generation takes);
 * - edits happen only while the token is comfortably fresh; an answer that arrives later goes to
 *   the channel as a normal message that mentions the person, and progress edits are skipped;
 *   an answer only the person should see, or one where the bot cannot post (`late: "dm"`), goes
 *   to the person's DM with the bot instead.
 */
import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  type SendableChannels,
} from "discord.js";
import type { Logger } from "../../util/logger.js";
import { truncateText } from "../splitText.js";
import { loggableError } from "./loggableError.js";
import { LIMITS, NO_MENTIONS, toEdit, type DiscordMessage } from "./renderDiscordReply.js";
import { PlatformError } from "../../errors.js";

export interface TokenTiming {
  /** How long Discord accepts the interaction token (15 minutes). */
  lifetimeMs: number;
  /** Stop using the token this long before it expires: room for the request itself and clock skew. */
  marginMs: number;
  /** The longest a request runs once it has started (the model timeout): queued requests must start this early. */
  generationBudgetMs: number;
}

export const DISCORD_TOKEN_TIMING: TokenTiming = { lifetimeMs: 15 * 60_000, marginMs: 60_000, generationBudgetMs: 60_000 };

export type AnswerableInteraction = ChatInputCommandInteraction | ButtonInteraction | MessageContextMenuCommandInteraction;

/** Where an answer goes once the token is too old: the interaction's channel, or the person's DM with the bot. */
export type LateAnswer = "channel" | "dm";

export class InteractionReply {
  /** Epoch ms until which the token may be used. */
  readonly editableUntil: number;
  /** Epoch ms by which a queued request must start (HandleOptions.startBy). */
  readonly startBy: number;
  private inChannel = false;
  /** The reply was deferred as ephemeral: every follow-up must say so too (Discord shows follow-ups to everyone otherwise). */
  private ephemeral = false;

  constructor(
    private readonly interaction: AnswerableInteraction,
    timing: TokenTiming,
    private readonly log: Logger,
    receivedAt = Date.now(),
    /** Where the answer goes once the token is too old. */
    public late: LateAnswer = "channel",
  ) {
    // The earlier of Discord's creation time (from the snowflake) and our receipt: a skewed clock errs on the safe side.
    const created = Math.min(interaction.createdTimestamp, receivedAt);
    this.editableUntil = created + timing.lifetimeMs - timing.marginMs;
    this.startBy = this.editableUntil - timing.generationBudgetMs;
  }

  get canEdit(): boolean {
    return Date.now() < this.editableUntil;
  }

  /** Acknowledges the interaction (Discord gives three seconds); an ephemeral reply keeps every later part private. */
  async defer(ephemeral: boolean): Promise<void> {
    this.ephemeral = ephemeral;
    await this.interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  }

  /** Progress (queue position, partial text): shown while the token is fresh, skipped after. */
  async progress(content: string): Promise<void> {
    if (!this.canEdit) return;
    await this.interaction.editReply({ content: truncateText(content, LIMITS.content), allowedMentions: NO_MENTIONS });
  }

  /** The answer: into the deferred reply (rest as follow-ups) while the token is fresh; to the channel after. */
  async deliver(messages: DiscordMessage[]): Promise<void> {
    for (const [i, m] of messages.entries()) {
      if (!this.canEdit) await this.toChannel(m);
      else if (i === 0) await this.interaction.editReply(toEdit(m));
      else await this.interaction.followUp(this.ephemeral ? { ...m, flags: MessageFlags.Ephemeral } : m);
    }
  }

  /** After a failure: a friendly message where the person will see it; never left "thinking…". */
  async fail(content: string): Promise<void> {
    try {
      if (!this.interaction.deferred && !this.interaction.replied) await this.interaction.reply({ content, flags: MessageFlags.Ephemeral });
      else if (this.canEdit) await this.interaction.editReply({ content, embeds: [], components: [], allowedMentions: NO_MENTIONS });
      else await this.toChannel({ content, allowedMentions: NO_MENTIONS });
    } catch (error) {
      this.log.error({ err: loggableError(error) }, "could not report the error to the user");
    }
  }

  private async toChannel(answer: DiscordMessage): Promise<void> {
    // The DM copy of an answer given elsewhere: no one to share with there, and "More like"/👍/👎
    // clicked in the DM would act on the DM's conversation, not the one that was answered.
    const m = this.late === "dm" && answer.components ? { ...answer, components: [] } : answer;
    const channel = await this.channel();
    if (!channel) throw new PlatformError("discord", "the interaction token is too old to edit and its channel cannot be reached");
    if (this.inChannel) {
      await channel.send(m);
      return;
    }
    this.inChannel = true;
    this.log.warn(
      { ageMs: Date.now() - this.interaction.createdTimestamp },
      `interaction token too old to edit; answering in the ${this.late}`,
    );
    // The deferred reply stays as it is; the person is mentioned so they find the answer.
    const userId = this.interaction.user.id;
    await channel.send({
      ...m,
      content: truncateText(`<@${userId}> ${m.content ?? ""}`.trim(), LIMITS.content),
      allowedMentions: { ...m.allowedMentions, users: [userId] },
    });
  }

  private async channel(): Promise<SendableChannels | undefined> {
    const { interaction } = this;
    if (this.late === "dm") return interaction.user.createDM();
    const channel =
      interaction.channel ??
      (interaction.channelId ? await interaction.client.channels.fetch(interaction.channelId).catch(() => null) : null);
    if (channel?.isSendable()) return channel;
    // A DM the cache does not know: open it from the user's side.
    if (!interaction.guildId) return interaction.user.createDM();
    return undefined;
  }
}
