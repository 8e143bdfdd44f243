/**
 * Request understanding, in two steps. First find what the text *names* — games (catalog items by
 * title or typed SID), platforms, tastes, a count, a reference to an earlier answer ("#2", "that
 * one") — then decide what is asked from those facts plus a few cue words. No rule order decides
 * the meaning of a request that names a game: the game is found first.
 */
import type { Catalog, CatalogItem } from "../engine/catalog/Catalog.js";
import { matchSid } from "../engine/catalog/seedMapping.js";
import { findPlatforms, platformByName, type Platform } from "../engine/titles/platforms.js";
import { type Negation, negatedPlatforms } from "./negatedPlatforms.js";
import { wantedPlatform } from "./wantedPlatform.js";
import { EDITION_WORDS, findGame, gameKey, sharesRealWord } from "../engine/titles/resolveGame.js";
import { bareTerms, type TitleIndex } from "../engine/titles/TitleIndex.js";
import { exactTitlesIn } from "../engine/titles/exactTitles.js";

export type Act =
  | "reset"
  | "help"
  | "smalltalk"
  /** Follow-ups on the last answer. */
  | "why"
  | "more"
  | "bundle"
  | "steer"
  /** Requests about named games. */
  | "explain"
  | "similar"
  | "next"
  /** Free-text tastes. */
  | "tastes"
  /** A named game that is not in the catalog (or only a near miss). */
  | "notfound";

export interface Understanding {
  act: Act;
  /** Catalog items the request names (titles or typed SIDs), in order. */
  games: CatalogItem[];
  /** Titles typed with a small typo ("haol 3") and the catalog title used for each: said in a notice. */
  corrected?: { query: string; title: string }[];
  /** A title the request names that the catalog lacks, with near misses to offer; query "" = the text names no game (gamesNamedIn). */
  missing?: { query: string; candidates: CatalogItem[] };
  /** The platform asked for: a hard filter on what may be recommended. */
  platform?: Platform;
  /** Platforms said not to be wanted ("anything but xbox"): told to the model in a steer, never a filter. */
  avoided?: Platform[];
  /** Platforms said not to be the only ones wanted ("not just xbox"): no filter, and nothing said against them. */
  widened?: Platform[];
  /** Any platform will do ("more on any platform"): a follow-up does not keep the last answer's. */
  anyPlatform?: boolean;
  /** Taste words as typed ("cozy farming", "scifi and action"). */
  tastes?: string;
  /** Items wanted, when a count was given (1–10). */
  k?: number;
  /** Exact top-K by probability ("top 5 most likely", "rank"). */
  ranked?: boolean;
  /** An item of the last answer: 1-based, -1 = last. */
  ref?: number;
  /** The request is about every item of the last answer ("more like those", "similar to all of them"). */
  all?: boolean;
  /** Titles named alongside found games that the catalog lacks ("halo 3 and skyrim"): said in a notice. */
  unresolved?: string[];
  /** A comparative asked of the last answer ("cheaper", "more relaxing"): a steer. */
  comparative?: string;
  /**
   * An item of the last answer described by what it is ("why that racing one?", "the Xbox one"): matched against its title, genre and
   * platform.
   */
  about?: { words: string[]; platform?: Platform };
  /** `ref` only points ("that one", "the forza one"): a title word or description of a last-answer item wins over it. */
  pointed?: boolean;
  /**
   * The message without mentions and control tokens (a typed SID reads "SIDREF"); a title in it that is in the last answer is resolved
   * against that answer later.
   */
  text: string;
}

export interface UnderstandContext {
  titles: TitleIndex;
  catalog: Catalog;
}

export const MAX_K = 10;

// A greeting before a command ("hey, help", "ok can you reset").
const GREETING = String.raw`(?:(?:hey|hi|hello|ok(?:ay)?|so)\W+)?`;
const RESET = new RegExp(
  String.raw`^\W*(?:\/?reset|(?:clear|wipe|restart)(?: (?:the|this|our|my))? (?:conversation|chat|history|memory` +
    String.raw`|context|thread)|(?:let'?s\s+|lets\s+|can we\s+|please\s+)?(?:start (?:over|again|fresh|anew|from ` +
    `scratch)|begin again|fresh start|clean slate)|start over|start again|forget (?:it|everything|that` +
    String.raw`|this|all that)|new conversation|clear (?:memory|history|it|the chat|everything))\b`,
  "i",
);
// The whole message asks what the bot can do or how to use it ("what are you able to help with", "what commands do you have").
const HELP = new RegExp(
  String.raw`^\W*${GREETING}(?:(?:sid)?bot\W+)?(?:` +
    [
      String.raw`\/?help|\?|usage|(?:list|show)?\s*(?:(?:the|your|all)\s+)?commands(?:\s+list)?|features`,
      `how does (?:this|it|this bot|the bot|sidbot) work`,
      // what can/could you do / help (me) with / offer
      `what (?:else |things |kind of things |sort of things |sorts of things |exactly )?(?:can|could|do` +
        `|will) (?:you|u|this bot|sidbot) (?:do|help(?: me)?(?: out)?(?: with)?|offer|be used for)`,
      `what (?:kind|sort|type)s? of (?:things|stuff|requests|questions) (?:can|could|do) (?:you|u) (?:do` +
        `|help(?: me)?(?: with)?|handle|answer)`,
      `what (?:can|could|should|do) i (?:ask|say to|use) (?:you|u|this bot|sidbot)(?: for)?`,
      `what are (?:you|u) (?:able to (?:do|help(?: me)?(?: with)?)|capable of|good (?:at|for)|for)`,
      `what(?: is|'s|s) (?:this bot|sidbot|this) for`,
      `how (?:can|could|do|will) (?:you|u) help(?: me)?`,
      `how (?:do|can|should|would) (?:i|we) (?:use|talk to|work with) (?:you|u|(?:this|the) (?:thing|bot` +
        `|app|tool|sidbot)|this|it|sidbot)`,
      `what (?:commands|features|options) (?:do you have|are there|can i use|do you (?:support|know|understand))`,
      `what are (?:your|the) (?:commands|features|options)`,
      `(?:can you |could you )?(?:show|tell|give) me (?:what you can do|how (?:to use you|this works|you ` +
        `work)|(?:the |your )?commands)`,
      `what do you do|how do (?:you|u) work|what do (?:you|u) know(?: how to do)?`,
      `(?:can|could|will|would) (?:you|u) help(?: me)?(?: out)?|help me(?: out)?|i need (?:some )?help`,
    ].join("|") +
    String.raw`)(?:\s+(?:for me|exactly|here|then|again|anyway|sidbot|bot|please|pls|properly|thing|now))*\W*$`,
  "i",
);
// Chat mentions of the bot or anyone ("<@U123ABC>", "<@!123>", "<@123>", a leading "@sidbot"): addressing, never request words.
const MENTION = /<@[!&]?[A-Za-z0-9]+(?:\|[^>]*)?>/g;
const LEADING_AT = /^\s*(?:@[\w.-]+[\s,:]*)+/;
const SID = /<\|sid_start\|>(?:<\|sid_\d+\|>)*<\|sid_end\|>/g;
const CONTROL = /<\|[a-z_0-9]+\|>/gi;

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  a: 1,
  an: 1,
  couple: 2,
  few: 3,
};
const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
  fifth: 5,
  "5th": 5,
  last: -1,
  final: -1,
  top: 1,
};
// "top 5", "give me 5 racing games", "3 most likely": a number before a count noun or a taste (titles and platforms are cut out first).
const COUNT_NOUNS = new Set(
  (
    "games game titles title options option recommendations recommendation recs rec suggestions " +
    "suggestion picks pick ideas idea things thing ones more most others other different similar new " +
    "good great fun"
  ).split(" "),
);
const COUNT_LEAD = /\b(?:top|best|give me|show me|list|recommend|suggest|find me|pick|need|want|name)\s+(?:me\s+)?(?:the\s+)?$/i;
// Words a count may follow ("I'd appreciate 8 suggestions", "could I get 4", "maybe 6 options").
const COUNT_PREV = new Set(
  (
    "about around like want need get only exactly just appreciate appreciated love prefer see have take " +
    "grab fetch try say maybe perhaps possibly"
  ).split(" "),
);
function countIn(text: string): number | undefined {
  const words = text
    .toLowerCase()
    .replace(/(?:#|\b(?:number|no\.?|item|option|pick)\s?#?)\s?\d\b/g, " ")
    .split(/[^a-z0-9']+/)
    .filter((w) => w !== "");
  for (const [i, w] of words.entries()) {
    const n = /^\d{1,2}$/.test(w) ? Number.parseInt(w, 10) : w === "one" || w === "a" || w === "an" ? undefined : NUMBER_WORDS[w];
    // "the third one similar": "one" after an ordinal or a determiner is an item, not a count.
    const itemOne =
      words[i - 1] !== undefined && (words[i - 1]! in ORDINAL_WORDS || /^(?:the|that|this|which|each|every|any|last)$/.test(words[i - 1]!));
    const one = w === "one" && !itemOne && COUNT_NOUNS.has(words[i + 1] ?? "") && words[i + 1] !== "more" ? 1 : undefined;
    const value = n ?? one;
    if (value === undefined || value <= 0) continue;
    const next = words.slice(i + 1, i + 4);
    const lead = COUNT_LEAD.test(`${words.slice(0, i).join(" ")} `);
    // "crazy taxy 2 similar games": a number right after a title-like word is part of the title, not a count.
    const prev = words[i - 1];
    if (
      !lead &&
      prev !== undefined &&
      !STOP.has(prev) &&
      !TASTE_WORDS.has(prev) &&
      !(prev in NUMBER_WORDS) &&
      !/^\d+$/.test(prev) &&
      !COUNT_PREV.has(prev)
    )
      continue;
    if (lead || next.some((x) => COUNT_NOUNS.has(x) || TASTE_WORDS.has(x) || TASTE_WORDS.has(x.replace(/s$/, ""))))
      return Math.min(MAX_K, value);
  }
  return undefined;
}
const REF = new RegExp(
  String.raw`#\s?(\d)\b|\b(?:number|no\.?|item|option|pick)\s?#?(\d)\b|\b(?:the\s+)?(first|second|third|fourth` +
    String.raw`|fifth|1st|2nd|3rd|4th|5th|last|final)(?:\s+(?:one|game|pick|item|title|option))?\b`,
  "i",
);
const DEMONSTRATIVE = /\b(?:that|this|it|that one|this one|those|these|them)\b/i;
const ANSWERED = new Set("listed said suggested showed shown gave given mentioned recommended picked above".split(" "));
// Words for the whole last answer: "those", "all of them", "all three", "the lot".
const PLURAL = new RegExp(
  String.raw`\b(?:those|these|them|they|both|the ones (?:you|u) (?:listed|said|suggested|showed|gave|mentioned` +
    String.raw`|recommended|picked)|all(?:\s+(?:of\s+)?(?:them|those|these|three|two|four|five|ten|\d{1,2}))?|the ` +
    `(?:lot|set|list|bunch|group|whole (?:list|lot|set|bunch))|every(?:thing| one| single one) (?:you ` +
    String.raw`(?:said|suggested|listed|showed|gave)|there|above))\b`,
  "i",
);

const WHY = /\b(?:why|how come|explain|what makes|what made|reason|reasons|justify)\b/i;
// A question asking why something was suggested (not "why not"), with polite filler allowed around it.
const WHY_QUESTION = new RegExp(
  String.raw`\b(?:why|how come)\b(?!\s+not\b)|\bwhat (?:made|makes) (?:you|u)\b|\b(?:reason|reasons|reasoning) ` +
    String.raw`(?:for|behind|why)\b|\bexplain (?:why|your|the (?:choice|pick|reason))\b`,
  "i",
);
// A why question at the start, after filler or politeness ("so why the Forza one?", "could you tell me why Halo 3").
const WHY_START = new RegExp(
  String.raw`^\W*(?:(?:so|ok(?:ay)?|and|but|hmm+|well|wait|also|hey|just|curious|just curious|out of ` +
    String.raw`curiosity)\W+)*(?:(?:can|could|would|will) (?:you|u)\s+(?:please\s+)?|please\s+|kindly\s+)?(?:why` +
    String.raw`|how come|explain|tell me why|what made (?:you|u))\b`,
  "i",
);
// An item of the last answer described by a word or two ("the cozy one", "that forza game").
const DESCRIBED_ONE = /\b(?:the|that|this)\s+(?:[\w'-]+\s+){1,2}(?:one|game|pick|title)\b/i;
// A new request that also asks for reasons ("suggest cozy games and explain why"): not about the last answer.
const ASK_AND_EXPLAIN = /\b(?:suggest|recommend|give me|find me|show me|pick me|name)\b[^.?!]*\b(?:and|&)\s+(?:explain|tell|say|why|give)/i;
const EXPLAIN_NEW = new RegExp(
  String.raw`\b(?:suggest|recommend|give me|pick|find|name)\b[^.?!]*\b(?:and|&)\s+(?:explain|tell me|say|say why` +
    String.raw`|give (?:me )?(?:a )?reasons?)|\bexplain why\b|\bwith (?:an? )?(?:explanation|reasons?)\b|\band ` +
    String.raw`why\b|\btell me why\b`,
  "i",
);
// Naming the last answer as a set: a naming word (name, title, blurb, …) said of the set ("these", "this group"), or "bundle".
const GROUP_NOUN =
  `(?:set|group|collection|bundle|lot|bunch|list|trio|three|two|four|five|games|picks|ones|selection` +
  `|pack|package|combo|line-?up|mix|batch|recommendations|recs|suggestions)`;
const GROUP_REF =
  String.raw`(?:(?:this(?!\s+(?:one|game|title|item|pick)\b)|these|those|them|all(?: of)?(?: them| these| ` +
  String.raw`those)?)(?:\s+${GROUP_NOUN})?|the\s+${GROUP_NOUN}|(?:all|both)\s+of\s+(?:them|these|those))`;
const NAMING =
  String.raw`(?:(?:catchy|cool|good|fun|short|snappy|fitting|nice|clever)\s+)*(?:names?|titles?|blurbs?` +
  `|descriptions?|taglines?|labels?|monikers?|slogans?|pitch|summary|theme)`;
const BUNDLE = new RegExp(
  [
    String.raw`\bbundle\b|\bcollection\b`,
    // "a name and blurb for this set", "title for these", "description of the list"
    String.raw`\b${NAMING}(?:\s+(?:and|&|or|\+)\s+(?:an?\s+)?${NAMING})?\s+(?:for|of|to)\s+${GROUP_REF}\b`,
    // "give this group a title", "give these a name"
    String.raw`\b(?:give|gimme|make|find|got)\s+(?:${GROUP_REF}|it)\s+(?:an?\s+|some\s+)?${NAMING}\b`,
    // "what title would you give these"
    String.raw`\b${NAMING}\s+(?:would|should|could|do|can|will)\s+(?:you|we|i)\s+(?:give|put on|use for|pick for)\s+${GROUP_REF}\b`,
    // "suggest a name", "come up with a name and description"
    String.raw`\b(?:suggest|give|come up with|pick|invent|make up|think (?:of|up)|create|write|propose)\s+` +
      String.raw`(?:me\s+)?(?:an?|some)\s+(?:(?:catchy|cool|good|fun|short|snappy|fitting|nice|clever)\s+)*(?:names?` +
      String.raw`|titles?(?!\s+(?:for|on|like)\s+(?!${GROUP_REF})))(?![\w-])`,
    // "name this collection", "title this selection"
    String.raw`\b(?:name|title|label)\s+(?:this|these|those|them|it|all(?: of)? (?:them|these|those))\b|\b(?:name` +
      String.raw`|title|label)\s+the\s+${GROUP_NOUN}\b`,
    // "what would you call these three", "what should this set be called"
    String.raw`\bcall\s+${GROUP_REF}\b|\b(?:this|these|those|they|it|the\s+${GROUP_NOUN})(?:\s+${GROUP_NOUN})?\s+` +
      String.raw`(?:be|get|go)\s+(?:called|named|titled)\b`,
  ].join("|"),
  "i",
);
// A short follow-up asking the last answer to change along one axis ("anything cheaper?", "something more relaxing"). "No longer"
// and "not any longer" are about time, never length ("I no longer have an xbox").
const COMPARATIVE = new RegExp(
  String.raw`\b(?:cheaper|less expensive|more affordable|newer|older|more recent|more modern|easier|harder` +
    String.raw`|shorter|(?<!\b(?:no|any)\s+)longer|simpler|calmer|cozier|cosier|scarier|funnier|faster|slower|smaller|bigger|(?:more` +
    String.raw`|less) (?:relaxing|challenging|difficult|casual|chill|violent|scary|intense|kid[\s-]friendly` +
    String.raw`|family[\s-]friendly|colou?rful|realistic|story[\s-]driven|competitive|expensive|popular|obscure))\b`,
  "i",
);
const MORE = /\b(?:more|others?|another(?: one)?|else|additional|similar(?:\s+(?:stuff|ones|games|things|titles|picks))?)\b/i;
const MORE_LIKE = new RegExp(
  String.raw`\b(?:more|others?|games?|stuff|something|anything|ones?)\s+(?:like|similar to)\b|\bsimilar(?:\s+` +
    String.raw`(?:ones|games|titles|stuff|things))?\s+to\b|\blike\b|\balong (?:the|those|these) lines\b|\bin the ` +
    String.raw`(?:same )?vein\b|\bsame (?:kind|sort|type|style) as\b`,
  "i",
);
const ANY_PLATFORM = /\b(?:any|all|every|other|different)\s+(?:other\s+)?(?:platforms?|consoles?|systems?)\b/i;
const STEER = new RegExp(
  String.raw`^\W*(?:how about|what about|make it|make them|change (?:it )?to|same on|in|and|any|anything|for|on` +
    `|but|ok(?:ay)?,?|same|now|only|just|instead|switch to|got any|do you have|have you got|what if` +
    // A reply to the last answer: "nah, switch", "no I meant ps4", "actually pc".
    String.raw`|no|nah|nope|(?:i\s+)?mean[t]?|actually|yeah|yes)\b|\b` +
    String.raw`(?:instead|but for|but on|version|versions|port)\b`,
  "i",
);
const NEXT = new RegExp(
  String.raw`^\W*user\b|\brecent purchases\b|\bnext item\b|\b(?:after|aftr|afta|next|then|finished|finishing|beat` +
    String.raw`|beaten|completed|done with|played|playing|through with|up next|follow(?:-|\s)?up)\b`,
  "i",
);
const SIMILAR = new RegExp(
  String.raw`\b(?:similar|like|bought|alike|reminds?|such as|along the lines|in the vein|same vibe|vibe|feel` +
    String.raw`|alternatives?|comparable|resembl\w*|related)\b`,
  "i",
);
const RANKED = new RegExp(
  String.raw`\b(?:rank(?:ed|ing|s)?|most (?:likely|probable)|highest (?:probability|likelihood|odds|chance)|(?:by` +
    `|in order of) (?:likelihood|probability)|most likely|likeliest|likelihood|probabilit(?:y|ies)` +
    String.raw`|scores?|scored|exact(?:ly)?\s+top|in order)\b`,
  "i",
);
// Genre, mood and theme words: a piece made of these is a taste, never a title.
const TASTE_WORDS = new Set(
  (
    "action adventure rpg rpgs jrpg jrpgs arpg shooter shooters fps tps racing racer racers kart karting " +
    "driving cars car sports sport football soccer basketball baseball golf tennis hockey " +
    "puzzle puzzles platformer platformers platforming strategy rts tactics tactical simulation sim sims " +
    "simulator horror scary survival stealth fighting fighter fighters brawler brawlers " +
    "sandbox mmo mmorpg multiplayer coop co-op couch party family kids casual cozy cosy relaxing chill " +
    "calm cute wholesome farming farm animal animals pets pet dog dogs cat cats " +
    "scifi sci-fi space fantasy medieval magic dragons dragon anime manga story narrative rhythm music " +
    "dance arcade retro classic indie roguelike roguelikes metroidvania " +
    "military war historical western zombie zombies post-apocalyptic apocalyptic apocalypse cyberpunk " +
    "mystery detective crafting building management " +
    "educational trivia fishing hunting flight flying combat competitive funny violent peaceful " +
    "pixel 2d 3d vr exploration stealthy street realistic colorful beautiful atmospheric emotional " +
    "creepy spooky lego superhero superheroes ninja pirates pirate " +
    "robots robot mech mechs monsters monster pokemon collecting battle battles"
  ).split(" "),
);
// Tastes of several words whose parts mean little alone ("open world", "beat em up").
const TASTE_PHRASES = new RegExp(
  String.raw`\b(?:open[\s-]world|beat[\s-]?(?:em|'em)[\s-]up|turn[\s-]based|point[\s-](?:and|&|n)[\s-]click` +
    String.raw`|visual novels?|split[\s-]screen|city[\s-]builders?|hack[\s-](?:and|&|n)[\s-]slash` +
    String.raw`|post[\s-]apocalyptic|life[\s-]sim(?:ulation)?s?|card games?|board games?|science fiction|sci[\s-]fi` +
    String.raw`|co[\s-]op|battle royale|first[\s-]person|third[\s-]person|role[\s-]playing|free[\s-]to[\s-]play` +
    String.raw`|story[\s-]rich|(?:family|kid|kids|child|children)[\s-]friendly|all[\s-]ages)\b`,
  "i",
);
// Words with no meaning of their own in a request.
const STOP = new Set(
  (
    "i im i'm me my mine we us our you your yours them they both a an the and or but of to for in on at " +
    "with by from about as is are was were be been being am do does did doing have has had " +
    "it its it's this that these those there here what whats what's which who whom whose when where how " +
    "why can could would should will shall may might must " +
    "please pls plz thanks thank thx ty just really very so too also some any anything something someone " +
    "all more most much many few other others another such only own same " +
    "than then now ok okay yeah yes no not nope hey hi hello yo sup hiya howdy good great nice cool " +
    "awesome best better top ever new old fun favorite favourite " +
    "game games gaming gamer title titles thing things stuff one ones recommend recommendation " +
    "recommendations recs rec suggest suggestion suggestions " +
    "give show find tell let lets let's want wanna need looking look like likes liked love loved enjoy " +
    "enjoyed into fan fans mood play playing played know think get got " +
    "through right currently still lot bit while exactly around approximately roughly maybe " +
    "today tonight weekend bored kind sort type types genre genres style vibe vibes similar first second " +
    "third fourth fifth 1st 2nd 3rd 4th 5th last final number # " +
    // Politeness and filler around a request ("I fancy a stealth game", "any ideas?", "I'd appreciate 8 suggestions").
    "fancy fancying appreciate appreciated i'd id i'll i've ive idea ideas option options pick picks " +
    "perhaps possibly wondering wonder hoping hope seeking search searching prefer preferably ideally " +
    "kindly thankyou sth smth anybody everyone somebody owns owned gets getting buy buying gift gifts present presents " +
    "he she him her his hers their wants wanted wanting go going whole entire curious mind minds else plays day days all-day " +
    "holiday holidays vacation trip summer winter christmas xmas birthday night evening evenings " +
    "afternoon morning switch switching everything nothing help see he's she's they're we're you're " +
    "that's"
  ).split(" "),
);
const SMALLTALK = new RegExp(
  String.raw`^\W*(?:(?:hey |hi |hello |good )?(?:sid)?bot|nah|yep|yup|hmm+|wow|omg|lmao|rofl|meh|idk|sure|gg|brb` +
    `|kk?|ugh|oops|sorry|np|hi|hello|hey|hiya|howdy|yo|sup|heya|greetings|good (?:morning|afternoon` +
    `|evening|night)|gm|thanks?(?: you)?|thx|ty|cheers|cool|nice|great|awesome|ok(?:ay)?|lol|haha|bye` +
    String.raw`|goodbye|see ya|who are you|how are you)\b`,
  "i",
);

/** Understands one typed message. */
export function understand(raw: string, { titles, catalog }: UnderstandContext): Understanding {
  const sids = [...raw.matchAll(SID)].map((m) => m[0]);
  // Typed control tokens are text, never structure: drop them after reading the SIDs.
  const text = raw
    .replace(MENTION, " ")
    .replace(LEADING_AT, " ")
    .replace(SID, " SIDREF ")
    .replace(CONTROL, " ")
    .replace(/\s+/g, " ")
    .trim();
  const plain = text
    .replace(/\bSIDREF\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  // "please reset the conversation", "How do I use this bot, please?", "kindly reset": the command without its politeness.
  const command = withoutPoliteness(plain);
  if (RESET.test(plain) || RESET.test(command)) return { act: "reset", games: [], text };
  if ((plain === "" && sids.length === 0) || HELP.test(plain) || (command !== "" && HELP.test(command)))
    return { act: "help", games: [], text };

  // 1. What the text names.
  const games: CatalogItem[] = [];
  let unknownSids = 0;
  for (const sid of sids) {
    const m = matchSid(catalog, sid);
    const item = m.kind === "exact" ? m.item : m.kind === "prefix" ? m.first : undefined;
    if (item && !games.includes(item)) games.push(item);
    if (!item) unknownSids++;
  }
  const found = findGames(titles, plain);
  for (const item of found.items) if (!games.includes(item)) games.push(item);
  // A catalog title typed in full is that game, whatever the words around it ("if i liked Tales of Vesperia what else would i like").
  let rest = found.rest;
  const exact = exactTitlesIn(catalog, plain, (w) => !w.every((t) => isTaste(t) || /^\d+$/.test(t)));
  for (const e of exact) {
    const span = plain.slice(e.start, e.end);
    if (!games.some((g) => gameKey(g.title) === gameKey(e.item.title))) {
      games.push(e.item);
      const at = rest.toLowerCase().indexOf(span.toLowerCase());
      if (at >= 0) rest = `${rest.slice(0, at)} ${rest.slice(at + span.length)}`.replace(/\s+/g, " ").trim();
    }
  }
  const covered = (query: string) => exact.some((e) => query.toLowerCase().includes(plain.slice(e.start, e.end).toLowerCase()));
  const misses = found.misses.filter((m) => !covered(m.query) && !onlyChat(m.query));
  if (exact.length > 0 && found.missing && covered(found.missing.query)) delete found.missing;
  // Platform words inside a named title belong to the title. A negated mention ("anything but xbox") is never the platform:
  // the platform is a hard filter. It still reads as talk about platforms when deciding what is asked.
  const mentions = findPlatforms(rest);
  const negated = negatedPlatforms(rest, mentions);
  const platform = wantedPlatform(
    rest,
    mentions.filter((m) => !negated.has(m)),
  );
  const negatedAs = (how: Negation) =>
    [...new Set([...negated].filter(([, h]) => h === how).map(([m]) => m.platform))].filter((p) => p !== platform);
  const avoided = negatedAs("unwanted");
  // "more on any platform", "other consoles?": the answer may leave the platform the conversation was on.
  const anyPlatform = !platform && ANY_PLATFORM.test(rest);
  const widened = negatedAs("not-only");
  const namesPlatform = mentions.length > 0;
  // A count must read as one in the whole text too: "need for speed carbon 2 similar" has no count once the title is cut.
  const kRest = countIn(withoutPlatforms(rest));
  const k = kRest !== undefined && countIn(withoutPlatforms(plain)) === kRest ? kRest : undefined;
  const ref = refOf(rest.replace(/\b(?:top|best)\s+(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\b/i, " "));
  const tastes = tastesOf(rest);
  const ranked = RANKED.test(rest);
  const corrected = found.corrected.filter((c) => games.some((g) => g.title === c.title));
  const base: Omit<Understanding, "act"> = {
    games,
    text,
    ...(corrected.length > 0 ? { corrected } : {}),
    ...(platform ? { platform } : {}),
    ...(avoided.length > 0 ? { avoided } : {}),
    ...(widened.length > 0 ? { widened } : {}),
    ...(anyPlatform ? { anyPlatform } : {}),
    ...(k !== undefined ? { k } : {}),
    ...(ranked ? { ranked } : {}),
  };

  // 2. What is asked.
  // Two games named and one of them only a near miss ("halo 3 and forza motorspt"): ask about it, never drop it.
  const nearMiss = misses.find((m) => m.near && m.candidates.length > 0);
  if (games.length > 0 && nearMiss)
    return { ...base, act: "notfound", missing: { query: nearMiss.query, candidates: nearMiss.candidates } };
  const unknown = misses.filter((m) => !m.near && looksLikeTitle(m.query)).map((m) => m.query);
  if (games.length > 0 && unknown.length > 0) base.unresolved = unknown;
  if (games.length > 0) {
    if (EXPLAIN_NEW.test(rest) && !/^\W*why\b/i.test(rest)) return { ...base, act: "explain" };
    if (WHY_START.test(rest)) return { ...base, act: "why" };
    if (games.length + unknownSids > 1 && !SIMILAR.test(rest)) return { ...base, act: "next" };
    if (NEXT.test(rest) && !/\b(?:bought|similar)\b/i.test(rest)) return { ...base, act: "next" };
    return { ...base, act: "similar" };
  }
  // "more like them", "similar to all three": words for the last answer, never a missing title.
  // "that last one looks sick, more like that": a description of an answered item, never a missing title.
  const aboutAnswer = found.missing !== undefined && POINTS_BACK.test(found.missing.query);
  if (found.missing && !aboutAnswer && !onlyChat(found.missing.query)) return { ...base, act: "notfound", missing: found.missing };
  if (unknownSids > 0) return { ...base, act: "notfound", missing: { query: "that semantic ID", candidates: [] } };
  // "my son loves Fortnite, what else could he play?", "we are big Minecraft fans": a game the catalog lacks, named in chat.
  const unknownName =
    tastes && wordsOf(tastes).some((w) => TASTE_WORDS.has(w) || TASTE_WORDS.has(w.replace(/s$/, ""))) ? undefined : namedUnknown(plain);
  if (unknownName) return { ...base, act: "notfound", missing: { query: unknownName, candidates: [] } };

  // An explicit item ("the name of the second one") is about that item, not the set.
  if (BUNDLE.test(rest) && !REF.test(rest)) return { ...base, act: "bundle" };
  // A why question is about the last answer, never a taste search: "why that racing one?", "can you explain why the third one was
  // suggested".
  const whyQuestion = WHY_QUESTION.test(rest) && !ASK_AND_EXPLAIN.test(rest);
  if ((WHY.test(rest) && !tastes) || whyQuestion) {
    const about = describedItem(rest, tastes, platform);
    const explicit = REF.test(rest) || !about;
    return { ...base, act: "why", ...(ref !== undefined && explicit ? { ref } : {}), ...(about ? { about } : {}) };
  }
  // "tell me about #2", "what about the second one?": what that item is and why it was suggested.
  if (
    ref !== undefined &&
    /\b(?:about|details?|describe|info|information|what is|what's|whats)\b/i.test(rest) &&
    !MORE_LIKE.test(rest.replace(/\btell me more\b/i, "")) &&
    !namesPlatform
  )
    return { ...base, act: "why", ref };
  // "more like those", "similar to all of them": every item of the last answer, unless one is named ("those, esp. #2").
  const all =
    PLURAL.test(rest) &&
    !REF.test(rest) &&
    !/\b(?:that|this|it)(?:\s+one)?\b(?!\s+(?:are|is|were|was|have|has|had|would|will|can|could|play|feel|look|i|you|we))/i.test(rest);
  const refers = ref !== undefined || ((DEMONSTRATIVE.test(rest) || all) && MORE_LIKE.test(rest));
  // "that forza one looks fun, more like it", "the cozy one is cute, more like that": the item a title word or description points at.
  const described = !REF.test(rest) && DESCRIBED_ONE.test(rest) ? describedItem(rest, tastes, platform) : undefined;
  const pointed = !REF.test(rest) && (DESCRIBED_ONE.test(rest) || DEMONSTRATIVE.test(rest));
  if (refers && (MORE_LIKE.test(rest) || MORE.test(rest)) && (!tastes || described)) {
    if (all) return { ...base, act: "more", all: true };
    return { ...base, act: "more", ref: ref ?? 1, ...(pointed ? { pointed: true } : {}), ...(described ? { about: described } : {}) };
  }
  const comparative = COMPARATIVE.exec(rest);
  if (comparative && wordsOf(rest).length <= 9 && !tastesOf(rest.replace(comparative[0], " ")) && !BUNDLE.test(rest)) {
    // "more relaxing games" with nothing before it is a taste ("relaxing").
    const asTaste = tastesOf(comparative[0]);
    return {
      ...base,
      act: "steer",
      comparative: comparative[0].toLowerCase(),
      ...(asTaste ? { tastes: asTaste } : {}),
      ...(REF.test(rest) && ref !== undefined ? { ref } : {}),
    };
  }
  // "#3 but for ps4", "the second one but on pc": steering about that item only.
  if (namesPlatform && !tastes && REF.test(rest) && ref !== undefined && (STEER.test(rest) || /\b(?:but|instead)\b/i.test(rest)))
    return { ...base, act: "steer", ref };
  // "without xbox", "I don't own a PS4": only platforms not wanted, a steer away from them.
  if (namesPlatform && !platform && !tastes) return { ...base, act: "steer" };
  if ((namesPlatform || anyPlatform) && !tastes && (STEER.test(rest) || wordsOf(rest).every((w) => STOP.has(w) || isPlatformWord(rest, w))))
    return { ...base, act: "steer" };
  if (
    !tastes &&
    !namesPlatform &&
    new RegExp(
      String.raw`^\W*(?:(?:(?:give|show|get|find|got)(?: me)?\s+)?(?:\d{1,2}|one|two|three|four|five|six|seven|eight` +
        `|nine|ten|a few|a couple(?: of)?|some) (?:more|others|other ones|different ones)|more|others?` +
        `|another|any ?more|some more|show me more|give me more|got (?:any )?more|anything else|what else` +
        `|something else|different ones|different games|other ones|not (?:those|these|them|that)|none of ` +
        String.raw`(?:those|these|them))\b`,
      "i",
    ).test(rest)
  )
    return { ...base, act: "more" };
  // "could I get 4 recommendations", "maybe 6 options": a count and request words only.
  if (
    !tastes &&
    !namesPlatform &&
    k !== undefined &&
    wordsOf(rest).every((w) => STOP.has(w) || COUNT_NOUNS.has(w) || /^\d+$/.test(w) || w in NUMBER_WORDS)
  )
    return { ...base, act: "more" };
  if (tastes) return { ...base, act: "tastes", tastes };
  if (namesPlatform) return { ...base, act: "tastes" };
  // A bare name the catalog lacks ("skyrim", "elden ring"): say so, rather than the generic help.
  if (!SMALLTALK.test(rest) && looksLikeTitle(plain)) {
    const query = plain.replace(/[\s?!.,]+$/, "");
    // A title with every word but its number ("halo 4" → Halo 3?) is asked about; nothing else is offered ("forza horizon 2").
    const real = (t: string) =>
      bareTerms(t).filter((w) => !TITLE_GLUE.has(w) && !/^\d+$/.test(w) && !/^[ivx]+$/.test(w) && !EDITION_WORDS.has(w));
    const candidates = [
      ...new Set(
        titles
          .search(query, { limit: 5, prefix: false })
          .map((h) => h.item)
          .filter((item) => sharesRealWord(query, item) && real(query).every((w) => real(item.title).includes(w))),
      ),
    ].slice(0, 3);
    return { ...base, act: "notfound", missing: { query, candidates } };
  }
  return { ...base, act: "smalltalk" };
}

// Politeness around a command: "please", "kindly", "can you", "would you mind".
const POLITE = new RegExp(
  String.raw`\b(?:pretty\s+)?(?:please|pls|plz|pleeease|kindly|thanks|thank you|thx|if you (?:can|could|don'?t ` +
    String.raw`mind)|(?:would|do) you mind)\b[\s,!.]*`,
  "gi",
);
const POLITE_ASK = new RegExp(String.raw`^\W*${GREETING}(?:can|could|would|will) (?:you|u)\s+`, "i");
function withoutPoliteness(text: string): string {
  return text
    .replace(POLITE, " ")
    .replace(POLITE_ASK, "")
    .replace(/\s+([,?!.])/g, "$1")
    .replace(/[\s,]+$/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

// A phrase that points at an item of the last answer ("that last one", "the second one", "this one", "it").
const POINTS_BACK = new RegExp(
  String.raw`^\W*(?:(?:ok(?:ay)?|yo|so|well|oh|hey|wow|man|dude|honestly|ngl|lol|omg|and|but)\W+)*(?:(?:that|this` +
    String.raw`|the)\s+(?:(?:last|first|second|third|fourth|fifth|final|1st|2nd|3rd|4th|5th|top)\s+)?(?:one|game` +
    String.raw`|pick)|(?:that|this|it|the\s+(?:last|first|second|third|fourth|fifth|final))\b)`,
  "i",
);
// A name said to be loved or played ("loves Fortnite", "into minecraft", "fan of Stardew Valley") and a name's fans ("big Minecraft fans").
const LOVED_NAME = new RegExp(
  String.raw`\b(?:loves?|loved|likes|liked|enjoys|enjoyed|adores?|adored|(?:play|plays|played|playing)(?:\s+a\s+` +
    String.raw`(?:lot|ton)\s+of)?|obsessed with|addicted to|hooked on|into|fans? of|crazy about|mad about)\s+(?:` +
    String.raw`(?:the|a)\s+)?([a-z0-9][\w'’:.&-]*(?:\s+[a-z0-9][\w'’:.&-]*){0,4}?)(?=\s*(?:[,.;!?]|$|\s+(?:and|but` +
    `|so|what|which|any|anything|can|could|should|is|are|too|a lot|lately|now|nowadays|these days|right ` +
    String.raw`now|all day|every day|nonstop|constantly)\b))`,
  "gi",
);
const NAME_FANS = /\b([A-Z][\w'’:&-]*(?:\s+(?:[A-Z][\w'’:&-]*|\d+))*)\s+(?:fans?|players?|addicts?|lovers?|enthusiasts?|nuts)\b/g;
/** A game-like name in chat that the catalog lacks (only called when no catalog game was found). */
function namedUnknown(text: string): string | undefined {
  for (const re of [LOVED_NAME, NAME_FANS]) {
    for (const m of text.matchAll(re)) {
      const name = m[1]!.replace(/[\s.,:]+$/, "").trim();
      const bare = withoutPlatforms(name).trim();
      if (bare === "" || !looksLikeTitle(bare) || wordsOf(bare).some((w) => FILLER.has(w) || w === "i")) continue;
      // A lower-case single word must look like a name, not chat or a topic ("loves it", "likes dinosaurs").
      if (!/[A-Z0-9]/.test(name) && wordsOf(bare).length === 1 && (bare.length < 4 || /[^s]s$/i.test(bare))) continue;
      return name;
    }
  }
  return undefined;
}

const TITLE_GLUE = new Set(["the", "of", "a", "an", "and"]);
/** One to five words that could be a game's name: no request, chat or taste words, something besides glue and numbers. */
function looksLikeTitle(text: string): boolean {
  const words = wordsOf(text);
  if (words.length === 0 || words.length > 5) return false;
  const numeral = (w: string) => /^\d+$/.test(w) || /^[ivx]+$/.test(w);
  return (
    words.some((w) => !TITLE_GLUE.has(w) && !numeral(w)) &&
    words.every((w) => TITLE_GLUE.has(w) || numeral(w) || (!STOP.has(w) && !TASTE_WORDS.has(w) && w.length > 1))
  );
}

interface FoundGames {
  items: CatalogItem[];
  missing?: { query: string; candidates: CatalogItem[] };
  /** Every title piece that did not resolve, also when others did ("halo 3 and fnv"). */
  misses: { query: string; candidates: CatalogItem[]; near: boolean }[];
  corrected: { query: string; title: string }[];
  /** The text with the named titles cut out. */
  rest: string;
}

// A clause ends at sentence punctuation or a "but"; titles never span clauses.
const CLAUSE = /[.?!;:](?=\s|$)|\s+but\s+|\s+(?:—|--)\s+/i;
const SEPARATOR = /\s*(?:,|&|\+|\band\b|\bor\b|\bplus\b|\bthen\b|\bwith\b|\bvs\.?\b|\bversus\b|\/)\s*/i;

function findGames(titles: TitleIndex, text: string): FoundGames {
  const items: CatalogItem[] = [];
  const corrected: FoundGames["corrected"] = [];
  let missing: FoundGames["missing"];
  const allMisses: FoundGames["misses"] = [];
  let rest = text;
  const cut = (piece: string) => {
    const at = rest.toLowerCase().indexOf(piece.toLowerCase());
    if (at >= 0) rest = `${rest.slice(0, at)} ${rest.slice(at + piece.length)}`;
  };
  // Try the whole clause first (titles with "and", "&", "+" or "/" in them), then its pieces.
  const clauses = splitClauses(text);
  for (const clause of clauses) {
    const before = items.length;
    const hadMissing = missing;
    findInClause(clause);
    if (items.length === before && !hadMissing && missing === undefined && SEPARATOR.test(clause)) {
      // Nothing named with the clause framed as a whole ("got around to Fallout New Vegas, loved it"): frame each part alone.
      for (const part of clause.split(SEPARATOR)) if (part.trim() !== "") findInClause(part);
    }
  }
  return {
    items,
    corrected,
    misses: allMisses,
    rest: rest.replace(/\s+/g, " ").trim(),
    ...(missing && items.length === 0 ? { missing } : {}),
  };

  function findInClause(clause: string): void {
    const framed = stripTitleFrame(clause);
    if (framed.query === "") return;
    const whole = findGame(titles, framed.query, framed.cue, isTaste);
    if (whole.kind === "found") {
      if (!items.includes(whole.item)) items.push(whole.item);
      if (whole.corrected) corrected.push({ query: whole.corrected, title: whole.item.title });
      cut(framed.query);
      return;
    }
    const pieces = framed.query.split(SEPARATOR).filter((p) => p.trim() !== "");
    let any = false;
    const misses: { query: string; candidates: CatalogItem[]; near?: boolean }[] = [];
    for (const piece of pieces) {
      const sub = stripTitleFrame(piece);
      if (sub.query === "") continue;
      const r = findGame(titles, sub.query, framed.cue || sub.cue, isTaste);
      // A near miss of the words typed is asked about, never cut down to some other title.
      if (r.kind === "missing" && r.near) {
        misses.push({ query: r.query, candidates: r.candidates, near: true });
        continue;
      }
      if (r.kind !== "found") {
        // "mario kart crazy taxi 2": two titles with nothing between them.
        const two = splitInTwo(titles, sub.query);
        if (two) {
          any = true;
          for (const item of two) if (!items.includes(item)) items.push(item);
          cut(sub.query);
          continue;
        }
      }
      if (r.kind !== "found" && (pieces.length > 1 || framed.cue || sub.cue)) {
        // With a cue the words left over must be filler ("Crash Team Racing for my kids"), so a near miss is never cut down to a title.
        const edge = titleAtEdge(titles, sub.query, framed.cue || sub.cue);
        if (edge) {
          any = true;
          if (!items.includes(edge.item)) items.push(edge.item);
          cut(edge.span);
          continue;
        }
      }
      // "halo 3 and skyrim": a title-like piece next to a found one is reported, never dropped (it is no missing title on its own).
      if (r.kind === "none" && pieces.length > 1 && bareTerms(sub.query).length > 0 && looksLikeTitle(sub.query))
        allMisses.push({ query: sub.query, candidates: [], near: false });
      if (r.kind === "found") {
        any = true;
        if (!items.includes(r.item)) items.push(r.item);
        if (r.corrected) corrected.push({ query: r.corrected, title: r.item.title });
        cut(sub.query);
      } else if (r.kind === "missing") misses.push({ query: r.query, candidates: r.candidates });
    }
    const near = (whole.kind === "missing" && whole.near) || misses.length > 0;
    if (!any && !framed.cue && items.length === 0 && !near) {
      // No cue word and no piece is a title: a title at the start or end of the clause
      // ("just wrapped up Nights of Azure", "Tales of Vesperia was amazing").
      const edge = titleAtEdge(titles, framed.query);
      if (edge) {
        any = true;
        if (!items.includes(edge.item)) items.push(edge.item);
        cut(edge.span);
        return;
      }
    }
    if (!any && whole.kind === "missing")
      misses.unshift({ query: whole.query, candidates: whole.candidates, ...(whole.near ? { near: true } : {}) });
    if (!missing && misses[0]) missing = { query: misses[0].query, candidates: misses[0].candidates };
    for (const m of misses) allMisses.push({ query: m.query, candidates: m.candidates, near: m.near === true });
  }
}

/** Where a game is named inside a request: the cue before it ("similar to", "after", "bought"…) and the title text. */
interface FramedTitle {
  query: string;
  /** A strong cue introduced the title, so an unknown title is a missing game, not a taste. */
  cue: boolean;
}

const STRONG_CUE = new RegExp(
  String.raw`\b(?:sim[il]{1,3}[aeo]r (?:games? )?to|(?:games?|something|anything|stuff|titles?|ones?|more|others?` +
    String.raw`|recommendations?|recs|suggestions?|picks|ideas|options|\d+) (?:just )?(?:like|liek|lik|likr)|my ` +
    String.raw`favou?rites? (?:are|is|include|were)|favou?rites?:|^\W*like|such as|reminds? (?:me )?of` +
    `|alternatives? to|based on|along the (?:same )?lines (?:of|as)|in the (?:same )?(?:vein|style|spirit` +
    `|mold|mould) (?:of|as)|(?:same|similar) (?:kind|sort|type|style|genre) (?:of (?:games? )?)?as|` +
    `(?:customers?|people|users?|players?|those|folks|fans) who (?:bought|played|liked|loved|enjoyed` +
    String.raw`|purchased|own(?:ed)?)|who (?:bought|played|liked)|(?<!\balso\s)(?<!\btoo\s)(?:bought|purchased)|` +
    String.raw`(?:just |recently |finally )?(?:finished|finishing|beat(?!\s+'?em\b)|beaten|completed|played|playing` +
    `|loved|liked|enjoyed|adored|done with|through with)|(?:after|aftr|afta)(?: playing| finishing| ` +
    String.raw`beating)?|fans? of|if i (?:liked|loved|enjoyed)|compared to|than)\s+`,
  "gi",
);
const WEAK_CUE = /\b(?:i (?:really )?(?:like|love|enjoy|dig)|i'm into|im into|into|love|enjoy)\s+/gi;
const TRAILING_FRAME = new RegExp(
  String.raw`(?:\s+|^)(?:(?:also|too)(?: bought| buy| liked| played)?|what(?:'s| is)? next|whats next|what now` +
    `|what(?:'s| is)? good|what else|next|now|then|again|recently|lately|last (?:week|night|month)|so far` +
    String.raw`|(?:what|which)(?: games?)? (?:should|could|would|can|do) (?:i|you)\b.*|(?:can|could|would|will) ` +
    String.raw`you\b.*|any (?:ideas|suggestions|recommendations|recs)|(?:suggest|recommend|give me|pick|find|show ` +
    String.raw`me)\b.*|and explain.*|and (?:tell|say)\b.*|games?|titles?|alternatives?|equivalents?|clones?|similar` +
    `(?: (?:games?|titles?|ones|stuff|picks))?|(?:games? |ones? |stuff |something |anything )?like (?:it` +
    `|that|this|those|them)|please|pls|thanks|a lot|so much|too|much|really|yet|though|ones?|stuff|for me` +
    `|anything|something|in the series|what|buy|get|yesterday|today|tonight|last (?:week|night|month` +
    `|year)|this (?:week|weekend|morning|year)|lately|recently|twice|once|already|finally|completely` +
    String.raw`|again|ranked(?: by \w+)?|in order|by (?:likelihood|probability|score)|with (?:scores|probabilities)` +
    `|includes?|might(?: also)? (?:buy|like|enjoy)|would(?: also)? (?:buy|like|enjoy)|vibes?|energy)$`,
  "i",
);
const LEADING_FRAME = new RegExp(
  String.raw`^(?:(?:so|well|hey|hi|ok(?:ay)?|also|and|but|then|now|both|either|neither)\s+|(?:the|a|an)\s+` +
    String.raw`(?:game\s+|one\s+)?|(?:games?|titles?)\s+|(?:i|we)\s+(?:just|recently|finally)?\s*|(?:what|which)` +
    `(?: games?)? (?:would|should|could|can|do) (?:you|i) (?:recommend|suggest|play|get|try)(?: to ` +
    String.raw`me)?\s*|(?:what|which) (?:games?|else)\s+|(?:recommend|suggest|give|show|find)(?: me)?(?: (?:some|a` +
    String.raw`|an|a few|something|anything|games?|titles?))*\s+|playing\s+|play\s+)`,
  "i",
);

/** Cuts the request words around a title ("what would you recommend after Tales of Vesperia?" → "Tales of Vesperia"). */
function stripTitleFrame(text: string): FramedTitle {
  let span = text.trim();
  let cue = false;
  let lastEnd = -1;
  let lastStart = -1;
  for (const m of span.matchAll(STRONG_CUE)) {
    if (m.index + m[0].length > lastEnd) {
      lastEnd = m.index + m[0].length;
      lastStart = m.index;
    }
  }
  if (lastEnd >= 0) cue = true;
  else {
    for (const m of span.matchAll(WEAK_CUE)) {
      if (m.index + m[0].length > lastEnd) {
        lastEnd = m.index + m[0].length;
        lastStart = m.index;
      }
    }
  }
  // "crazy taxi 2 games like it": the cue points back at the title before it.
  if (lastEnd >= 0 && lastStart > 0 && /^(?:it|that|this|that one|this one|them|those)\W*$/i.test(span.slice(lastEnd).trim()))
    span = span.slice(0, lastStart);
  else if (lastEnd >= 0) span = span.slice(lastEnd);
  // A platform at the end ("… for xbox") is steering, not part of the title.
  for (const m of findPlatforms(span).reverse()) {
    const before = span.slice(0, m.start);
    if (span.slice(m.end).trim() === "" && /(?:\b(?:for|on|in|but|with)\s*(?:the\s+|my\s+|a\s+|an\s+)?)$/i.test(before))
      span = before.replace(/\b(?:for|on|in|but|with)\s*(?:the\s+|my\s+|a\s+|an\s+)?$/i, "");
  }
  for (let i = 0; i < 6; i++) {
    const before = span;
    span = span
      .trim()
      .replace(/[\s,;:!?.-]+$/, "")
      .replace(TRAILING_FRAME, "")
      .replace(LEADING_FRAME, "")
      .replace(/^["“'‘]|["”'’]$/g, "")
      .trim();
    if (span === before) break;
  }
  return { query: span, cue };
}

function titleAtEdge(titles: TitleIndex, query: string, strict = false): { item: CatalogItem; span: string } | undefined {
  const words = query.split(/\s+/).filter((w) => w !== "");
  if (words.length < 2 || words.length > 14) return undefined;
  for (let len = words.length - 1; len >= 1; len--) {
    // Edges first (end, then start), then inner spans of short texts.
    const starts = [
      words.length - len,
      0,
      ...(strict && words.length <= 9 ? Array.from({ length: Math.max(0, words.length - len - 1) }, (_, i) => i + 1) : []),
    ];
    for (const start of new Set(starts)) {
      const span = words.slice(start, start + len);
      const text = span.join(" ");
      const meaningful = bareTerms(text).filter((t) => !STOP.has(t) && !TASTE_WORDS.has(t) && !/^\d+$/.test(t));
      if (meaningful.length === 0 || (meaningful.length === 1 && meaningful[0]!.length < 4)) continue;
      if (strict) {
        const leftover = [...words.slice(0, start), ...words.slice(start + len)].join(" ");
        if (!bareTerms(leftover).every((t) => STOP.has(t) || TASTE_WORDS.has(t) || FILLER.has(t))) continue;
      }
      const r = findGame(titles, text, false, isTaste);
      if (r.kind !== "found" || r.corrected) continue;
      // "halo 4" is not Halo 3: a number typed right next to the span that the title lacks names another game.
      const numeral = (w: string | undefined) => w !== undefined && (/^\d+$/.test(w) || /^(?:ii|iii|iv|vi|vii|viii|ix)$/i.test(w));
      const beside = [words[start + len], words[start - 1]].map((w) => w?.toLowerCase().replace(/[^a-z0-9]/g, ""));
      if (beside.some((w) => numeral(w) && !bareTerms(r.item.title).includes(w!)) && bareTerms(r.item.title).some((t) => numeral(t)))
        continue;
      if (titleShare(text, r.item) >= 0.5) return { item: r.item, span: text };
      // "forza is great" → Forza …, but not "forza horizon 2" (another game's words follow): only ordinary words may be left.
      if (bareTerms(r.item.title)[0] === bareTerms(text)[0] && meaningful[0]!.length >= 5) {
        const after = bareTerms(words.slice(start + len).join(" ")).slice(0, 2);
        if (after.every((t) => STOP.has(t) || TASTE_WORDS.has(t) || FILLER.has(t) || bareTerms(r.item.title).includes(t)))
          return { item: r.item, span: text };
      }
    }
  }
  return undefined;
}

/** Share of the title's words (edition and platform words aside) that the text uses. */
function titleShare(text: string, item: CatalogItem): number {
  const title = bareTerms(item.title).filter((t) => !EDITION_WORDS.has(t));
  const words = new Set(bareTerms(text));
  return title.length === 0 ? 0 : title.filter((t) => words.has(t)).length / title.length;
}

function splitInTwo(titles: TitleIndex, query: string): CatalogItem[] | undefined {
  const words = query.split(/\s+/);
  if (words.length < 3 || words.length > 12) return undefined;
  for (let i = 1; i < words.length; i++) {
    const left = findGame(titles, words.slice(0, i).join(" "), false, isTaste);
    if (left.kind !== "found" || left.corrected) continue;
    const right = findGame(titles, words.slice(i).join(" "), false, isTaste);
    if (right.kind === "found" && !right.corrected && right.item !== left.item) return [left.item, right.item];
  }
  return undefined;
}

/** Clauses of a text (see CLAUSE); a "." not followed by a space ("S.T.A.L.K.E.R", "3.5") does not split. */
function splitClauses(text: string): string[] {
  return text
    .split(CLAUSE)
    .map((c) => c.trim())
    .filter((c) => c !== "");
}

// People a game is for and where it is played: who and where, never what they like.
const FILLER = new Set(
  (
    "kid kids son sons daughter daughters wife husband partner spouse friend friends family girlfriend " +
    "boyfriend gf bf brother brothers sister sisters sibling siblings " +
    "dad dads mom moms mum mums mother father mommy daddy parents parent niece nieces nephew nephews " +
    "cousin cousins aunt auntie uncle grandmother grandma granny nan nana grandfather grandpa granddad " +
    "grandparents grandson grandsons granddaughter granddaughters grandkids grandchildren child children " +
    "toddler toddlers baby babies teen teens teenager teenagers boy boys girl girls " +
    "boss colleague colleagues coworker coworkers co-worker co-workers roommate roommates buddy buddies " +
    "mate mates classmates students pupils team office workplace work " +
    "year years yr yrs old olds aged age ages yo"
  ).split(" "),
);
// Someone's people ("for my kids", "my niece is 6", "a 7 year old"): not a taste even when the word could be one.
const PEOPLE_AND_AGES = new RegExp(
  [
    String.raw`\b(?:my|our|his|her|their|your)\s+(?:(?:little|young|younger|older|big|baby|\d{1,2}[\s-]*(?:years?` +
      String.raw`|yrs?|y\/?o)[\s-]*olds?|\d{1,2})\s+)*(?:kids?|child(?:ren)?|family|friends?|boys?|girls?)\b`,
    String.raw`\b(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]*(?:years?|yrs?|y\/?o)(?:[\s-]*olds?)?\b`,
    String.raw`\b(?:is|are|turns?|turning|aged?|ages)\s+\d{1,2}(?:\s*(?:and|or|-|to|&)\s*\d{1,2})?\b`,
  ].join("|"),
  "gi",
);
const isTaste = (term: string) => TASTE_WORDS.has(term) || STOP.has(term);

/**
 * What a described item is ("the racing one", "the cozy one", "the Xbox one"): its taste words and platform; undefined when nothing
 * describes it.
 */
function describedItem(text: string, tastes: string | undefined, platform: Platform | undefined): Understanding["about"] {
  const words = [
    ...new Set([
      ...wordsOf(tastes ?? ""),
      ...wordsOf(withoutPlatforms(text)).filter(
        (w) => TASTE_WORDS.has(w) || TASTE_WORDS.has(w.replace(/-/g, "")) || TASTE_WORDS.has(w.replace(/s$/, "")),
      ),
    ]),
  ].filter((w) => w !== "and" && w !== "or");
  // "the xbox one" names the Xbox family, not the Xbox One console.
  const xboxOne = /\bxbox\s+one\b/i.test(text) && /\b(?:the|that|this)\s+xbox\s+one\b/i.test(text);
  const described = xboxOne ? platformByName("Xbox") : platform;
  if (words.length === 0 && !described) return undefined;
  return { words, ...(described ? { platform: described } : {}) };
}

/** Nothing but chat, numbers and words for the last answer ("the ones you listed"): never a missing title. */
function onlyChat(query: string): boolean {
  return wordsOf(query).every((w) => STOP.has(w) || w in NUMBER_WORDS || /^\d+$/.test(w) || ANSWERED.has(w));
}

function refOf(text: string): number | undefined {
  const m = REF.exec(text);
  if (!m) return /\b(?:that|this|it)(?:\s+one)?\b/i.test(text) ? 1 : undefined;
  const digit = m[1] ?? m[2];
  if (digit) return Number.parseInt(digit, 10) || undefined;
  return ORDINAL_WORDS[m[3]!.toLowerCase()];
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, "'")
    .split(/[^a-z0-9'#-]+/)
    .map((w) => w.replace(/^'+|'+$/g, ""))
    .filter((w) => w !== "");
}

function isPlatformWord(text: string, word: string): boolean {
  return findPlatforms(text).some((m) =>
    text
      .slice(m.start, m.end)
      .toLowerCase()
      .split(/[\s\-_]+/)
      .includes(word),
  );
}

// A taste said not to be wanted ("no shooters", "I hate racing games") is left out, up to the end of its clause part.
const NEGATED = new RegExp(
  String.raw`\b(?:no|not|never|hate|hates|dislike|dislikes|(?:don'?t|do not) (?:like|want|enjoy|recommend|suggest|show|give)` +
    `|can'?t stand|without|except|anything but|nothing|avoid|skip|exclude|stay away from|tired of|sick of` +
    String.raw`|fed up with)\b[^,;.!?]*?(?=,|;|\.|!|\?|\bbut\b|\band\s+` +
    String.raw`(?:i\s+)?(?:like|love|want)\b|$)`,
  "gi",
);

/**
 * The taste words of a request, as typed and in order ("recommend me cozy farming games for the
 * switch" → "cozy farming"); undefined when it names no genre or mood and has no request cue.
 */
export function tastesOf(text: string): string | undefined {
  const t = withoutPlatforms(text)
    .replace(NEGATED, " ")
    .replace(/#\s?\d\b/g, " ")
    .replace(PEOPLE_AND_AGES, " ");
  const words = wordsOf(t).filter((w) => !/^\d+$/.test(w) && !(w in NUMBER_WORDS));
  const phrased = new Set(wordsOf(text.match(new RegExp(TASTE_PHRASES.source, "gi"))?.join(" ") ?? ""));
  const isTasteWord = (w: string) =>
    phrased.has(w) ||
    TASTE_WORDS.has(w) ||
    TASTE_WORDS.has(w.replace(/-/g, "")) ||
    w.split("-").some((p) => TASTE_WORDS.has(p)) ||
    TASTE_WORDS.has(w.replace(/s$/, ""));
  // "for my daughter": who it is for, not what they like.
  const content = words.filter(
    (w) => ((!STOP.has(w) && w.length > 1) || TASTE_WORDS.has(w)) && (!FILLER.has(w) || phrased.has(w) || TASTE_WORDS.has(w)),
  );
  if (content.length === 0) return undefined;
  const known = content.some(isTasteWord) || TASTE_PHRASES.test(text);
  const asks =
    /\b(?:games?|recommend\w*|suggest\w*|looking for|i like|i love|i enjoy|into|fan of|mood for)\b/i.test(text) ||
    (known && /\b(?:something|anything|stuff|with|some)\b/i.test(text));
  if (!known && !asks) return undefined;
  // "the best game ever", "the meaning of life": no genre or mood, just talk.
  if (!known && /\b(?:best|greatest|favou?rite)\b/i.test(text)) return undefined;
  if (known && !asks && !content.every((w) => isTasteWord(w) || w === "something" || w === "anything")) return undefined;
  // The span from the first to the last content word keeps "scifi and action" together.
  const first = words.indexOf(content[0]!);
  const last = words.lastIndexOf(content.at(-1)!);
  // Only taste words reach the prompt: no people, ages or filler, each word once.
  const span = words
    .slice(first, last + 1)
    .filter((w) => !STOP.has(w) || w === "and" || w === "or" || TASTE_WORDS.has(w) || phrased.has(w))
    .filter((w) => !FILLER.has(w) || TASTE_WORDS.has(w) || phrased.has(w))
    .filter((w, i, all) => w === "and" || w === "or" || all.indexOf(w) === i)
    .filter((w, i, all) => !((w === "and" || w === "or") && (all[i - 1] === "and" || all[i - 1] === "or")));
  // "shooters" → "shooter", so the prompt reads "I like shooter games."
  const lastWord = span.at(-1);
  if (lastWord && /[^s]s$/.test(lastWord) && lastWord !== "sports" && TASTE_WORDS.has(lastWord.slice(0, -1)))
    span[span.length - 1] = lastWord.slice(0, -1);
  const cleaned = span
    .join(" ")
    .replace(/^(?:and|or)\s+|\s+(?:and|or)$/g, "")
    .trim();
  return cleaned === "" ? undefined : cleaned;
}

function withoutPlatforms(text: string): string {
  let t = text;
  for (const m of findPlatforms(t).reverse()) t = `${t.slice(0, m.start)} ${t.slice(m.end)}`;
  return t;
}
