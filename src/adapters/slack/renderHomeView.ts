/**
 * sidbot's App Home tab in Block Kit (a `home` view for views.publish): what sidbot can do,
 * example requests built from real catalog titles, and the person's recent recommendations.
 * Titles are escaped and sections verbatim, so they cannot mention or link anyone; every text stays within Slack's
 * limits (header 150, section 3000 characters; at most 100 blocks in a view).
 */
import type { types } from "@slack/bolt";
import { truncateText } from "../splitText.js";
import { escapeSlack, mrkdwn, SLACK_LIMITS } from "./renderSlackReply.js";

export interface HomeContent {
  /** Catalog titles to build example requests from (the first few are used). */
  exampleTitles: readonly string[];
  /** The person's recent recommendations, newest first; `available: false` when memory cannot be read now. */
  recent: { available: boolean; games: readonly { title: string }[] };
}

export const HOME_TEXTS = {
  header: "🎮 sidbot — game recommendations",
  intro: "Tell me what you like in plain words, or name a game you love, and I'll find games from the catalog for you.",
  abilities: [
    "*What I can do*",
    "• `/recommend cozy farming games` — recommendations from what you like",
    "• `similar to Mario Kart` — games like one you already love",
    "• follow-ups in the same thread: `how about for Xbox?`, `why that one?`, `more like #2`",
    "• `suggest a name for this bundle` — a name for the games I picked",
    "• message me here, or mention me in a channel; `/recommend reset` starts over",
  ].join("\n"),
  examplesTitle: "*Try asking*",
  recentTitle: "*Your recent recommendations*",
  noRecent: "Nothing yet — ask me for a game and your picks will show up here.",
  recentUnavailable: "I can't reach my memory right now, so your recent picks will be back soon. Everything else works as usual.",
  footer: "👍/👎 under an answer tells me what hit the mark.",
} as const;

const EXAMPLES = 3;
// Long catalog titles (editions, bundles) make poor examples.
const EXAMPLE_TITLE_MAX = 60;
const RECENT_TITLE_MAX = 200;
const HEADER_MAX = 150;

export function renderHomeView({ exampleTitles, recent }: HomeContent): types.HomeView {
  const section = (text: string) => ({
    type: "section" as const,
    // Verbatim: Slack links no address or channel name in catalog titles.
    text: mrkdwn(truncateText(text, SLACK_LIMITS.sectionText)),
  });
  return {
    type: "home",
    blocks: [
      { type: "header", text: { type: "plain_text", text: truncateText(HOME_TEXTS.header, HEADER_MAX), emoji: true } },
      section(HOME_TEXTS.intro),
      section(HOME_TEXTS.abilities),
      { type: "divider" },
      section([HOME_TEXTS.examplesTitle, ...examples(exampleTitles).map((e) => `• \`${e}\``)].join("\n")),
      { type: "divider" },
      section([HOME_TEXTS.recentTitle, recentLines(recent)].join("\n")),
      { type: "context", elements: [{ type: "mrkdwn", text: HOME_TEXTS.footer }] },
    ],
  };
}

/** Requests in the shapes the model answers best, naming real games; generic ones when the catalog offers none. */
function examples(titles: readonly string[]): string[] {
  // Inside `code` a backtick would end the span early.
  const usable = titles.filter((t) => t.trim().length > 0 && t.length <= EXAMPLE_TITLE_MAX).map((t) => escapeSlack(t.replaceAll("`", "'")));
  const [a, b, c] = usable;
  const out = [
    a ? `/recommend similar to ${a}` : "/recommend similar to Mario Kart",
    b ? `I loved ${b}, what should I play next?` : "I like scifi and action games",
    c ? `games like ${c}` : "cozy farming games",
  ];
  return out.slice(0, EXAMPLES);
}

function recentLines(recent: HomeContent["recent"]): string {
  if (!recent.available) return HOME_TEXTS.recentUnavailable;
  if (recent.games.length === 0) return HOME_TEXTS.noRecent;
  return recent.games.map((g, i) => `${i + 1}. ${escapeSlack(truncateText(g.title, RECENT_TITLE_MAX))}`).join("\n");
}
