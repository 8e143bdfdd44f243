/**
 * The context's sequences, kept warm between requests: a sequence keeps the tokens it evaluated
 * (the KV cache is allocated for the context anyway), so a conversation's follow-up, whose
 * prompt starts with the previous prompt and answer, evaluates only what is new.
 *
 * A request takes the free sequence that last served its conversation, else the one whose
 * tokens share the longest prefix with its prompt (the system prompt at least); the part of
 * the old state that differs is erased before evaluation.
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { Pool } from "./Pool.js";

export interface PreparedSequence {
  sequence: LlamaContextSequence;
  /** The prompt tokens still to evaluate (never empty: the last one yields the next token's logits). */
  pending: Token[];
  /** Prompt tokens already in the sequence. */
  reused: number;
}

export class SequencePool {
  private readonly pool: Pool<LlamaContextSequence>;
  private readonly lastConversation = new Map<LlamaContextSequence, string>();

  /** `reuse: false` clears each sequence after its request (every prompt evaluated in full). */
  constructor(
    sequences: readonly LlamaContextSequence[],
    private readonly reuse: boolean,
  ) {
    this.pool = new Pool(sequences);
  }

  /**
   * A sequence aligned with `prompt` (non-empty); give it back with {@link release}. `fresh`
   * evaluates the whole prompt even when a prefix is there: llama.cpp's sums differ in the last
   * bits between one batch and two, and exact scores must not depend on what ran before.
   */
  async acquire(
    prompt: readonly Token[],
    conversationId: string | undefined,
    signal: AbortSignal | undefined,
    { fresh = false } = {},
  ): Promise<PreparedSequence> {
    const sequence = await this.pool.acquire(signal, (free) => this.preferred(free, prompt, conversationId));
    try {
      // Without reuse the sequence was cleared when it was released.
      if (fresh && this.reuse) await sequence.clearHistory();
      const reused = fresh || !this.reuse ? 0 : await this.align(sequence, prompt);
      if (conversationId === undefined) this.lastConversation.delete(sequence);
      else this.lastConversation.set(sequence, conversationId);
      return { sequence, pending: prompt.slice(reused), reused };
    } catch (error) {
      await this.release(sequence, { failed: true });
      throw error;
    }
  }

  /** After a failed request (aborted mid-evaluation, say) the sequence starts over. */
  async release(sequence: LlamaContextSequence, { failed = false } = {}): Promise<void> {
    try {
      if (failed || !this.reuse) await sequence.clearHistory();
    } finally {
      this.pool.release(sequence);
    }
  }

  private preferred(free: readonly LlamaContextSequence[], prompt: readonly Token[], conversationId: string | undefined): number {
    if (conversationId !== undefined) {
      const own = free.findIndex((sequence) => this.lastConversation.get(sequence) === conversationId);
      if (own >= 0) return own;
    }
    let best = -1;
    let bestShared = -1;
    free.forEach((sequence, index) => {
      const shared = sharedPrefix(sequence, prompt);
      if (shared > bestShared) [best, bestShared] = [index, shared];
    });
    return best;
  }

  /** Erases what differs from `prompt` and returns how many of its tokens are already evaluated. */
  private async align(sequence: LlamaContextSequence, prompt: readonly Token[]): Promise<number> {
    // The last prompt token is always evaluated again: its logits choose the first answer token.
    const keep = Math.min(sharedPrefix(sequence, prompt), prompt.length - 1);
    if (keep < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
    return keep;
  }
}

function sharedPrefix(sequence: LlamaContextSequence, prompt: readonly Token[]): number {
  return sequence.compareContextTokens(prompt as Token[]).firstDifferentIndex;
}
