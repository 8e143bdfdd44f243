/**
 * Suggested prompts for Slack assistant threads, drawn from the requests the model answers best
 * (similar to a game, tastes, a platform; a bundle name once there is an answer) and naming
 * titles from the loaded catalog, so each prompt works on the catalog this sidbot runs with.
 */
import type { Bot } from "../../bot/Bot.js";
import type { BotReply } from "../../bot/types.js";
import { truncateText } from "../splitText.js";

export interface SuggestedPrompt {
  /** What the button says. */
  title: string;
  /** What the person sends by clicking it. */
  message: string;
}

/** Slack shows at most four prompts. */
export const MAX_PROMPTS = 4;
const TITLE_CHARS = 40;
// Platform words a catalog title may carry ("… - Xbox 360").
const PLATFORM_WORDS = ["Switch", "PlayStation", "Xbox", "Nintendo", "PC"] as const;

/** The prompts offered when a thread starts. */
export function startPrompts(bot: Pick<Bot, "suggestGames">): SuggestedPrompt[] {
  const prompts: SuggestedPrompt[] = [];
  const game = bot.suggestGames("", 1)[0];
  if (game) prompts.push({ title: truncateText(`Games like ${game.title}`, TITLE_CHARS), message: `similar to ${game.title}` });
  prompts.push({ title: "Tell me what you like", message: "I like sci-fi and action games" });
  // The platform most titles name, and one of its games: "similar, for that platform" then has neighbours to find.
  const platform = PLATFORM_WORDS.map((word) => ({ word, games: bot.suggestGames(word, 25) }))
    .filter((p) => p.games.length > 0)
    .sort((a, b) => b.games.length - a.games.length)
    .map((p) => ({ word: p.word, game: p.games[0] }))[0];
  if (platform?.game)
    prompts.push({
      title: truncateText(`${platform.word} games like ${platform.game.title}`, TITLE_CHARS),
      message: `Recommend ${platform.word} games similar to ${platform.game.title}`,
    });
  return prompts.slice(0, MAX_PROMPTS);
}

/** After an answer: its follow-ups (why, more like, a bundle name, another platform). */
export function followUpPrompts(reply: BotReply): SuggestedPrompt[] {
  return reply.followUps.slice(0, MAX_PROMPTS).map((text) => ({ title: truncateText(capitalise(text), TITLE_CHARS), message: text }));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
