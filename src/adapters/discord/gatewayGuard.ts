/**
 * Malformed gateway events must not end the process. discord.js 14 builds its structures inside
 * the gateway's dispatch handler (WebSocketManager → handlePacket → PacketHandlers → actions), so
 * a throw there escapes @discordjs/ws's async message handler as an unhandled rejection. Seen from
 * a Discord-compatible server: `message.thread: null` in a component interaction — Message#_patch
 * sees the key and calls `channels._add(null)`.
 *
 * Two layers:
 * 1. `normaliseDispatch`, on the client's `raw` event, which discord.js emits with the same packet
 *    object just before handlePacket: known-bad nulls are removed (Discord omits these fields
 *    instead), so the event is still handled and the person still gets an answer. An interaction
 *    with only `channel_id` gets a bare `channel: { id }`: discord.js reads the channel id from
 *    the `channel` object alone, and would otherwise report `channelId === null`. An interaction
 *    without `authorizing_integration_owners` (servers that predate user installs) gets an empty
 *    map: discord.js indexes into it unguarded.
 * 2. `guardPacketHandling` wraps the (private) handlePacket: anything else that throws is logged
 *    and that one event is dropped, instead of taking the process down.
 */
import type { Client } from "discord.js";

/**
 * Message fields discord.js dereferences whenever the key is present (`'thread' in data` →
 * `channels._add(data.thread)`, `data.embeds.map`, `data.message_reference.channel_id` …).
 */
const MESSAGE_FIELDS_NEVER_NULL = [
  "thread",
  "embeds",
  "components",
  "activity",
  "application",
  "message_reference",
  "role_subscription_data",
  "resolved",
] as const;

interface Packet {
  t?: string | null;
  d?: unknown;
}

/** Removes known-bad nulls from a dispatch in place; returns the paths it fixed (for a debug log). */
export function normaliseDispatch(packet: Packet): string[] {
  const fixed: string[] = [];
  const d = record(packet.d);
  if (!d) return fixed;
  switch (packet.t) {
    case "MESSAGE_CREATE":
    case "MESSAGE_UPDATE":
      fixMessage(d, "d", fixed);
      break;
    case "INTERACTION_CREATE": {
      // Only the id: discord.js then knows the channel id without caching a channel of unknown type.
      if ((d.channel === undefined || d.channel === null) && typeof d.channel_id === "string") {
        d.channel = { id: d.channel_id };
        fixed.push("d.channel");
      }
      if (!record(d.authorizing_integration_owners)) {
        d.authorizing_integration_owners = {};
        fixed.push("d.authorizing_integration_owners");
      }
      const message = record(d.message);
      if (message) fixMessage(message, "d.message", fixed);
      // Message context-menu commands carry the message in data.resolved.messages.
      const messages = record(record(record(d.data)?.resolved)?.messages);
      for (const [id, m] of Object.entries(messages ?? {})) {
        const resolved = record(m);
        if (resolved) fixMessage(resolved, `d.data.resolved.messages.${id}`, fixed);
      }
      break;
    }
  }
  return fixed;
}

function fixMessage(message: Record<string, unknown>, path: string, fixed: string[]): void {
  for (const key of MESSAGE_FIELDS_NEVER_NULL) {
    if (key in message && message[key] === null) {
      delete message[key];
      fixed.push(`${path}.${key}`);
    }
  }
  const referenced = record(message.referenced_message);
  if (referenced) fixMessage(referenced, `${path}.referenced_message`, fixed);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The private method of discord.js's WebSocketManager that runs the packet handlers. */
interface PacketHandling {
  handlePacket?: (packet?: Packet, shard?: unknown) => boolean;
}

/**
 * Contains throws from discord.js's packet handlers: `onError` gets the error and the event, the
 * event is dropped. Returns false if this discord.js version has no handlePacket to guard (the
 * normaliser still runs; other malformed events then reach the process-level handler).
 */
export function guardPacketHandling(client: Client, onError: (error: unknown, event: string | undefined) => void): boolean {
  // client.ws is discord.js's WebSocketManager; handlePacket is private, so it is reached untyped.
  const manager = client.ws as unknown as PacketHandling;
  const original = manager.handlePacket;
  if (typeof original !== "function") return false;
  manager.handlePacket = function guardedHandlePacket(this: unknown, packet?: Packet, shard?: unknown): boolean {
    try {
      return original.call(this, packet, shard);
    } catch (error) {
      onError(error, packet?.t ?? undefined);
      return true;
    }
  };
  return true;
}
