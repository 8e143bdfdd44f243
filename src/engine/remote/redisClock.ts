import type { Redis } from "ioredis";

/**
 * Time as Redis tells it. Bots and workers on different hosts compare heartbeats and deadlines
 * on this one clock, so a host whose own clock is off neither looks dead nor drops fresh jobs.
 */
export class RedisClock {
  private offsetMs = 0;

  /** Measures the offset between this host and Redis (call it often; failures keep the last one). */
  async sync(redis: Redis): Promise<void> {
    const before = Date.now();
    const [seconds, micros] = await redis.time();
    const after = Date.now();
    this.offsetMs = Math.round(Number(seconds) * 1000 + Number(micros) / 1000 - (before + after) / 2);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }
}
