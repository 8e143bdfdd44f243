/**
 * Which model workers are alive, shared through Redis: each worker writes its description and a
 * heartbeat (on the Redis clock) every second; bots read the live set every second. A worker
 * whose heartbeat is older than {@link STALE_AFTER_MS} counts as gone (killed, frozen or cut off).
 */
import type { Redis } from "ioredis";
import type { WorkerInfo } from "./remoteJobs.js";

export const HEARTBEAT_MS = 1000;
export const STALE_AFTER_MS = 3500;
// Descriptions of workers gone this long are removed by whoever reads the registry.
const FORGET_AFTER_MS = 60_000;

export class WorkerRegistry {
  private readonly aliveKey: string;
  private readonly infoKey: string;

  constructor(
    private readonly redis: Redis,
    namespace: string,
    queue: string,
  ) {
    this.aliveKey = `${namespace}:workers:${queue}:alive`;
    this.infoKey = `${namespace}:workers:${queue}:info`;
  }

  /** Writes the worker's description and heartbeat; repeated every second (a restarted Redis may have lost both). */
  async beat(info: WorkerInfo, now: number): Promise<void> {
    await this.redis.multi().hset(this.infoKey, info.id, JSON.stringify(info)).zadd(this.aliveKey, now, info.id).exec();
  }

  async leave(id: string): Promise<void> {
    await this.redis.multi().zrem(this.aliveKey, id).hdel(this.infoKey, id).exec();
  }

  /** Workers with a fresh heartbeat (`now` on the Redis clock), with their descriptions. */
  async alive(now: number): Promise<WorkerInfo[]> {
    const ids = await this.redis.zrangebyscore(this.aliveKey, now - STALE_AFTER_MS, "+inf");
    const forgotten = await this.redis.zrangebyscore(this.aliveKey, "-inf", now - FORGET_AFTER_MS);
    if (forgotten.length > 0)
      await this.redis
        .multi()
        .zrem(this.aliveKey, ...forgotten)
        .hdel(this.infoKey, ...forgotten)
        .exec();
    if (ids.length === 0) return [];
    const infos = await this.redis.hmget(this.infoKey, ...ids);
    return infos.flatMap((json) => {
      if (!json) return [];
      try {
        return [JSON.parse(json) as WorkerInfo];
      } catch {
        return [];
      }
    });
  }
}
