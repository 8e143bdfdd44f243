/**
 * The decoder's structured answer → reply text. Items are never re-read from text: they are the
 * SIDs the decoder was constrained to write. A SID the model wrote inside its explanation is shown
 * the way the model card's mapping code shows it — `"Title"` for an exact match, else
 * `"Title" (L2 match) [+N similar]`, else `[Unknown Item]` — so no empty slot is left where it was.
 * (A SID spelled out in plain characters is not an item; its text is mapped the same way.)
 */
import type { Catalog } from "../catalog/Catalog.js";
import { describeMatch, matchSid, replaceSids } from "../catalog/seedMapping.js";
import type { AnswerPart } from "../model/OutputBuilder.js";
import { stripThinking } from "../sid/sidText.js";

// C0 controls except tab and line breaks, DEL, and the private-use marks used for titles below.
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips control characters from model output on purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uE000\uE001]/g;

export function renderAnswerText(catalog: Catalog, answer: readonly AnswerPart[]): string {
  // Think blocks are removed from the model's own words before titles go in (a title is not markup).
  const TITLE = (i: number) => `\uE000${i}\uE001`;
  const titles: string[] = [];
  const written = answer.map((part) => {
    // Control characters (other than line breaks and tabs) are nothing a person can read.
    if ("text" in part) return part.text.replace(CONTROL, "");
    titles.push(describeMatch(matchSid(catalog, part.sid)));
    return TITLE(titles.length - 1);
  });
  // A SID spelled out of ordinary characters is no decoded item, but it is shown as the card would.
  const text = replaceSids(catalog, stripThinking(written.join("")))
    .replace(/<\|rec\|>/g, "")
    .replace(/^[\s,]+/, "")
    .trim();
  return text.replace(/\uE000(\d+)\uE001/g, (_, i: string) => titles[Number(i)]!);
}

/** True when the text has something to read (not only whitespace, punctuation or control characters). */
export function hasUsableText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
