/**
 * The channel type of each pending interaction as Discord sent it. discord.js builds no channel
 * for a guild it is not in (a user install used in a server without the bot), so the type — thread
 * or channel, which decides the conversation — survives only in the raw gateway packet, as does a
 * thread's parent (`parent_id`), by which the allow-list admits threads.
 */
import { GatewayDispatchEvents, type ChannelType } from "discord.js";

export class PayloadChannelTypes {
  private readonly channels = new Map<string, { type: ChannelType; parentId?: string }>();

  /** @param capacity Most interactions remembered; the oldest go first (a dropped event is never forgotten otherwise). */
  constructor(private readonly capacity = 1000) {}

  /** Notes the channel type of an INTERACTION_CREATE packet (from the client's `raw` event); other packets are ignored. */
  remember(packet: { t?: string | null; d?: unknown }): void {
    if (packet.t !== GatewayDispatchEvents.InteractionCreate) return;
    const d = packet.d as { id?: unknown; channel?: { type?: unknown; parent_id?: unknown } | null } | null | undefined;
    if (typeof d?.id !== "string" || typeof d.channel?.type !== "number") return;
    const parentId = d.channel.parent_id;
    this.channels.set(d.id, { type: d.channel.type, ...(typeof parentId === "string" ? { parentId } : {}) });
    if (this.channels.size > this.capacity) this.channels.delete(this.channels.keys().next().value!);
  }

  /** The channel type the interaction's payload named, if any. */
  typeOf(interactionId: string): ChannelType | undefined {
    return this.channels.get(interactionId)?.type;
  }

  /** The channel's parent the payload named (a thread's channel; a channel's category), if any. */
  parentOf(interactionId: string): string | undefined {
    return this.channels.get(interactionId)?.parentId;
  }

  forget(interactionId: string): void {
    this.channels.delete(interactionId);
  }
}
