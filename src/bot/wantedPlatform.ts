/**
 * The one platform a request wants, from its mentions that are not negated. The platform is a hard filter, so two consoles
 * of one family offered as alternatives ("ps4 or ps5", "xbox 360 / xbox one") want the family, not just the last one named.
 */
import { PLATFORMS, type Platform, type PlatformMention } from "../engine/titles/platforms.js";

// Only a list joins them: "I had a ps4, now a ps5" moved on to the PS5.
const ALTERNATIVE = /^\s*(?:,|\/|&|\bor\b|\band\b|\band\/or\b)\s*(?:(?:maybe|perhaps|even|the|an?|my)\s+)*$/i;

export function wantedPlatform(text: string, wanted: readonly PlatformMention[]): Platform | undefined {
  const last = wanted.at(-1);
  if (last === undefined) return undefined;
  // The run of listed mentions ending with the last one.
  let first = wanted.length - 1;
  while (first > 0 && ALTERNATIVE.test(text.slice(wanted[first - 1]!.end, wanted[first]!.start))) first--;
  const listed = new Set(wanted.slice(first).map((m) => m.platform));
  if (listed.size < 2) return last.platform;
  const families = new Set([...listed].map((p) => p.family));
  // Different families ("pc and mac", "switch or ps4") have no one filter: the last named stays it (a documented limit).
  if (families.size > 1) return last.platform;
  return PLATFORMS.find((p) => p.wholeFamily && p.family === last.platform.family) ?? last.platform;
}
