/**
 * What the engine should do for an understood request, given the conversation's last answer:
 * an engine task, or a reply that needs no engine (a question back, small talk).
 */
import type { CatalogItem } from "../engine/catalog/Catalog.js";
import { toRecommended } from "../engine/Engine.js";
import type { Task } from "../engine/types.js";
import { type Platform, platformByName, platformOf } from "../engine/titles/platforms.js";
import { EDITION_WORDS } from "../engine/titles/resolveGame.js";
import { bareTerms } from "../engine/titles/TitleIndex.js";
import { MESSAGES } from "./messages.js";
import type { BotReply } from "./types.js";
import type { Understanding } from "./understand.js";

/**
 * `followUp`: the task continues the conversation's last answer ("more", "now for xbox", "more like
 * #2"), so it must not recommend anything the conversation already named or answered with.
 */
export type Plan = { kind: "task"; task: Task; notices: string[]; followUp?: boolean } | { kind: "reply"; reply: BotReply };

export interface PlanContext {
  /** Items of the last answer in this conversation, in order. */
  last: readonly CatalogItem[];
  /** What the last answer was based on. */
  basis: readonly CatalogItem[];
  /** The platform the last answer was narrowed to. */
  platform?: Platform;
}

export const SMALLTALK_FOLLOW_UPS = ["similar to Halo 3", "I like cozy farming games", "racing games for xbox"];

export function reply(kind: BotReply["kind"], text: string, extra: Partial<BotReply> = {}): BotReply {
  return { kind, items: [], text, notices: [], followUps: [], ...extra };
}

export function planRequest(u: Understanding, { last, basis, platform: lastPlatform }: PlanContext): Plan {
  // A title used despite a small typo is always said ("haol 3" → Halo 3), never substituted silently.
  const corrections = [
    ...(u.corrected ?? []).map((c) => MESSAGES.corrected(c.query, c.title)),
    // A second title the catalog lacks is said, never dropped silently ("halo 3 and skyrim").
    ...(u.unresolved ?? []).map((q) => `I couldn't find “${q}” in the catalog, so I left it out.`),
    // A near miss beside found games ("Find similar games" on "halo 3 and crazy taxy") is said with what it may have meant.
    ...(u.act !== "notfound" && u.missing?.candidates.length
      ? [
          MESSAGES.leftOutNearMiss(
            u.missing.query,
            u.missing.candidates.map((c) => c.title),
          ),
        ]
      : []),
  ];
  const task = (t: Task, notices: string[] = []): Plan => ({ kind: "task", task: withCount(t, u), notices: [...corrections, ...notices] });
  // A follow-up naming no platform stays on the one the last answer was narrowed to ("for xbox", then "more"): the platform is a
  // hard filter, so dropping it would answer off-platform. Naming another replaces it; saying it is not wanted drops it.
  const negated = [...(u.avoided ?? []), ...(u.widened ?? [])];
  // Only a negation of that very platform, or of its whole family ("not xbox" after "for Xbox 360"), drops it: "not on xbox one"
  // after "for Xbox 360" still wants the Xbox 360.
  const dropsLast = (p: Platform) =>
    lastPlatform !== undefined && (p === lastPlatform || (p.wholeFamily === true && p.family === lastPlatform.family));
  const kept = lastPlatform && !u.platform && !u.anyPlatform && !negated.some(dropsLast) ? lastPlatform : undefined;
  const followUp = (t: Task): Plan => ({
    ...(task(t.platform === undefined && kept ? { ...t, platform: kept.name } : t) as Extract<Plan, { kind: "task" }>),
    followUp: true,
  });
  const platform = u.platform ? { platform: u.platform.name } : {};
  // A follow-up with no earlier answer to follow.
  const noHistory = (example = "similar to Halo 3"): Plan => ({
    kind: "reply",
    reply: reply("clarify", MESSAGES.noHistory, { followUps: [example] }),
  });
  const pick = (ordinal: number | undefined): CatalogItem | Plan => {
    if (last.length === 0) return noHistory();
    const n = ordinal ?? 1;
    const item = n === -1 ? last.at(-1) : last[n - 1];
    return item ?? { kind: "reply", reply: reply("clarify", MESSAGES.noItemAt(n, last.length), { followUps: ["more like #1"] }) };
  };
  // A title named in a follow-up that is in the last answer refers to that item.
  const inLast =
    u.games.length === 1 && last.includes(u.games[0]!)
      ? last.indexOf(u.games[0]!) + 1
      : u.games.length === 0
        ? namedInLast(u.text, last)
        : undefined;
  // The last-answer item a title word or a description ("the racing one") names.
  const named = inLast ?? (u.about ? describedIn(u.about, last) : undefined);

  switch (u.act) {
    case "reset":
    case "help":
      return { kind: "reply", reply: reply("help", MESSAGES.help, { followUps: SMALLTALK_FOLLOW_UPS }) };
    case "smalltalk":
      return { kind: "reply", reply: reply("help", smalltalkText(u.text), { followUps: SMALLTALK_FOLLOW_UPS }) };
    case "notfound": {
      const missing = u.missing ?? { query: u.text, candidates: [] };
      // Text that names no game at all (gamesNamedIn): ask for one.
      if (missing.query === "" && missing.candidates.length === 0)
        return { kind: "reply", reply: reply("clarify", MESSAGES.noGamesNamed, { followUps: SMALLTALK_FOLLOW_UPS }) };
      if (missing.candidates.length > 0) {
        return {
          kind: "reply",
          reply: reply(
            "clarify",
            MESSAGES.didYouMean(
              missing.query,
              missing.candidates.map((c) => c.title),
            ),
            {
              items: missing.candidates.map(toRecommended),
              followUps: missing.candidates.map((c) => `similar to ${c.title}`),
            },
          ),
        };
      }
      return { kind: "reply", reply: reply("clarify", MESSAGES.notInCatalog(missing.query), { followUps: SMALLTALK_FOLLOW_UPS }) };
    }
    case "why": {
      // "why halo 3?" about a game not in the last answer (or with no answer yet): explain that game.
      if (u.games.length > 0 && inLast === undefined)
        return task({ kind: "chat", text: u.text, items: [u.games[0]!], basis, recommend: false });
      const item = pick(named ?? u.ref);
      if ("kind" in item) return item;
      return task({ kind: "chat", text: u.text, items: [item], basis, recommend: false });
    }
    case "more": {
      // "10 more like those": new items on every item of the last answer.
      if (u.all) {
        if (last.length === 0) return noHistory();
        return followUp({ kind: "similar", items: [...last], ...platform });
      }
      if (u.ref === undefined && inLast !== undefined) return followUp({ kind: "similar", items: [last[inLast - 1]!], ...platform });
      if (u.ref === undefined) {
        // "could I get 4 recommendations" with nothing before it: that many games.
        if (last.length === 0 && u.k !== undefined) return task({ kind: "tastes", text: tastesSentence(undefined) });
        if (last.length === 0) return noHistory();
        // "more", "something else": new items on what the last answer was based on (its items when it had no basis).
        return followUp({ kind: "similar", items: basis.length > 0 ? [...basis] : [...last], ...platform });
      }
      // "that forza one looks fun, more like it": the item its title word or description names, else the one pointed at.
      const item = pick((u.pointed ? named : undefined) ?? u.ref);
      return "kind" in item ? item : followUp({ kind: "similar", items: [item], ...platform });
    }
    case "bundle":
      if (last.length === 0) return noHistory("similar to Mario Kart");
      return task({ kind: "bundle", items: last, text: "Suggest a name and description for the bundle" });
    case "steer": {
      if (last.length === 0) {
        // "anything cheaper?" with nothing to compare to.
        if (u.comparative && !u.platform && !u.tastes) return noHistory();
        return task({ kind: "tastes", text: tastesSentence(u.tastes, u.platform ? undefined : u.avoided), ...platform });
      }
      // "#3 but for ps4": about that item only.
      const about = u.ref !== undefined ? pick(u.ref) : undefined;
      if (about && "kind" in about) return about;
      const items = about ? [about] : [...last];
      // The card's multi-turn steering phrasing, whatever words were typed ("make it ps4", "anything cheaper?").
      const how = [u.comparative, u.platform ? `for ${u.platform.name}` : notFor(u.avoided)].filter((x) => x !== undefined).join(" ");
      // "not just xbox": nothing to steer by but the platforms let in.
      const text = how === "" ? "How about something similar on any platform?" : `How about something similar but ${how}?`;
      return followUp({ kind: "chat", text, items, ...platform, recommend: true });
    }
    case "explain":
      if (inLast !== undefined && u.games.length === 1)
        return task({ kind: "chat", text: u.text, items: [u.games[0]!], basis, recommend: false });
      return task({ kind: "explain", items: u.games.slice(0, 1), ...platform });
    case "similar":
      if (inLast !== undefined && /^\W*(?:more|others?|another)\b/i.test(u.text))
        return followUp({ kind: "similar", items: [u.games[0]!], ...platform });
      return task({ kind: "similar", items: u.games, ...platform });
    case "next":
      return task({ kind: "next", items: u.games, ...platform });
    case "tastes":
      return task({ kind: "tastes", text: tastesSentence(u.tastes, u.platform ? undefined : u.avoided), ...platform });
    default:
      return u.act satisfies never;
  }
}

/** The position (1-based) of a last-answer item whose distinctive title word the text uses ("why Forza?"). */
function namedInLast(text: string, last: readonly CatalogItem[]): number | undefined {
  const words = new Set(bareTerms(text));
  for (const [i, item] of last.entries()) {
    const terms = bareTerms(item.title).filter((t) => t.length >= 4 && !EDITION_WORDS.has(t) && !/^\d+$/.test(t));
    if (terms.some((t) => words.has(t))) return i + 1;
  }
  return undefined;
}

/** The position (1-based) of the last-answer item a description fits best ("racing" → its racing game, Xbox → its Xbox game). */
function describedIn(about: NonNullable<Understanding["about"]>, last: readonly CatalogItem[]): number | undefined {
  const norm = (w: string) =>
    w
      .toLowerCase()
      .replace(/-/g, "")
      .replace(/^cosy$/, "cozy")
      .replace(/(?<=[^s])s$/, "");
  let best: number | undefined;
  let bestScore = 0;
  for (const [i, item] of last.entries()) {
    const described = [
      item.title,
      ...Object.entries(item.meta)
        .filter(([k]) => k !== "platform")
        .flatMap(([, v]) => (typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [])),
    ]
      .join(" ")
      .split(/[^A-Za-z0-9-]+/)
      .filter((w) => w !== "")
      .map(norm);
    // "sim" describes a simulation, "car" a cars game.
    let score = about.words.filter((w) => described.some((d) => d === norm(w) || (norm(w).length >= 3 && d.startsWith(norm(w))))).length;
    if (about.platform) {
      const own = (item.platform ? platformByName(item.platform) : undefined) ?? platformOf(item.title);
      if (own?.name === about.platform.name) score += 2;
      else if (own?.family === about.platform.family) score += 1;
    }
    if (score > bestScore) {
      best = i + 1;
      bestScore = score;
    }
  }
  return best;
}

function withCount(t: Task, u: Understanding): Task {
  const recommends = t.kind === "similar" || t.kind === "next" || t.kind === "tastes" || (t.kind === "chat" && t.recommend !== false);
  return {
    ...t,
    ...(u.k !== undefined && recommends ? { k: u.k } : {}),
    ...(u.ranked && recommends && t.kind !== "tastes" && t.kind !== "chat" ? { ranked: true } : {}),
  };
}

/** Tastes in the trained shape: "I like scifi and action games." */
/** `avoided`: platforms ruled out ("racing games, no PC") — never a filter, so the model is told in words ("…, not for PC."). */
export function tastesSentence(tastes: string | undefined, avoided?: readonly Platform[]): string {
  const words = (tastes ?? "").trim().replace(/\s+(?:games?|titles?)$/i, "");
  const not = notFor(avoided);
  return `I like ${words === "" ? "" : `${words} `}games${not ? `, ${not}` : ""}.`;
}

function smalltalkText(text: string): string {
  if (/\b(?:thanks?|thank you|thx|ty|cheers)\b/i.test(text))
    return "You're welcome! Ask me any time — name a game you liked or what you're in the mood for.";
  if (/\b(?:bye|goodbye|see ya|good night)\b/i.test(text)) return "Bye — have fun playing! Come back when you want more ideas.";
  if (/\bbest\b.*\bgames?\b|\bgames?\b.*\bbest\b/i.test(text))
    return "That depends on what you like! Tell me a game you enjoyed or a genre, and I'll find games for you.";
  if (/^\W*(?:hi|hello|hey|hiya|howdy|yo|sup|heya|greetings|good (?:morning|afternoon|evening)|gm)\b/i.test(text))
    return "Hi! I recommend video games. Tell me a game you liked or what you're in the mood for.";
  return "I'm a video game recommender — tell me a game you liked or what you're in the mood for, and I'll suggest some.";
}

/** "not for Xbox or PC": platforms said not to be wanted, as steering words for the model (never a filter). */
function notFor(avoided: readonly Platform[] | undefined): string | undefined {
  return avoided && avoided.length > 0 ? `not for ${avoided.map((p) => p.name).join(" or ")}` : undefined;
}
