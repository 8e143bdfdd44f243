/** The memory deltas applied to an in-process state (no Redis, or the local view during an outage). */
import { RECENT_ITEMS_KEPT, type ConversationState, type Exchange, type FeedbackRecord } from "./MemoryStore.js";

/** Most votes kept per conversation. */
export const MAX_VOTES = 200;

export function applyExchange(state: ConversationState, exchange: Exchange, maxTurns: number): ConversationState {
  const turns = [...state.turns, exchange.user, exchange.assistant];
  // Whole pairs only: a history never starts with an orphaned assistant turn.
  const keep = Math.max(2, maxTurns - (maxTurns % 2));
  const next: ConversationState = { ...state, turns: turns.slice(-keep), updatedAt: exchange.at };
  if (exchange.lastAnswer) next.lastAnswer = { ...exchange.lastAnswer, at: exchange.at };
  if (exchange.owner !== undefined && state.owner === undefined) next.owner = exchange.owner;
  return next;
}

export function applyVote(state: ConversationState, { userId, sids, value, at }: FeedbackRecord): ConversationState {
  const kept = state.feedback.filter((f) => !(f.userId === userId && sids.includes(f.sid)));
  return { ...state, feedback: [...kept, ...sids.map((sid) => ({ userId, sid, value, at }))].slice(-MAX_VOTES), updatedAt: at };
}

/** `sids` (first occurrence wins) before the older entries they do not repeat, newest {@link RECENT_ITEMS_KEPT} only. */
export function applyRecent(list: readonly string[], sids: readonly string[]): string[] {
  const front = [...new Set(sids)];
  return [...front, ...list.filter((sid) => !front.includes(sid))].slice(0, RECENT_ITEMS_KEPT);
}
