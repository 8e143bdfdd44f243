/**
 * One SID as the raw model writes it: after `<|sid_start|>`, tokens are sampled from the whole
 * vocabulary with no trie, no grammar and no bias (the `unconstrained` mode, for measuring how
 * often the model writes SIDs that are not in the catalog).
 *
 * The span ends when the model writes `<|sid_end|>`, when it writes a token that cannot be part
 * of a SID (text, a chat token, end of turn: that token is dropped and the span closed, so the
 * answer goes on as in constrained mode), or after twice the layout's levels of SID tokens (a
 * runaway). Whatever it wrote is returned as text, valid or not; the caller decides which SIDs
 * name catalog items.
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import type { SamplingOptions } from "./ModelBackend.js";
import type { ModelTokens } from "./ModelTokens.js";

export interface FreeSidOptions {
  tokens: ModelTokens;
  /** Token ids → text with special tokens written out (`<|sid_5|>`). */
  detokenize: (tokens: Token[]) => string;
  /** Levels of a valid SID (the runaway guard allows twice as many SID tokens). */
  levels: number;
  sampling: SamplingOptions;
  seed: number;
  signal?: AbortSignal | undefined;
}

export interface FreeSid {
  /** The SID as written: `<|sid_start|>`, the SID tokens sampled, `<|sid_end|>` if the model wrote it. */
  text: string;
  /** Tokens appended for the transcript: the SID tokens, then `<|sid_end|>` (sampled or closing the span). */
  tokens: Token[];
  /** Tokens the sequence has not evaluated yet (ends with `<|sid_end|>`). */
  pending: Token[];
}

/** Samples one SID freely; `pending` ends with `<|sid_start|>`. */
export async function sampleFreeSid(
  sequence: LlamaContextSequence,
  pending: Token[],
  { tokens, detokenize, levels, sampling, seed, signal }: FreeSidOptions,
): Promise<FreeSid> {
  const sidStart = tokens.get("<|sid_start|>");
  const sidEnd = tokens.get("<|sid_end|>");
  const written: Token[] = [];
  let closed = false;
  // The token a loop exit leaves unevaluated: the generator evaluates a token only when asked for the next one.
  let unevaluated: Token[] = [];
  for await (const token of sequence.evaluate(pending, { ...sampling, seed, yieldEogToken: true })) {
    signal?.throwIfAborted();
    if (token === sidEnd) {
      closed = true;
      break;
    }
    if (tokens.sidNumber(token) === undefined) break;
    written.push(token);
    if (written.length >= 2 * levels) {
      unevaluated = [token];
      break;
    }
  }
  return {
    text: detokenize([sidStart, ...written, ...(closed ? [sidEnd] : [])]),
    tokens: [...written, sidEnd],
    pending: [...unevaluated, sidEnd],
  };
}
