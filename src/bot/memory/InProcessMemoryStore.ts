/**
 * Conversation memory in this process only, used when no REDIS_URL is set: lost on restart and
 * not shared with other processes. Each change reads and writes its entry without awaiting in
 * between, so concurrent appends never overwrite each other. Every map is bounded (ExpiringMap):
 * expired entries are swept, and beyond the limits below the least recently used go first.
 */
import { applyExchange, applyRecent, applyVote } from "./applyChanges.js";
import { ExpiringMap } from "./ExpiringMap.js";
import { emptyState, type ConversationState, type Exchange, type FeedbackRecord, type MemoryStore } from "./MemoryStore.js";

export interface InProcessMemoryStoreOptions {
  /** A conversation (and a person's recent list) is forgotten this long after its last change. */
  ttlMs: number;
  /** Most turns kept (user and assistant each count). */
  maxTurns: number;
}

// Votes kept for `sidbot feedback export` (the oldest go first).
const FEEDBACK_LOG_LIMIT = 100_000;
/** Most entries held in process; beyond them the least recently used are forgotten before their TTL. */
export const IN_PROCESS_LIMITS = {
  /** Conversations (each up to `maxTurns` turns): the largest entries. */
  conversations: 10_000,
  /** People's recent lists (10 SIDs each). */
  people: 50_000,
  /** Delivery claims: redeliveries come within minutes, far fewer than this many events later. */
  claims: 100_000,
} as const;

export class InProcessMemoryStore implements MemoryStore {
  readonly degraded = false;
  private readonly states: ExpiringMap<ConversationState>;
  private readonly claims: ExpiringMap<true>;
  private readonly recents: ExpiringMap<string[]>;
  private readonly feedback: FeedbackRecord[] = [];

  constructor(private readonly options: InProcessMemoryStoreOptions) {
    const ttlMs = options.ttlMs;
    this.states = new ExpiringMap({ max: IN_PROCESS_LIMITS.conversations, ttlMs });
    this.recents = new ExpiringMap({ max: IN_PROCESS_LIMITS.people, ttlMs });
    // Each claim brings its own TTL (the default only fills the option); swept at most once a minute.
    this.claims = new ExpiringMap({ max: IN_PROCESS_LIMITS.claims, ttlMs: 24 * 3600 * 1000 });
  }

  /** Entries held now (expired ones not yet swept included): what this store costs in memory. */
  held(): { conversations: number; people: number; claims: number } {
    return { conversations: this.states.size, people: this.recents.size, claims: this.claims.size };
  }

  async get(conversation: string): Promise<ConversationState | undefined> {
    return this.states.get(conversation);
  }

  async append(conversation: string, exchange: Exchange): Promise<void> {
    this.update(conversation, (state) => applyExchange(state, exchange, this.options.maxTurns));
  }

  async vote(record: FeedbackRecord): Promise<void> {
    this.update(record.conversation, (state) => applyVote(state, record));
    this.feedback.push(record);
    if (this.feedback.length > FEEDBACK_LOG_LIMIT) this.feedback.shift();
  }

  async delete(conversation: string): Promise<void> {
    this.states.delete(conversation);
  }

  async claimed(id: string): Promise<boolean> {
    return this.claims.has(id);
  }

  async release(id: string): Promise<void> {
    this.claims.delete(id);
  }

  async claim(id: string, ttlMs: number): Promise<boolean> {
    if (this.claims.has(id)) return false;
    this.claims.set(id, true, ttlMs);
    return true;
  }

  async record(id: string, ttlMs: number): Promise<boolean> {
    const known = this.claims.has(id);
    this.claims.set(id, true, ttlMs);
    return !known;
  }

  async feedbackSince(sinceMs: number): Promise<FeedbackRecord[]> {
    return this.feedback.filter((f) => f.at >= sinceMs);
  }

  async addRecent(person: string, sids: readonly string[]): Promise<void> {
    this.recents.set(person, applyRecent(this.recents.get(person) ?? [], sids));
  }

  async recentFor(person: string): Promise<string[]> {
    return this.recents.get(person) ?? [];
  }

  async close(): Promise<void> {}

  private update(conversation: string, change: (state: ConversationState) => ConversationState): void {
    this.states.set(conversation, change(this.states.get(conversation) ?? emptyState()));
  }
}
