/**
 * Platform mentions said NOT to be wanted ("anything but xbox", "racing games, no PC", "I don't own a
 * PS4", "on pc instead of xbox"). The platform a request names is a hard filter on what the model may
 * write, so such a mention must never become it.
 */
import type { PlatformMention } from "../engine/titles/platforms.js";

// Words that negate what follows them in the same clause part.
const NEGATOR =
  String.raw`(?:no|not|never|nor|without|except|excluding|besides|minus|instead\s+of|rather\s+than|other\s+than` +
  String.raw`|apart\s+from|aside\s+from|no\s+longer|tired\s+of|sick\s+of|done\s+with|bored\s+of|hate|dislike` +
  String.raw`|(?:anything|everything|all|any\s+(?:platform|console|system))\s+but` +
  String.raw`|\w+n[’']t|cannot|dont|doesnt|didnt|cant|isnt|arent)`;
// Only these may stand between the negating word and the platform ("not on the xbox", "don't own an xbox"):
// "I don't want shooters on xbox" negates the shooters, not the xbox.
const GLUE =
  "(?:on|for|in|the|a|an|my|any|own|owns|have|has|got|use|play|playing|want|more|into|from|of|with|just|only|games?|stuff|anything)";
const NEGATED_BEFORE = new RegExp(String.raw`\b${NEGATOR}\s+(?:${GLUE}\s+){0,3}$`, "i");
// "I don't own a PS4 or an Xbox", "no xbox and no pc": a mention listed right after a negated one is negated too.
const LISTED_AFTER = /^\s*,?\s*(?:or|nor|and|&|\/)\s*(?:no\s+|not\s+)?(?:the\s+|an?\s+|my\s+)?$/i;

// "not just xbox", "not only on pc": other platforms too, so no filter, yet that platform is not unwanted either.
const NOT_ONLY = /\bnot\s+(?:just|only)\s+(?:on\s+|for\s+)?(?:the\s+|an?\s+|my\s+)?$/i;

/** How a platform mention is negated: not wanted at all, or not the only one wanted. */
export type Negation = "unwanted" | "not-only";

/** The mentions of `text` (from `findPlatforms(text)`, in order) that are negated, and how. */
export function negatedPlatforms(text: string, mentions: readonly PlatformMention[]): Map<PlatformMention, Negation> {
  const negated = new Map<PlatformMention, Negation>();
  mentions.forEach((m, i) => {
    const prev = mentions[i - 1];
    const before = text.slice(prev?.end ?? 0, m.start);
    const listed = prev !== undefined ? negated.get(prev) : undefined;
    if (NOT_ONLY.test(before)) negated.set(m, "not-only");
    else if (NEGATED_BEFORE.test(before)) negated.set(m, "unwanted");
    else if (listed && LISTED_AFTER.test(before)) negated.set(m, listed);
  });
  return negated;
}
