/**
 * Platform words people type ("ps4", "xbox 360", "switch") and the platform names they mean.
 * Only the bare family words ("xbox", "playstation", "nintendo") mean a whole family, so "for
 * Xbox" steers towards any Xbox generation while "ps1" or "original xbox" mean that generation.
 * "PC" (also "windows", "steam", "computer") is one platform, not a family: Mac and Linux are
 * asked for by name.
 */
export const PLATFORM_FAMILIES = ["xbox", "playstation", "nintendo", "pc", "sega", "mobile"] as const;
export type PlatformFamily = (typeof PLATFORM_FAMILIES)[number];

export interface Platform {
  readonly name: string;
  readonly family: PlatformFamily;
  /** Lower-case spellings, matched on word boundaries. */
  readonly aliases: readonly string[];
  /** A request for it means any platform of its family ("for Xbox"). */
  readonly wholeFamily?: boolean;
  /** What the bare family name means on an item ("platform": "PlayStation" is a PS1 game). */
  readonly onItems?: string;
}

export const PLATFORMS: readonly Platform[] = Object.freeze([
  { name: "Xbox Series X|S", family: "xbox", aliases: ["xbox series x|s", "xbox series x", "xbox series s", "series x", "xsx"] },
  { name: "Xbox One", family: "xbox", aliases: ["xbox one", "xb1", "xbone"] },
  { name: "Xbox 360", family: "xbox", aliases: ["xbox 360", "xbox360", "x360"] },
  { name: "Original Xbox", family: "xbox", aliases: ["original xbox", "xbox original", "og xbox"] },
  { name: "Xbox", family: "xbox", aliases: ["xbox"], wholeFamily: true, onItems: "Original Xbox" },
  { name: "PlayStation 5", family: "playstation", aliases: ["playstation 5", "playstation5", "ps5"] },
  { name: "PlayStation 4", family: "playstation", aliases: ["playstation 4", "playstation4", "ps4"] },
  { name: "PlayStation 3", family: "playstation", aliases: ["playstation 3", "playstation3", "ps3"] },
  { name: "PlayStation 2", family: "playstation", aliases: ["playstation 2", "playstation2", "ps2"] },
  { name: "PlayStation Vita", family: "playstation", aliases: ["playstation vita", "ps vita", "psvita", "vita"] },
  { name: "PSP", family: "playstation", aliases: ["psp", "playstation portable"] },
  {
    name: "PlayStation 1",
    family: "playstation",
    aliases: ["playstation 1", "playstation one", "original playstation", "ps1", "psx", "psone", "ps one"],
  },
  { name: "PlayStation", family: "playstation", aliases: ["playstation"], wholeFamily: true, onItems: "PlayStation 1" },
  { name: "Nintendo Switch", family: "nintendo", aliases: ["nintendo switch", "switch"] },
  { name: "Wii U", family: "nintendo", aliases: ["wii u", "wiiu"] },
  { name: "Wii", family: "nintendo", aliases: ["wii"] },
  { name: "Nintendo 3DS", family: "nintendo", aliases: ["nintendo 3ds", "3ds", "2ds", "new 3ds"] },
  { name: "Nintendo DS", family: "nintendo", aliases: ["nintendo ds", "nds", "ds", "dsi", "nintendo dsi"] },
  { name: "GameCube", family: "nintendo", aliases: ["gamecube", "game cube", "ngc", "gcn"] },
  { name: "Nintendo 64", family: "nintendo", aliases: ["nintendo 64", "n64"] },
  { name: "Game Boy Advance", family: "nintendo", aliases: ["game boy advance", "gameboy advance", "gba"] },
  { name: "Game Boy", family: "nintendo", aliases: ["game boy color", "game boy", "gameboy", "gbc"] },
  { name: "Super Nintendo", family: "nintendo", aliases: ["super nintendo", "snes"] },
  { name: "NES", family: "nintendo", aliases: ["nes", "nintendo entertainment system"] },
  { name: "Nintendo", family: "nintendo", aliases: ["nintendo"], wholeFamily: true },
  { name: "Dreamcast", family: "sega", aliases: ["sega dreamcast", "dreamcast"] },
  { name: "Sega Genesis", family: "sega", aliases: ["sega genesis", "genesis", "mega drive"] },
  { name: "Sega Saturn", family: "sega", aliases: ["sega saturn", "saturn"] },
  { name: "Mac", family: "pc", aliases: ["mac", "macos", "mac os"] },
  { name: "Linux", family: "pc", aliases: ["linux", "steamos"] },
  { name: "PC", family: "pc", aliases: ["pc", "windows", "steam", "computer"] },
  { name: "Mobile", family: "mobile", aliases: ["ios", "android", "iphone", "mobile"] },
] satisfies Platform[]);

export interface PlatformMention {
  platform: Platform;
  /** Offsets of the alias in the searched text. */
  start: number;
  end: number;
}

// Longest alias first, so "xbox 360" wins over "xbox".
const ALIASES = PLATFORMS.flatMap((platform) => platform.aliases.map((alias) => ({ alias, platform }))).sort(
  (a, b) => b.alias.length - a.alias.length,
);
const ALIAS_ALTERNATIVES = ALIASES.map(({ alias }) => escapeRegExp(alias).replace(/ /g, String.raw`[\s\-_]*`)).join("|");
const ALIAS_PATTERN = new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${ALIAS_ALTERNATIVES})(?![\p{L}\p{N}])`, "giu");
const BY_ALIAS = new Map(ALIASES.map(({ alias, platform }) => [alias.replace(/[\s\-_]/g, ""), platform]));

/**
 * Platform words that are also ordinary English ("I want to switch", "my computer is slow", "let
 * off steam"): a platform only in platform context — "for/on (the) switch", "switch games", a
 * title's "- Switch", a list with another platform ("ps4 or switch"), or the word alone.
 */
const ORDINARY_WORDS = new Set(["switch", "steam", "computer", "windows", "mobile", "genesis", "saturn"]);
const CONTEXT_BEFORE = new RegExp(
  String.raw`(?:\b(?:for|on|in|onto|about|via|through|with|into|make it|only|just|any|got any|have any|except|without|play` +
    String.raw`(?:ing)? it on|nintendo|own|owns|owned|have|has|had|got|bought|use|using)\s+(?:only\s+|just\s+)?` +
    String.raw`(?:the\s+|my\s+|a\s+|an\s+|your\s+|our\s+|one\s+)?|[-–—(\[|/:]\s*)$`,
  "i",
);
const CONTEXT_AFTER = new RegExp(
  String.raw`^\s*(?:games?|version|versions|ports?|editions?|titles?|exclusives?|library|owners?|players?|gamers?` +
    String.raw`|lite|oled|key|code|store|deck|console|only)\b`,
  "i",
);
const LISTED = /^\s*(?:,|\/|&|\band\b|\bor\b)?\s*(?:(?:or\s+)?maybe\s+|perhaps\s+|even\s+)?$/i;
// The word alone in its clause but for a reply's small words: "nah, switch", "ok switch", "switch please", "I meant switch".
const CLAUSE_BEFORE = /(?:^|[,.;!?:])\s*(?:(?:no|nah|nope|ok|okay|yes|yeah|well|actually|sorry|i|meant|mean|the|my)\s*,?\s+)*$/i;
const CLAUSE_AFTER = /^\s*(?:(?:please|pls|plz|then|instead|though|thanks)\s*)*(?:$|[,.;!?])/i;

/**
 * Every platform named in `text`, in order of appearance. `field`: the text is a platform field
 * of an item ("Windows 10"), so words like "windows" need no platform context there.
 */
export function findPlatforms(text: string, { field = false }: { field?: boolean } = {}): PlatformMention[] {
  const out: PlatformMention[] = [];
  for (const m of text.matchAll(ALIAS_PATTERN)) {
    const word = m[0].toLowerCase().replace(/[\s\-_]/g, "");
    const platform = BY_ALIAS.get(word);
    if (!platform) continue;
    const start = m.index;
    const end = start + m[0].length;
    if (ORDINARY_WORDS.has(word) && !field) {
      const before = text.slice(0, start);
      const prev = out.at(-1);
      const alone =
        text
          .replace(/[^\p{L}\p{N}]+/gu, " ")
          .trim()
          .toLowerCase() === word;
      const inContext =
        alone ||
        (CLAUSE_BEFORE.test(before) && CLAUSE_AFTER.test(text.slice(end))) ||
        CONTEXT_BEFORE.test(before) ||
        CONTEXT_AFTER.test(text.slice(end)) ||
        (prev !== undefined && LISTED.test(text.slice(prev.end, start)));
      if (!inContext) continue;
    }
    out.push({ platform, start, end });
  }
  return out;
}

/** The platform a title or metadata string names, preferring the last mention ("Halo 3 - Xbox 360"). */
export function platformOf(text: string): Platform | undefined {
  return findPlatforms(text).at(-1)?.platform;
}

const BY_NAME = new Map(PLATFORMS.map((p) => [p.name.toLowerCase(), p]));

/** The platform with exactly this name (any case), or undefined. */
export function platformNamed(name: string): Platform | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

/** The platform with this name, or the first platform the text names ("Playstation 3" → PlayStation 3). */
export function platformByName(name: string): Platform | undefined {
  return BY_NAME.get(name.toLowerCase()) ?? findPlatforms(name)[0]?.platform;
}

/**
 * The platforms a platform string of an item names, most specific first: "Nintendo Wii" is a
 * Wii (the maker's name is a prefix, not a second platform), "Nintendo" alone stays the family,
 * and a bare "PlayStation" or "Xbox" is the first generation (see {@link Platform.onItems}).
 * `field`: a structured platform field rather than a title (see {@link findPlatforms}).
 */
export function itemPlatformsIn(text: string, { field = false }: { field?: boolean } = {}): Platform[] {
  const exact = BY_NAME.get(text.trim().toLowerCase());
  const named = exact ? [exact] : [...new Set(findPlatforms(text, { field }).map((m) => m.platform))];
  const specific = named.filter((p) => !p.wholeFamily);
  return (specific.length > 0 ? specific : named).map((p) => (p.onItems ? BY_NAME.get(p.onItems.toLowerCase())! : p));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
