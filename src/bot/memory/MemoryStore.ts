import type { Turn } from "../../engine/types.js";

export type Vote = "up" | "down";

/** One conversation's memory, as stored. SIDs only: titles are looked up again on load. */
export interface ConversationState {
  /** Turns as the model saw and wrote them, oldest first (user/assistant pairs). */
  turns: Turn[];
  /**
   * The last answer's items and what it was based on, for follow-ups. `at` is when that answer was
   * given (votes and item-less exchanges move `updatedAt`, not this); missing in states stored before it.
   * `platform`: the platform that answer was narrowed to, kept by follow-ups that name none ("for xbox", then "more");
   * missing when it had none, and in states stored before it.
   */
  lastAnswer?: { sids: string[]; basis: string[]; platform?: string; at?: number };
  /** 👍/👎 on answered items; one per user and item (the newest vote wins). */
  feedback: { userId: string; sid: string; value: Vote; at: number }[];
  updatedAt: number;
  /** Who started the conversation: others need admin rights to reset it. */
  owner?: string;
}

/** One question and its answer, appended to a conversation as a unit. */
export interface Exchange {
  /** Unique per exchange: a retried write is applied once. */
  id: string;
  user: Turn;
  assistant: Turn;
  /** Replaces the conversation's last answer when the exchange answered with items. */
  lastAnswer?: { sids: string[]; basis: string[]; platform?: string };
  /** Becomes the owner only if the conversation has none yet. */
  owner?: string;
  at: number;
}

/** A 👍/👎 on some items of an answer, as exported for offline evaluation. */
export interface FeedbackRecord {
  conversation: string;
  userId: string;
  sids: string[];
  value: Vote;
  at: number;
}

/** Games kept in a person's recent recommendations (newest first, each once). */
export const RECENT_ITEMS_KEPT = 10;

export function emptyState(): ConversationState {
  return { turns: [], feedback: [], updatedAt: Date.now() };
}

/**
 * Where conversation memory lives. Updates are deltas (append an exchange, add a vote), never
 * "replace the whole state", so writers in several processes, or writes replayed after an
 * outage, add to what is stored instead of overwriting it.
 */
export interface MemoryStore {
  get(conversation: string): Promise<ConversationState | undefined>;
  /** Appends the exchange, keeps the newest `maxTurns` turns, sets the owner if there is none. */
  append(conversation: string, exchange: Exchange): Promise<void>;
  /** Records a vote per item (replacing that user's earlier vote on it). */
  vote(record: FeedbackRecord): Promise<void>;
  delete(conversation: string): Promise<void>;
  /** Records `id` for `ttlMs`; true if it was not recorded yet (first delivery of an event). */
  claim(id: string, ttlMs: number): Promise<boolean>;
  /**
   * Records `id` for `ttlMs` from now, renewing it if it is recorded already (a record that lives
   * as long as what it is about, e.g. a thread); true if it was not recorded yet.
   */
  record(id: string, ttlMs: number): Promise<boolean>;
  /** Whether `id` is recorded (claimed or recorded, and not expired), without recording it. */
  claimed(id: string): Promise<boolean>;
  /** Forgets a claim or record of `id` (what it stood for did not happen after all). */
  release(id: string): Promise<void>;
  /** Votes cast at or after `sinceMs`, oldest first. */
  feedbackSince(sinceMs: number): Promise<FeedbackRecord[]>;
  /**
   * Puts an answer's `sids` (best first) at the front of `person`'s recent recommendations: each
   * SID once, the newest {@link RECENT_ITEMS_KEPT} kept, forgotten after the conversation TTL.
   */
  addRecent(person: string, sids: readonly string[]): Promise<void>;
  /**
   * `person`'s recent recommendations, newest first; undefined when they cannot be read now (store
   * unreachable, or their newest picks still wait to be written). Never waits long on a backlog.
   */
  recentFor(person: string): Promise<string[] | undefined>;
  /** True while the backing store cannot be reached (memory is then kept in-process). */
  readonly degraded: boolean;
  /** Writes what is still pending (bounded wait) and disconnects. */
  close(): Promise<void>;
}
