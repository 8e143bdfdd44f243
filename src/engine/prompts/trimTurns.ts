import type { Turn } from "../types.js";

export interface TrimOptions {
  /** Most turns kept. */
  maxTurns: number;
  /** Most tokens the turns may take, when a model can count them. */
  budgetTokens?: number | undefined;
  countTokens?: (turns: readonly Turn[]) => Promise<number | undefined>;
}

/**
 * Drops the oldest turns until the history fits, keeping user/assistant pairs together (a
 * history never starts with an orphaned assistant turn).
 */
export async function trimTurns(turns: readonly Turn[], { maxTurns, budgetTokens, countTokens }: TrimOptions): Promise<Turn[]> {
  let start = Math.max(0, turns.length - maxTurns);
  const fits = async () => budgetTokens === undefined || !countTokens || ((await countTokens(turns.slice(start))) ?? 0) <= budgetTokens;
  while (start < turns.length && (turns[start]?.role !== "user" || !(await fits()))) start++;
  return turns.slice(start);
}
