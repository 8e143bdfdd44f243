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

/** The mentions of `text` (from `findPlatforms(text)`, in order) that are negated. */
export function negatedPlatforms(text: string, mentions: readonly PlatformMention[]): Set<PlatformMention> {
  const negated = new Set<PlatformMention>();
  mentions.forEach((m, i) => {
    const prev = mentions[i - 1];
    const before = text.slice(prev?.end ?? 0, m.start);
    if (NEGATED_BEFORE.test(before) || (prev !== undefined && negated.has(prev) && LISTED_AFTER.test(before))) negated.add(m);
  });
  return negated;
}
