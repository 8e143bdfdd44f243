/**
 * The channel type of each pending interaction as Discord sent it. discord.js builds no channel
 * for a guild it is not in (a user install used in a server without the bot), so the type — thread
 * or channel, which decides the conversation — survives only in the raw gateway packet.
 */
import { GatewayDispatchEvents, type ChannelType } from "discord.js";

export class PayloadChannelTypes {
  private readonly types = new Map<string, ChannelType>();

  /** @param capacity Most interactions remembered; the oldest go first (a dropped event is never forgotten otherwise). */
  constructor(private readonly capacity = 1000) {}

  /** Notes the channel type of an INTERACTION_CREATE packet (from the client's `raw` event); other packets are ignored. */
  remember(packet: { t?: string | null; d?: unknown }): void {
    if (packet.t !== GatewayDispatchEvents.InteractionCreate) return;
    const d = packet.d as { id?: unknown; channel?: { type?: unknown } | null } | null | undefined;
    if (typeof d?.id !== "string" || typeof d.channel?.type !== "number") return;
    this.types.set(d.id, d.channel.type);
    if (this.types.size > this.capacity) this.types.delete(this.types.keys().next().value!);
  }

  /** The channel type the interaction's payload named, if any. */
  typeOf(interactionId: string): ChannelType | undefined {
    return this.types.get(interactionId);
  }

  forget(interactionId: string): void {
    this.types.delete(interactionId);
  }
}
