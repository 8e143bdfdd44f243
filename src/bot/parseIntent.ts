/**
 * What a person wants, from a slash command or free text. Deliberately simple word rules: the
 * four uses (recommend, similar to, follow-ups in a thread, bundle names) plus reset and help.
 */
import { findPlatforms, type Platform } from "../engine/titles/platforms.js";
import type { BotInput } from "./types.js";

export type Intent =
  | { kind: "recommend"; text: string }
  | { kind: "similar"; text: string; ordinal?: number; itemId?: string }
  | { kind: "steer"; text: string; platform: Platform }
  | { kind: "why"; text: string; ordinal?: number }
  | { kind: "bundle"; text: string }
  | { kind: "reset" }
  | { kind: "help" };

const RESET = /^(?:\/?reset|start over|forget (?:it|everything|that|this)|new conversation|clear (?:memory|history|it))\b/i;
const HELP = /^(?:\/?help|\?|what can you do|how does this work)\W*$/i;
const BUNDLE = /\b(?:bundle|collection|(?:suggest|give|come up with|pick)(?: me)? an? (?:name|title))\b/i;
const WHY = /^(?:why|how come|explain)\b|\bwhy (?:that|this|those|these|it|them|#?\d)\b|\bexplain (?:that|this|the|why)\b/i;
const MORE_LIKE = /\bmore (?:like|of) (#?\d+|(?:the )?(?:first|second|third|fourth|fifth|last)(?: one)?|(?:that|this|it)(?: one)?|(?:number|no\.?) ?\d+)\b/i;
const STEER_START = /^(?:how about|what about|and|any|anything|for|on|but|ok(?:ay)?,? (?:now|how about)|same (?:but|for)|now)\b/i;
// "games like X" is a request for similar games; "I like X" states a taste (no cue).
const SIMILAR_CUE = /\b(?:similar (?:games? )?to|(?:games?|something|anything|stuff|titles?|ones?|more|more games) like|^like|such as|reminds? me of|alternatives? to)\b/i;

const ORDINALS: Readonly<Record<string, number>> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, last: -1, that: 1, this: 1, it: 1 };

export function parseIntent(input: BotInput): Intent {
  if ("moreLike" in input) return { kind: "similar", text: "", itemId: input.moreLike };
  if ("command" in input) {
    switch (input.command) {
      case "recommend":
        return { kind: "recommend", text: input.query };
      case "similar":
        return { kind: "similar", text: input.game };
      case "bundle":
        return { kind: "bundle", text: "Suggest a name and description for the bundle" };
      case "reset":
        return { kind: "reset" };
      default:
        return input satisfies never;
    }
  }
  const text = input.text.trim();
  if (RESET.test(text)) return { kind: "reset" };
  if (text === "" || HELP.test(text)) return { kind: "help" };
  const more = MORE_LIKE.exec(text);
  if (more) return { kind: "similar", text, ordinal: ordinalOf(more[1]!) };
  if (WHY.test(text)) {
    const ordinal = /#?(\d+)\b/.exec(text)?.[1] ?? /\b(first|second|third|fourth|fifth|last)\b/i.exec(text)?.[1];
    return ordinal ? { kind: "why", text, ordinal: ordinalOf(ordinal) } : { kind: "why", text };
  }
  if (BUNDLE.test(text)) return { kind: "bundle", text };
  const platform = findPlatforms(text).at(-1)?.platform;
  if (platform && STEER_START.test(text) && !SIMILAR_CUE.test(text.replace(/\bsimilar but\b/i, ""))) return { kind: "steer", text, platform };
  if (SIMILAR_CUE.test(text)) return { kind: "similar", text };
  return { kind: "recommend", text };
}

function ordinalOf(word: string): number {
  const cleaned = word.toLowerCase().replace(/^(?:the |number |no\.? ?|#)/, "").replace(/ one$/, "").trim();
  return ORDINALS[cleaned] ?? (Number.parseInt(cleaned, 10) || 1);
}
