/**
 * "Find similar games" on someone's message: the games the text names (titles or typed SIDs, as
 * the title index and `understand` find them) are together the basis of a "similar" request,
 * whatever else the message says. A title typed with a small typo is used and said; a near miss
 * alone is asked about, and beside found games is left out with a "did you mean"; a message that
 * names no game gets a question back, never a guess.
 */
import { understand, type Understanding, type UnderstandContext } from "./understand.js";

/** The understanding of "games similar to what this text names"; `missing.query === ""` means it names none. */
export function gamesNamedIn(text: string, context: UnderstandContext): Understanding {
  const u = understand(text, context);
  if (u.games.length === 0) {
    const nearMiss = u.missing && u.missing.candidates.length > 0 ? u.missing : undefined;
    return { act: "notfound", games: [], text: u.text, missing: nearMiss ?? { query: "", candidates: [] } };
  }
  return {
    act: "similar",
    games: u.games,
    text: u.text,
    ...(u.corrected ? { corrected: u.corrected } : {}),
    ...(u.unresolved ? { unresolved: u.unresolved } : {}),
    // A near miss beside found games is left out, and said with what it may have meant (planRequest), never dropped silently.
    ...(u.missing && u.missing.candidates.length > 0 ? { missing: u.missing } : {}),
    ...(u.platform ? { platform: u.platform } : {}),
  };
}
