/**
 * Conversation memory in this process only (keyv's in-memory store), used when no REDIS_URL is
 * set: lost on restart and not shared with other processes. Updates of one conversation run
 * one at a time, so concurrent appends never overwrite each other.
 */
import Keyv from "keyv";
import { KeyedLock } from "../../util/KeyedLock.js";
import { applyExchange, applyRecent, applyVote } from "./applyChanges.js";
import { emptyState, type ConversationState, type Exchange, type FeedbackRecord, type MemoryStore } from "./MemoryStore.js";

export interface InProcessMemoryStoreOptions {
  /** A conversation is forgotten this long after its last change. */
  ttlMs: number;
  /** Most turns kept (user and assistant each count). */
  maxTurns: number;
}

// Votes kept for `sidbot feedback export` (the oldest go first).
const FEEDBACK_LOG_LIMIT = 100_000;

export class InProcessMemoryStore implements MemoryStore {
  readonly degraded = false;
  private readonly states = new Keyv<ConversationState>();
  private readonly claims = new Keyv<true>();
  private readonly recents = new Keyv<string[]>();
  private readonly lock = new KeyedLock();
  private readonly feedback: FeedbackRecord[] = [];

  constructor(private readonly options: InProcessMemoryStoreOptions) {}

  async get(conversation: string): Promise<ConversationState | undefined> {
    return this.states.get(conversation);
  }

  async append(conversation: string, exchange: Exchange): Promise<void> {
    await this.update(conversation, (state) => applyExchange(state, exchange, this.options.maxTurns));
  }

  async vote(record: FeedbackRecord): Promise<void> {
    await this.update(record.conversation, (state) => applyVote(state, record));
    this.feedback.push(record);
    if (this.feedback.length > FEEDBACK_LOG_LIMIT) this.feedback.shift();
  }

  async delete(conversation: string): Promise<void> {
    await this.lock.run(conversation, () => this.states.delete(conversation));
  }

  async claim(id: string, ttlMs: number): Promise<boolean> {
    return this.lock.run(`claim:${id}`, async () => {
      if (await this.claims.has(id)) return false;
      await this.claims.set(id, true, ttlMs);
      return true;
    });
  }

  async feedbackSince(sinceMs: number): Promise<FeedbackRecord[]> {
    return this.feedback.filter((f) => f.at >= sinceMs);
  }

  async addRecent(person: string, sids: readonly string[]): Promise<void> {
    await this.lock.run(`recent:${person}`, async () => {
      await this.recents.set(person, applyRecent((await this.recents.get(person)) ?? [], sids), this.options.ttlMs);
    });
  }

  async recentFor(person: string): Promise<string[]> {
    return (await this.recents.get(person)) ?? [];
  }

  async close(): Promise<void> {}

  private async update(conversation: string, change: (state: ConversationState) => ConversationState): Promise<void> {
    await this.lock.run(conversation, async () => {
      const state = (await this.states.get(conversation)) ?? emptyState();
      await this.states.set(conversation, change(state), this.options.ttlMs);
    });
  }
}
