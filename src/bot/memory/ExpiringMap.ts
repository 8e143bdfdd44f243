/**
 * A bounded in-process map whose entries expire. lru-cache drops an expired entry only when it is
 * read, so the keys of people who never come back would stay until `max` pushed them out: here
 * writes also sweep the expired entries, at most once per `sweepEveryMs` (a sweep visits every
 * entry, so it is not done on every write). Beyond `max` entries the least recently used go first.
 */
import { LRUCache } from "lru-cache";

export interface ExpiringMapOptions {
  /** Most entries held. */
  max: number;
  /** Default life of an entry after it was last set. */
  ttlMs: number;
  /** Least time between sweeps. @defaultValue the TTL, at most a minute */
  sweepEveryMs?: number;
}

export class ExpiringMap<V extends NonNullable<unknown>> {
  private readonly cache: LRUCache<string, V>;
  private readonly sweepEveryMs: number;
  private lastSweep = Date.now();

  constructor({ max, ttlMs, sweepEveryMs = Math.min(ttlMs, 60_000) }: ExpiringMapOptions) {
    // Reading does not extend an entry's life: it lasts `ttl` after its last change.
    this.cache = new LRUCache<string, V>({ max, ttl: ttlMs });
    this.sweepEveryMs = sweepEveryMs;
  }

  /** Entries held now, expired ones not yet swept included. */
  get size(): number {
    return this.cache.size;
  }

  get(key: string): V | undefined {
    return this.cache.get(key);
  }

  has(key: string): boolean {
    return this.cache.has(key);
  }

  /** Sets `key` for `ttlMs` (the map's default when omitted). */
  set(key: string, value: V, ttlMs?: number): void {
    this.sweep();
    this.cache.set(key, value, ttlMs === undefined ? undefined : { ttl: ttlMs });
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    this.cache.purgeStale();
  }
}
