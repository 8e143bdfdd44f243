import { Redis } from "ioredis";

/**
 * An ioredis connection for BullMQ. Workers and event readers block and must retry forever
 * (`maxRetriesPerRequest: null`, as BullMQ requires); a bot's producer connection fails fast
 * while Redis is away, so the request is answered from the catalog instead of waiting.
 */
export function openRedis(url: string, role: "producer" | "blocking"): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === "blocking" ? null : 1,
    enableOfflineQueue: role === "blocking",
    // Reconnect quickly after a Redis restart, but never hammer it.
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    lazyConnect: false,
  });
  // Outages are seen (and logged) where the connection is used; without a listener ioredis prints every retry.
  redis.on("error", () => {});
  return redis;
}
