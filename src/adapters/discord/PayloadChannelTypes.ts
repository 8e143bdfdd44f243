/**
 * The channel type of each pending interaction as Discord sent it. discord.js builds no channel
 * for a guild it is not in (a user install used in a server without the bot), so the type — thread
 * or channel, which decides the conversation — survives only in the raw gateway packet, as do a
 * thread's parent (`parent_id`, by which the allow-list admits threads) and a DM's recipients (which
 * tell a DM between people from the bot's own DM when the payload has no `context`).
 */
import { GatewayDispatchEvents, type ChannelType } from "discord.js";

/** What an interaction's payload said about its channel. */
export interface PayloadChannel {
  type: ChannelType;
  /** A thread's channel; a channel's category. */
  parentId?: string;
  /** A DM's or group DM's recipients, when the payload lists them. */
  recipientIds?: string[];
}

export class PayloadChannelTypes {
  private readonly channels = new Map<string, PayloadChannel>();

  /** @param capacity Most interactions remembered; the oldest go first (a dropped event is never forgotten otherwise). */
  constructor(private readonly capacity = 1000) {}

  /** Notes the channel type of an INTERACTION_CREATE packet (from the client's `raw` event); other packets are ignored. */
  remember(packet: { t?: string | null; d?: unknown }): void {
    if (packet.t !== GatewayDispatchEvents.InteractionCreate) return;
    const d = packet.d as
      | { id?: unknown; channel?: { type?: unknown; parent_id?: unknown; recipients?: unknown } | null }
      | null
      | undefined;
    if (typeof d?.id !== "string" || typeof d.channel?.type !== "number") return;
    const { parent_id: parentId, recipients } = d.channel;
    const recipientIds = Array.isArray(recipients)
      ? recipients.map((r: { id?: unknown } | null) => r?.id).filter((id): id is string => typeof id === "string")
      : undefined;
    this.channels.set(d.id, {
      type: d.channel.type,
      ...(typeof parentId === "string" ? { parentId } : {}),
      ...(recipientIds ? { recipientIds } : {}),
    });
    if (this.channels.size > this.capacity) this.channels.delete(this.channels.keys().next().value!);
  }

  /** What the interaction's payload said about its channel, if it named one. */
  of(interactionId: string): PayloadChannel | undefined {
    return this.channels.get(interactionId);
  }

  forget(interactionId: string): void {
    this.channels.delete(interactionId);
  }
}
