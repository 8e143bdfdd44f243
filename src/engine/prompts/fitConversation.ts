import type { Turn } from "../types.js";
import { trimTurns } from "./trimTurns.js";

/** A conversation to render and fit into a model's context by whoever holds its tokenizer. */
export interface ConversationPrompt {
  /** Earlier turns, oldest first, then the new user turn. */
  turns: readonly Turn[];
  systemPrompt: string | null;
  /** Tokens kept free for the answer (model.maxTokens). */
  reserveTokens: number;
}

/**
 * The newest turns that fit in `contextSize` with room for the answer, counted with the model's
 * tokenizer; the last turn (the new request) is always kept. Undefined when it alone does not fit.
 */
export async function fitConversation(
  { turns, reserveTokens }: Pick<ConversationPrompt, "turns" | "reserveTokens">,
  contextSize: number,
  countTokens: (turns: readonly Turn[]) => Promise<number | undefined>,
): Promise<Turn[] | undefined> {
  const fitted = await trimTurns(turns, { maxTurns: Number.MAX_SAFE_INTEGER, budgetTokens: contextSize - reserveTokens, countTokens });
  return fitted.length === 0 || fitted.at(-1) !== turns.at(-1) ? undefined : fitted;
}
