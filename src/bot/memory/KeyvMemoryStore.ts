/**
 * Conversation memory in keyv: Redis through @keyv/redis when a URL is given, keyv's in-process
 * Map otherwise. Redis being unreachable never fails a request: reads fall back to the last copy
 * this process saw of recently active conversations, writes wait in-process, one warning is
 * logged per outage, and what was written meanwhile is flushed to Redis when it answers again —
 * so nothing already stored is lost.
 */
import KeyvRedis from "@keyv/redis";
import Keyv from "keyv";
import type { Logger } from "../../util/logger.js";
import type { Metrics } from "../../ops/Metrics.js";
import { silentLogger } from "../../util/logger.js";
import type { ConversationState, MemoryStore } from "./MemoryStore.js";

// Conversations whose last state is kept in-process for outages.
const RECENT_LIMIT = 1000;
// Writes held while Redis is away; beyond this the oldest are dropped (logged) to bound memory.
const PENDING_LIMIT = 10_000;

export interface KeyvMemoryStoreOptions {
  /** redis://… URL; undefined = in-process memory. */
  redisUrl?: string | undefined;
  /** Key prefix (keyv namespace). @defaultValue "sidbot" */
  namespace?: string;
  /** Time to live of a conversation since its last change. */
  ttlMs: number;
  /** Longest a Redis call may take before it counts as an outage. @defaultValue 1000 */
  operationTimeoutMs?: number;
  logger?: Logger;
  metrics?: Metrics | undefined;
}

export class KeyvMemoryStore implements MemoryStore {
  private readonly keyv: Keyv<ConversationState>;
  private readonly logger: Logger;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly remote: boolean;
  /** Writes not yet in Redis (undefined value = a pending delete), newest state per key. */
  private readonly pending = new Map<string, { state: ConversationState | undefined; expiresAt: number }>();
  /** Last known state of recently active conversations, used only while Redis is unreachable. */
  private readonly recent = new Map<string, { state: ConversationState; expiresAt: number }>();
  private outage = false;

  private readonly metrics: Metrics | undefined;

  constructor({ redisUrl, namespace = "sidbot", ttlMs, operationTimeoutMs = 1000, logger = silentLogger, metrics }: KeyvMemoryStoreOptions) {
    this.logger = logger;
    this.metrics = metrics;
    this.ttlMs = ttlMs;
    this.timeoutMs = operationTimeoutMs;
    this.remote = redisUrl !== undefined;
    if (redisUrl) {
      const store = new KeyvRedis(
        {
          url: redisUrl,
          // Fail fast while disconnected instead of queueing; keep reconnecting in the background.
          disableOfflineQueue: true,
          socket: { connectTimeout: operationTimeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
        },
        { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: operationTimeoutMs },
      );
      this.keyv = new Keyv<ConversationState>({ store, namespace, throwOnErrors: true });
    } else {
      this.keyv = new Keyv<ConversationState>({ namespace });
    }
    // keyv re-emits store errors; they are handled per call below.
    this.keyv.on("error", () => {});
  }

  get degraded(): boolean {
    return this.outage;
  }

  async get(conversation: string): Promise<ConversationState | undefined> {
    const local = this.pending.get(conversation);
    if (local && local.expiresAt > Date.now()) {
      await this.flush(); // opportunistic: Redis may be back
      return local.state;
    }
    try {
      const state = await this.call(() => this.keyv.get(conversation));
      this.recovered();
      await this.flush();
      if (state) this.remember(conversation, state, Date.now() + this.ttlMs);
      return state ?? undefined;
    } catch (error) {
      this.failed(error);
      const known = this.recent.get(conversation);
      return known && known.expiresAt > Date.now() ? known.state : undefined;
    }
  }

  async set(conversation: string, state: ConversationState): Promise<void> {
    const expiresAt = Date.now() + this.ttlMs;
    this.pending.delete(conversation); // re-insert: Map order is the age order
    this.pending.set(conversation, { state, expiresAt });
    if (this.pending.size > PENDING_LIMIT) {
      const [oldest] = this.pending.keys();
      this.pending.delete(oldest!);
      this.logger.warn({ conversation: oldest, limit: PENDING_LIMIT }, "Redis still unreachable: dropped the oldest unsaved conversation update");
    }
    this.remember(conversation, state, expiresAt);
    await this.flush();
  }

  async delete(conversation: string): Promise<void> {
    this.pending.set(conversation, { state: undefined, expiresAt: Date.now() + this.ttlMs });
    this.recent.delete(conversation);
    await this.flush();
  }

  private readonly claimed = new Map<string, number>();

  async claim(id: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    for (const [key, expiresAt] of this.claimed) if (expiresAt <= now) this.claimed.delete(key);
    if (this.claimed.has(id)) return false;
    this.claimed.set(id, now + ttlMs);
    return true;
  }

  private remember(conversation: string, state: ConversationState, expiresAt: number): void {
    if (!this.remote) return;
    this.recent.delete(conversation); // re-insert: Map order is the LRU order
    this.recent.set(conversation, { state, expiresAt });
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value!);
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.pending.size > 0) this.logger.warn({ unsaved: this.pending.size }, "conversation memory not saved: Redis unreachable at shutdown");
    await this.keyv.disconnect().catch(() => {});
  }

  /** Writes every pending change; stops at the first failure (the rest stays pending). */
  private async flush(): Promise<void> {
    for (const [key, { state, expiresAt }] of this.pending) {
      try {
        const ttl = expiresAt - Date.now();
        if (state === undefined || ttl <= 0) await this.call(() => this.keyv.delete(key));
        else await this.call(() => this.keyv.set(key, state, ttl));
        // Only drop it if no newer write arrived meanwhile.
        if (this.pending.get(key)?.state === state) this.pending.delete(key);
        this.recovered();
      } catch (error) {
        this.failed(error);
        return;
      }
    }
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.remote) return operation();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        operation(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(error: unknown): void {
    this.metrics?.redisErrors.inc();
    if (this.outage) return;
    this.outage = true;
    this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "Redis unreachable: answering without stored memory until it is back");
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    this.logger.info({ pending: this.pending.size }, "Redis reachable again: conversation memory restored");
  }
}
