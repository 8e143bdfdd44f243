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

// "no for xbox", "nah I meant switch", "no the ps4 version": a message-initial "no" answering the bot, not negating the platform.
const LEADING_NO = /^\s*(?:no|nah|nope)\b(?=[\s,.!]+(?:for|on|just|only|the|i|actually|sorry|wait|ok|okay)\b)/i;
// "I don't play anything but pc", "nothing except a switch": a negation before "anything/nothing but" cancels out.
const ONLY_THIS = new RegExp(
  String.raw`(?:\bnothing|\bnone|\b(?:\w+n[’']t|dont|doesnt|cant|not|never)\b.*\b(?:anything|any\s+(?:platform|console|system)))` +
    String.raw`\s+(?:but|except|besides|other\s+than|apart\s+from)\s+(?:${GLUE}\s+){0,3}$`,
  "i",
);

// The clause a mention is in: "racing games, no PC" and "not on xbox but on ps4" are two clauses each.
const CLAUSE_BREAK = /[.;!?,]|\bbut\b|\bthough\b/gi;
// A cue anywhere earlier in the clause rules the platform out ("don't recommend xbox games", "not a fan of xbox", "skip the xbox
// stuff", "I gave away my xbox"), unless what the cue reaches is something else that the platform is "for"/"on" (see below).
const CUE = new RegExp(
  String.raw`\b(?:${NEGATOR.slice(3, -1)}|neither|no\s+more|fed\s+up\s+with|hates|dislikes|avoid|avoiding|exclude|skip|skipping` +
    String.raw`|stay\s+away\s+from|forget|enough|drop|ditch|remove|lose|less|fewer|stop|quit|can[’']?t\s+stand|gave\s+away` +
    String.raw`|give\s+away|sold|got\s+rid\s+of|get\s+rid\s+of|gave\s+up|traded\s+in|wont|wouldnt|havent|hasnt)\b`,
  "gi",
);
// "I don't mind xbox", "no problem with pc": not an aversion at all.
const TOLERANT = /\b(?:mind|problem|problems|issue|issues|opposed|against|sure|know|matter)\b/i;
// "xbox sucks", "I dont want to play on xbox anymore": an aversion after the platform.
const CUE_AFTER = new RegExp(
  String.raw`^\s*(?:\w+\s+){0,2}?(?:sucks?|stinks?|anymore|any\s+more|is\s+(?:bad|trash|garbage|terrible|awful|overrated|dead)` +
    String.raw`|not\s+(?:needed|required|necessary))\b`,
  "i",
);
// Said to be wanted by its own construction: "I meant switch", "maybe ps4", "xbox instead", "pc only".
const WANTED_BEFORE = /\b(?:meant|mean|prefer|maybe|perhaps|probably|how\s+about|what\s+about)\s+(?:(?:on|for|the|an?|my)\s+){0,2}$/i;
const WANTED_AFTER = /^\s*(?:instead|only|please|pls|though|then)\b/i;
// Words a cue reaches through to the platform ("doesn't have to be xbox", "don't want to play on xbox"). Any other word between
// them is what the cue is about, and a platform after it with "for"/"on" is wanted: "I don't want shooters on xbox".
const LIGHT = new Set(
  (
    "to be being been have has had having get got getting own owns owned use using play playing want wanna need needs like " +
    "really even ever necessarily any anything something stuff games game titles more the a an my our your of in into from with " +
    "just only on for it them those these me us recommend suggest show give do does did is are was were that this much very " +
    "away about up again one ones interested fan big huge keen bother bothered i im i'm we you able anymore"
  ).split(" "),
);
const FOR_OR_ON = /\b(?:for|on)\s+(?:(?:the|an?|my)\s+)?$/i;

/** How a platform mention is negated: not wanted at all, or not the only one wanted. */
export type Negation = "unwanted" | "not-only";

/** The mentions of `text` (from `findPlatforms(text)`, in order) that are negated, and how. */
export function negatedPlatforms(text: string, mentions: readonly PlatformMention[]): Map<PlatformMention, Negation> {
  // Same length, so the mentions' offsets still hold.
  const spoken = text.replace(LEADING_NO, (no) => " ".repeat(no.length));
  const negated = new Map<PlatformMention, Negation>();
  mentions.forEach((m, i) => {
    const prev = mentions[i - 1];
    const before = spoken.slice(prev?.end ?? 0, m.start);
    const after = spoken.slice(m.end, mentions[i + 1]?.start ?? spoken.length);
    const listed = prev !== undefined ? negated.get(prev) : undefined;
    if (NOT_ONLY.test(before)) negated.set(m, "not-only");
    else if (
      ONLY_THIS.test(
        spoken
          .slice(0, m.start)
          .split(/[.;!?,]/)
          .at(-1)!,
      )
    )
      return;
    else if (NEGATED_BEFORE.test(before)) negated.set(m, "unwanted");
    else if (listed && LISTED_AFTER.test(before)) negated.set(m, listed);
    else if (averse(clauseEnd(before), clauseStart(after))) negated.set(m, "unwanted");
  });
  return negated;
}

/** Whether the clause around a platform mention (`before` and `after` it) says it is not wanted. */
function averse(before: string, after: string): boolean {
  if (CUE_AFTER.test(after)) return true;
  if (WANTED_BEFORE.test(before) || WANTED_AFTER.test(after)) return false;
  const cue = [...before.matchAll(CUE)].at(-1);
  if (cue === undefined) return false;
  const between = before.slice(cue.index + cue[0].length);
  if (TOLERANT.test(between.split(/\s+/).slice(0, 2).join(" "))) return false;
  const reachesSomethingElse = (between.toLowerCase().match(/[\p{L}\p{N}’']+/gu) ?? []).some((w) => !LIGHT.has(w.replace(/’/g, "'")));
  return !(reachesSomethingElse && FOR_OR_ON.test(between));
}

function clauseEnd(text: string): string {
  const breaks = [...text.matchAll(CLAUSE_BREAK)].at(-1);
  return breaks === undefined ? text : text.slice(breaks.index + breaks[0].length);
}

function clauseStart(text: string): string {
  const at = text.search(CLAUSE_BREAK);
  return at < 0 ? text : text.slice(0, at);
}
