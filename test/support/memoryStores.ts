/** Redis memory stores and private redis-servers for memory tests, cleaned up after their file or describe. */
import { afterAll, beforeAll } from "vitest";
import { RedisMemoryStore } from "../../src/bot/memory/RedisMemoryStore.js";
import { freePort, PrivateRedis, SHARED_REDIS_URL } from "./redis.js";
import { tempDir } from "./tempDir.js";

type StoreOptions = Partial<ConstructorParameters<typeof RedisMemoryStore>[0]> & { namespace: string };

/** A factory of Redis stores with test timeouts (shared Redis unless `url` is given); every store is closed after the file. */
export function redisStores(closeWaitMs = 500): (options: StoreOptions) => RedisMemoryStore {
  const stores: RedisMemoryStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close(closeWaitMs);
  });
  return (options) => {
    const s = new RedisMemoryStore({
      url: SHARED_REDIS_URL,
      ttlMs: 60_000,
      maxTurns: 40,
      operationTimeoutMs: 300,
      retryEveryMs: 100,
      ...options,
    });
    stores.push(s);
    return s;
  };
}

/** A private redis-server (to stop and start at will) for the enclosing describe; started before its tests, stopped after. */
export function privateRedis(label: string): () => PrivateRedis {
  const dir = tempDir(`sidbot-${label}-`);
  let server: PrivateRedis | undefined;
  beforeAll(async () => {
    server = new PrivateRedis(await freePort(), dir);
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => server!;
}
