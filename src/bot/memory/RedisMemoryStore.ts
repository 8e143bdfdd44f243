/**
 * Conversation memory in Redis, shared by every sidbot process on it.
 *
 * Keys (one prefix, `memory.namespace`, default "sidbot"):
 * - `sidbot:conv:{conversation}:turns` — list of exchanges (JSON), newest last, trimmed
 * - `sidbot:conv:{conversation}:meta`  — hash: owner, lastAnswer (JSON), updatedAt
 * - `sidbot:conv:{conversation}:votes` — hash: `{user}\n{sid}` → {value, at}
 * - `sidbot:feedback` — stream of every vote (for `sidbot feedback export`)
 * - `sidbot:recent:{person}` — list of a person's recently recommended SIDs, newest first, trimmed
 * - `sidbot:seen:{event}`, `sidbot:op:{id}` — delivery claims and applied-write markers (TTL)
 *
 * Every change is a Lua script that appends (RPUSH + LTRIM, HSETNX owner), so two processes
 * writing one conversation both land, in the order Redis receives them. While Redis is
 * unreachable, changes wait in an in-process journal and are replayed in order when it answers
 * again: replayed appends add to what Redis holds (never replace it), and each carries an id so
 * a write that timed out but did land is not applied twice. The journal is bounded: people's
 * recent lists have their own smaller budget and are dropped first, so a long outage costs
 * "recently recommended" entries before it costs any conversation. During an outage reads return this
 * process's last copy of the conversation plus its own pending changes — a process that never
 * saw a conversation answers without its history until Redis is back.
 */
import { createClient } from "@keyv/redis";
import { SidbotError } from "../../errors.js";
import type { Metrics } from "../../ops/Metrics.js";
import type { Logger } from "../../util/logger.js";
import { silentLogger } from "../../util/logger.js";
import { finishesWithin } from "../../util/finishesWithin.js";
import { applyExchange, applyVote } from "./applyChanges.js";
import { ExpiringMap } from "./ExpiringMap.js";
import { APPEND_SCRIPT, MIGRATE_SCRIPT, RECENT_SCRIPT, VOTE_SCRIPT } from "./redisScripts.js";
import {
  emptyState,
  RECENT_ITEMS_KEPT,
  type ConversationState,
  type Exchange,
  type FeedbackRecord,
  type MemoryStore,
  type Vote,
} from "./MemoryStore.js";

export interface RedisMemoryStoreOptions {
  /** redis://… URL. */
  url: string;
  /** Key prefix. @defaultValue "sidbot" */
  namespace?: string;
  /** A conversation is forgotten this long after its last change. */
  ttlMs: number;
  /** Most turns kept (user and assistant each count). */
  maxTurns: number;
  /** Longest a Redis call may take before it counts as an outage. @defaultValue 1000 */
  operationTimeoutMs?: number;
  /** How often pending changes are retried during an outage. @defaultValue 1000 */
  retryEveryMs?: number;
  logger?: Logger;
  metrics?: Metrics | undefined;
}

type ConversationChange =
  | { kind: "append"; conversation: string; exchange: Exchange }
  | { kind: "vote"; record: FeedbackRecord }
  | { kind: "delete"; conversation: string };
type RecentChange = { kind: "recent"; person: string; sids: string[] };
type Change = ConversationChange | RecentChange;

// Conversations whose last state is kept in-process for outages.
const LOCAL_COPIES_LIMIT = 1000;
/**
 * Changes held while Redis is away, all kinds together; beyond this the oldest recent-list change
 * is dropped first, a conversation change only when none is left.
 */
export const PENDING_LIMIT = 10_000;
/** Of those, recent-list changes (a lost one only shortens someone's "recently recommended"); beyond this the oldest is dropped. */
export const PENDING_RECENT_LIMIT = 1000;
/** Delivery claims held while Redis is away (redeliveries come within minutes). */
export const LOCAL_CLAIMS_LIMIT = 100_000;
/** Longest `recentFor` waits for the backlog to be written before it answers (the Home tab must not wait on a whole outage's backlog). */
export const RECENT_READ_WAIT_MS = 500;
// How long a write id is remembered (a replay comes within this).
const WRITE_ID_TTL_MS = 24 * 3600 * 1000;
// Conversations this process knows to have no 0.1 value left (bounded; forgetting costs one GET).
const MIGRATED_LIMIT = 100_000;
// Votes kept in the feedback stream (approximate trim).
const FEEDBACK_STREAM_MAX = 1_000_000;

export class RedisMemoryStore implements MemoryStore {
  private readonly client: ReturnType<typeof createClient>;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly maxTurns: number;
  private readonly timeoutMs: number;
  private readonly retryEveryMs: number;
  private readonly logger: Logger;
  private readonly metrics: Metrics | undefined;
  private readonly namespace: string;
  /** Conversation changes not yet in Redis, oldest first: written before the recent-list ones. */
  private readonly pending: ConversationChange[] = [];
  /** People's recent-list changes not yet in Redis, oldest first. */
  private readonly pendingRecents: RecentChange[] = [];
  /** Changes dropped this outage because the journal was full, by kind (logged once per kind, summed up when Redis is back). */
  private dropped = { conversation: 0, recent: 0 };
  /** This process's last copy of recently used conversations (with its pending changes), for outages. */
  private readonly localCopies: ExpiringMap<ConversationState>;
  /** Records made while Redis was unreachable, with when they expire: written to Redis when it is back. */
  private readonly unsavedRecords = new Map<string, number>();
  /** Claims and records made while Redis was unreachable. */
  private readonly localClaims = new ExpiringMap<true>({ max: LOCAL_CLAIMS_LIMIT, ttlMs: 24 * 3600 * 1000 });
  private readonly migrated = new Set<string>();
  private flushing: Promise<void> | undefined;
  private readonly firstConnect: Promise<void>;
  private retryTimer: NodeJS.Timeout | undefined;
  private outage = false;
  private closed = false;

  constructor({
    url,
    namespace = "sidbot",
    ttlMs,
    maxTurns,
    operationTimeoutMs = 1000,
    retryEveryMs = 1000,
    logger = silentLogger,
    metrics,
  }: RedisMemoryStoreOptions) {
    this.namespace = namespace;
    this.prefix = `${namespace}:`;
    this.ttlMs = ttlMs;
    this.maxTurns = maxTurns;
    this.timeoutMs = operationTimeoutMs;
    this.retryEveryMs = retryEveryMs;
    this.logger = logger;
    this.metrics = metrics;
    this.localCopies = new ExpiringMap({ max: LOCAL_COPIES_LIMIT, ttlMs });
    this.client = createClient({
      url,
      // Fail fast while disconnected instead of queueing; keep reconnecting in the background.
      disableOfflineQueue: true,
      socket: { connectTimeout: operationTimeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
    });
    this.client.on("error", (error: unknown) => this.failed(error));
    this.client.on("ready", () => void this.flush());
    // The first calls wait for the first connection attempt; after that, calls fail fast.
    this.firstConnect = new Promise((resolve) => {
      this.client.once("ready", resolve);
      this.client.once("error", resolve);
    });
    this.client.connect().catch((error: unknown) => this.failed(error));
  }

  get degraded(): boolean {
    return this.outage;
  }

  /** What this process holds besides Redis (all bounded): conversation copies, outage claims, and changes waiting to be written. */
  held(): { conversations: number; claims: number; pending: number; pendingRecents: number } {
    return {
      conversations: this.localCopies.size,
      claims: this.localClaims.size,
      pending: this.pending.length,
      pendingRecents: this.pendingRecents.length,
    };
  }

  async get(conversation: string): Promise<ConversationState | undefined> {
    await this.flush();
    // Still unsaved changes for it: Redis is away, so this process's view is the best there is.
    if (this.pending.some((c) => conversationOf(c) === conversation)) return this.localCopies.get(conversation);
    try {
      const state = await this.call(() => this.read(conversation));
      this.recovered();
      if (state) this.remember(conversation, state);
      else this.localCopies.delete(conversation);
      return state;
    } catch (error) {
      this.failed(error);
      return this.localCopies.get(conversation);
    }
  }

  async append(conversation: string, exchange: Exchange): Promise<void> {
    this.remember(conversation, applyExchange(this.localCopies.get(conversation) ?? emptyState(), exchange, this.maxTurns));
    await this.enqueue({ kind: "append", conversation, exchange });
  }

  async vote(record: FeedbackRecord): Promise<void> {
    this.remember(record.conversation, applyVote(this.localCopies.get(record.conversation) ?? emptyState(), record));
    await this.enqueue({ kind: "vote", record });
  }

  async delete(conversation: string): Promise<void> {
    this.localCopies.delete(conversation);
    await this.enqueue({ kind: "delete", conversation });
  }

  async claim(id: string, ttlMs: number): Promise<boolean> {
    try {
      const set = await this.call(() =>
        this.client.set(`${this.prefix}seen:${id}`, "1", { condition: "NX", expiration: { type: "PX", value: ttlMs } }),
      );
      this.recovered();
      return set !== null;
    } catch (error) {
      // Without Redis, other processes cannot be asked: at least this one answers an event once.
      this.failed(error);
      if (this.localClaims.has(id)) return false;
      this.localClaims.set(id, true, ttlMs);
      return true;
    }
  }

  async record(id: string, ttlMs: number): Promise<boolean> {
    try {
      const previous = await this.call(() =>
        this.client.set(`${this.prefix}seen:${id}`, "1", { expiration: { type: "PX", value: ttlMs }, GET: true }),
      );
      this.recovered();
      return previous === null && !this.localClaims.has(id);
    } catch (error) {
      // Kept here, and written to Redis when it answers again, so other processes learn it too.
      this.failed(error);
      const known = this.localClaims.has(id);
      this.localClaims.set(id, true, ttlMs);
      this.unsavedRecords.delete(id);
      this.unsavedRecords.set(id, Date.now() + ttlMs);
      if (this.unsavedRecords.size > LOCAL_CLAIMS_LIMIT) this.unsavedRecords.delete(this.unsavedRecords.keys().next().value!);
      this.scheduleRetry();
      return !known;
    }
  }

  async release(id: string): Promise<void> {
    this.localClaims.delete(id);
    this.unsavedRecords.delete(id);
    try {
      await this.call(() => this.client.del(`${this.prefix}seen:${id}`));
      this.recovered();
    } catch (error) {
      // Left to expire: at worst the claim holds until its TTL, as it did before release existed.
      this.failed(error);
    }
  }

  async claimed(id: string): Promise<boolean> {
    try {
      const found = await this.call(() => this.client.exists(`${this.prefix}seen:${id}`));
      this.recovered();
      return found > 0 || this.localClaims.has(id);
    } catch (error) {
      this.failed(error);
      return this.localClaims.has(id);
    }
  }

  async addRecent(person: string, sids: readonly string[]): Promise<void> {
    await this.enqueue({ kind: "recent", person, sids: [...sids] });
  }

  /**
   * Undefined while Redis is away, or while this person's newest picks still wait to be written
   * (a partial list would mislead). Waits for the backlog at most {@link RECENT_READ_WAIT_MS}:
   * other people's waiting writes do not change this person's list.
   */
  async recentFor(person: string): Promise<string[] | undefined> {
    await finishesWithin(this.flush(), RECENT_READ_WAIT_MS);
    if (this.pendingRecents.some((c) => c.person === person)) return undefined;
    try {
      const sids = await this.call(() => this.client.lRange(this.recentKey(person), 0, RECENT_ITEMS_KEPT - 1));
      this.recovered();
      return sids;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  async feedbackSince(sinceMs: number): Promise<FeedbackRecord[]> {
    const out: FeedbackRecord[] = [];
    let start = `${Math.max(0, Math.floor(sinceMs))}-0`;
    for (;;) {
      const entries = await this.call(() => this.client.xRange(`${this.prefix}feedback`, start, "+", { COUNT: 1000 }));
      for (const { message } of entries) {
        const m = message as Record<string, string>;
        const at = Number(m.at);
        if (at >= sinceMs)
          out.push({
            conversation: m.conversation ?? "",
            userId: m.user ?? "",
            sids: JSON.parse(m.sids ?? "[]") as string[],
            value: m.value === "down" ? "down" : "up",
            at,
          });
      }
      if (entries.length < 1000) return out;
      start = `(${entries.at(-1)!.id}`;
    }
  }

  /** Tries to write what is pending (up to `waitMs`), then disconnects. */
  async close(waitMs = 3000): Promise<void> {
    if (this.closed) return;
    this.closed = true; // no more retries; the flush below is the last try
    clearInterval(this.retryTimer);
    await finishesWithin(this.flush(), waitMs);
    if (this.backlog > 0) this.logger.warn({ unsaved: this.backlog }, "conversation memory not saved: Redis unreachable at shutdown");
    if (this.client.isOpen) this.client.destroy();
  }

  private keys(conversation: string) {
    const base = `${this.prefix}conv:${conversation}`;
    return { turns: `${base}:turns`, meta: `${base}:meta`, votes: `${base}:votes` };
  }

  private async read(conversation: string): Promise<ConversationState | undefined> {
    await this.migrateLegacy(conversation);
    const k = this.keys(conversation);
    const [exchanges, meta, votes] = (await this.client
      .multi()
      .lRange(k.turns, 0, -1)
      .hGetAll(k.meta)
      .hGetAll(k.votes)
      .exec()) as unknown as [string[], Record<string, string>, Record<string, string>];
    if (exchanges.length === 0 && Object.keys(meta).length === 0 && Object.keys(votes).length === 0) return undefined;
    const state: ConversationState = {
      turns: exchanges.flatMap((raw) => {
        const e = JSON.parse(raw) as Pick<Exchange, "user" | "assistant">;
        return [e.user, e.assistant];
      }),
      feedback: Object.entries(votes)
        .map(([field, raw]) => {
          const [userId = "", sid = ""] = field.split("\n");
          const v = JSON.parse(raw) as { value: Vote; at: number };
          return { userId, sid, value: v.value, at: v.at };
        })
        .sort((a, b) => a.at - b.at),
      updatedAt: Number(meta.updatedAt ?? 0),
    };
    if (meta.owner) state.owner = meta.owner;
    if (meta.lastAnswer) state.lastAnswer = JSON.parse(meta.lastAnswer) as ConversationState["lastAnswer"];
    return state;
  }

  /**
   * Before 0.2, a conversation was one keyv value at `{ns}::{ns}:{conversation}` (keyv and
   * @keyv/redis each added the prefix). Before the first read or write of a conversation this
   * process makes, such a value is converted in one script: its turns go before any newer ones,
   * its owner stays the owner, and it is deleted — so a 0.1 thread survives even when the first
   * thing to touch it is a vote or a write replayed after an outage.
   */
  private async migrateLegacy(conversation: string): Promise<void> {
    if (this.migrated.has(conversation)) return;
    const legacyKey = this.legacyKey(conversation);
    const raw = await this.client.get(legacyKey);
    if (raw) {
      const old = (JSON.parse(raw) as { value?: ConversationState }).value;
      const exchanges: string[] = [];
      for (let i = 0; old && i + 1 < old.turns.length; i += 2)
        exchanges.push(JSON.stringify({ user: old.turns[i], assistant: old.turns[i + 1], at: old.updatedAt }));
      const votes = (old?.feedback ?? []).flatMap((f) => [`${f.userId}\n${f.sid}`, JSON.stringify({ value: f.value, at: f.at })]);
      const k = this.keys(conversation);
      await this.client.eval(MIGRATE_SCRIPT, {
        keys: [legacyKey, k.turns, k.meta, k.votes],
        arguments: [
          raw,
          String(this.ttlMs),
          String(this.keepExchanges),
          old?.owner ?? "",
          old?.lastAnswer ? JSON.stringify(old.lastAnswer) : "",
          String(old?.updatedAt ?? Date.now()),
          String(exchanges.length),
          ...exchanges,
          ...votes,
        ],
      });
    }
    if (this.migrated.size >= MIGRATED_LIMIT) this.migrated.clear();
    this.migrated.add(conversation);
  }

  private recentKey(person: string): string {
    return `${this.prefix}recent:${person}`;
  }

  private legacyKey(conversation: string): string {
    return `${this.namespace}::${this.namespace}:${conversation}`;
  }

  private get keepExchanges(): number {
    return Math.max(1, Math.floor(this.maxTurns / 2));
  }

  private async write(change: Change): Promise<void> {
    // A person's recent list has no 0.1 predecessor to convert.
    if (change.kind !== "recent") await this.migrateLegacy(conversationOf(change));
    switch (change.kind) {
      case "append": {
        const { conversation, exchange: e } = change;
        const k = this.keys(conversation);
        await this.client.eval(APPEND_SCRIPT, {
          keys: [k.turns, k.meta, k.votes, `${this.prefix}op:${e.id}`],
          arguments: [
            JSON.stringify({ user: e.user, assistant: e.assistant, at: e.at }),
            String(this.keepExchanges),
            String(this.ttlMs),
            e.owner ?? "",
            // The answer carries its own time: votes and item-less exchanges move updatedAt only.
            e.lastAnswer ? JSON.stringify({ ...e.lastAnswer, at: e.at }) : "",
            String(e.at),
            String(WRITE_ID_TTL_MS),
          ],
        });
        return;
      }
      case "vote": {
        const r = change.record;
        const k = this.keys(r.conversation);
        const votes = r.sids.flatMap((sid) => [`${r.userId}\n${sid}`, JSON.stringify({ value: r.value, at: r.at })]);
        await this.client.eval(VOTE_SCRIPT, {
          keys: [
            k.meta,
            k.votes,
            k.turns,
            `${this.prefix}op:vote:${r.conversation}:${r.userId}:${r.at}:${r.sids.join(",")}`,
            `${this.prefix}feedback`,
          ],
          arguments: [
            String(this.ttlMs),
            String(WRITE_ID_TTL_MS),
            String(r.at),
            r.conversation,
            r.userId,
            r.value,
            JSON.stringify(r.sids),
            String(FEEDBACK_STREAM_MAX),
            ...votes,
          ],
        });
        return;
      }
      case "recent": {
        await this.client.eval(RECENT_SCRIPT, {
          keys: [this.recentKey(change.person)],
          arguments: [String(RECENT_ITEMS_KEPT), String(this.ttlMs), ...change.sids],
        });
        return;
      }
      case "delete": {
        const k = this.keys(change.conversation);
        await this.client.del([k.turns, k.meta, k.votes, this.legacyKey(change.conversation)]);
        return;
      }
      default:
        return change satisfies never;
    }
  }

  private get backlog(): number {
    return this.pending.length + this.pendingRecents.length;
  }

  private async enqueue(change: Change): Promise<void> {
    if (change.kind === "recent") {
      this.pendingRecents.push(change);
      if (this.pendingRecents.length > PENDING_RECENT_LIMIT) this.drop(this.pendingRecents);
    } else this.pending.push(change);
    // A full journal costs recent lists first: a conversation change goes only when none is left.
    if (this.backlog > PENDING_LIMIT) this.drop(this.pendingRecents.length > 0 ? this.pendingRecents : this.pending);
    await this.flush();
  }

  /** Drops the oldest change of `queue`, with one warning per kind and outage. */
  private drop(queue: Change[]): void {
    const change = queue.shift();
    if (!change) return;
    const kind = change.kind === "recent" ? "recent" : "conversation";
    if (this.dropped[kind]++ > 0) return;
    this.logger.warn(
      { kind, limit: kind === "recent" ? PENDING_RECENT_LIMIT : PENDING_LIMIT },
      kind === "recent"
        ? "Redis still unreachable: dropping the oldest unsaved recent-recommendation changes"
        : "Redis still unreachable: dropping the oldest unsaved conversation changes",
    );
  }

  /** Writes pending changes, conversations first, each kind in order; stops at the first failure (the rest waits for a retry). */
  private flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.backlog > 0) {
      // Conversation changes first, including those queued while recent lists were being written.
      const queue: Change[] = this.pending.length > 0 ? this.pending : this.pendingRecents;
      const change = queue[0]!;
      try {
        await this.call(() => this.write(change));
      } catch (error) {
        if (!isConnectionProblem(error)) {
          // Redis answered with an error: retrying cannot help, and it must not block the rest.
          this.logger.error({ err: error, conversation: conversationOf(change) }, "conversation change rejected by Redis; dropped");
          settled(queue, change);
          continue;
        }
        this.failed(error);
        this.scheduleRetry();
        return;
      }
      settled(queue, change);
      this.recovered();
    }
    try {
      await this.writeBackRecords();
    } catch (error) {
      this.failed(error);
      this.scheduleRetry();
    }
  }

  /** Writes the records made during an outage (one another process renewed meanwhile is left as it is). */
  private async writeBackRecords(): Promise<void> {
    for (const [id, expiresAt] of [...this.unsavedRecords]) {
      const left = expiresAt - Date.now();
      if (left > 0)
        await this.call(() =>
          this.client.set(`${this.prefix}seen:${id}`, "1", { condition: "NX", expiration: { type: "PX", value: left } }),
        );
      this.unsavedRecords.delete(id);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setInterval(() => {
      if (this.backlog === 0 && this.unsavedRecords.size === 0) {
        clearInterval(this.retryTimer);
        this.retryTimer = undefined;
        return;
      }
      void this.flush();
    }, this.retryEveryMs);
    this.retryTimer.unref();
  }

  private remember(conversation: string, state: ConversationState): void {
    this.localCopies.set(conversation, state);
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    const answer = (async () => {
      if (!this.client.isReady) await this.firstConnect;
      if (!this.client.isReady) throw new RedisUnreachable("Redis is not connected");
      return operation();
    })();
    if (await finishesWithin(answer, this.timeoutMs)) return answer;
    throw new RedisUnreachable(`Redis did not answer within ${this.timeoutMs} ms`);
  }

  private failed(error: unknown): void {
    this.metrics?.redisErrors.inc();
    if (this.outage || this.closed) return;
    this.outage = true;
    this.logger.warn({ err: error }, "Redis unreachable: answering without stored memory until it is back");
  }

  private recovered(): void {
    if (!this.outage) return;
    this.outage = false;
    const dropped = this.dropped;
    this.dropped = { conversation: 0, recent: 0 };
    this.logger.info({ pending: this.backlog, dropped }, "Redis reachable again: conversation memory restored");
    if (this.unsavedRecords.size > 0) void this.flush();
  }
}

class RedisUnreachable extends SidbotError {
  override name = "RedisUnreachable";
  constructor(message: string) {
    super("redis_unreachable", message);
  }
}

/** A Redis error reply (bad command, script error) is final; anything else may pass. */
function isConnectionProblem(error: unknown): boolean {
  if (error instanceof RedisUnreachable) return true;
  const name = error instanceof Error ? error.constructor.name : "";
  return !/ErrorReply$|^SimpleError$|^BlobError$/.test(name);
}

/** Takes a written (or rejected) change off its queue, unless a full journal dropped it meanwhile. */
function settled(queue: Change[], change: Change): void {
  if (queue[0] === change) queue.shift();
}

/** What a change is about, for logs and pending checks (a person's recent list is not a conversation). */
function conversationOf(change: Change): string {
  if (change.kind === "recent") return `recent:${change.person}`;
  return change.kind === "vote" ? change.record.conversation : change.conversation;
}
