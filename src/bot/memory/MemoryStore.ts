import type { Turn } from "../../engine/types.js";

/** One conversation's memory, as stored. SIDs only: titles are looked up again on load. */
export interface ConversationState {
  /** Turns as the model saw and wrote them, oldest first. */
  turns: Turn[];
  /** The last answer's items and what it was based on, for follow-ups. */
  lastAnswer?: { sids: string[]; basis: string[] };
  /** 👍/👎 on answered items. */
  feedback: { userId: string; sid: string; value: "up" | "down"; at: number }[];
  updatedAt: number;
  /** Who started the conversation: others need admin rights to reset it. */
  owner?: string;
}

export function emptyState(): ConversationState {
  return { turns: [], feedback: [], updatedAt: Date.now() };
}

/** Where conversation memory lives (Redis via keyv, or in-process). */
export interface MemoryStore {
  get(conversation: string): Promise<ConversationState | undefined>;
  set(conversation: string, state: ConversationState): Promise<void>;
  delete(conversation: string): Promise<void>;
  /** Records `id` for `ttlMs`; true if it was not recorded yet (first delivery of an event). */
  claim(id: string, ttlMs: number): Promise<boolean>;
  /** True while the backing store cannot be reached (memory is then kept in-process). */
  readonly degraded: boolean;
  close(): Promise<void>;
}
