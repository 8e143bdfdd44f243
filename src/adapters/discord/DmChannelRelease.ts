/**
 * Drops a DM channel from discord.js's channel cache once nothing is handling it. With user installs
 * anyone can reach the bot's DM, and no cache limit or sweeper covers channels: without this, every
 * DM ever used would stay cached. A DM that comes back arrives as a partial channel, as the first did.
 */
export class DmChannelRelease {
  /** Handlers running per DM channel id: the last to finish drops the channel. */
  private readonly running = new Map<string, number>();

  constructor(private readonly cache: { delete(channelId: string): boolean }) {}

  /** Runs `handle`; when `dmChannelId` is set (a DM) and no other handler for it is running afterwards, uncaches it. */
  async during<T>(dmChannelId: string | null, handle: () => Promise<T>): Promise<T> {
    if (!dmChannelId) return handle();
    this.running.set(dmChannelId, (this.running.get(dmChannelId) ?? 0) + 1);
    try {
      return await handle();
    } finally {
      const left = (this.running.get(dmChannelId) ?? 1) - 1;
      if (left > 0) this.running.set(dmChannelId, left);
      else {
        this.running.delete(dmChannelId);
        this.cache.delete(dmChannelId);
      }
    }
  }
}
