/**
 * Which conversation a private (ephemeral) answer belongs to, and how the person's own commands
 * treat it — one rule for every handler:
 * - an answer is private through someone's own install, or when it follows a private answer
 *   ("More like", 👍/👎 on an ephemeral message);
 * - a private answer is remembered in the person's own conversation at that place, so others'
 *   follow-ups there never build on it — except in the bot's own DM, which is private already:
 *   there the DM conversation is the one conversation;
 * - the person's `/reset` at a place also forgets their private conversation there;
 * - their `/bundle` names the games of whichever of the two answered them last, and is private
 *   when that is the private one (it names games only they saw).
 */
import { MessageFlags, type ButtonInteraction } from "discord.js";
import type { Bot } from "../../bot/Bot.js";
import { MESSAGES } from "../../bot/messages.js";
import type { BotReply, BotRequest, ConversationKey } from "../../bot/types.js";
import { finishesWithin } from "../../util/finishesWithin.js";
import type { Logger } from "../../util/logger.js";
import { privateConversation, type Place } from "./discordScope.js";
import { loggableError } from "./loggableError.js";

/** Whether an answer to this button click is private: the place is reached through a user install, or the clicked answer was private. */
export function isPrivate(place: Place, interaction: ButtonInteraction): boolean {
  return place.userInstalled || interaction.message.flags.has(MessageFlags.Ephemeral);
}

/** The conversation an answer at `place` belongs to. */
export function conversationFor(place: Place, userId: string, privately: boolean): ConversationKey {
  return privately && !place.dm ? privateConversation(place.conversation, userId) : place.conversation;
}

/** A memory look-up must not eat the three seconds an interaction has to be acknowledged. */
const LOOKUP_TIMEOUT_MS = 1000;

/**
 * Whether the person's `/bundle` at a place where answers are public should name their private answer's games: it is newer than
 * the shared conversation's last answer. Unknown (memory slow or away) → the shared conversation, as before.
 */
export async function bundlePrivately(bot: Bot, place: Place, userId: string, log: Logger): Promise<boolean> {
  if (place.dm || place.userInstalled) return false;
  const lookup = Promise.all([
    bot.lastAnswerAt(place.conversation),
    bot.lastAnswerAt(privateConversation(place.conversation, userId)),
  ]).then(
    ([shared, mine]) => mine !== undefined && (shared === undefined || mine > shared),
    (error: unknown) => {
      log.warn({ err: loggableError(error) }, "could not compare private and shared answers; bundling the shared one");
      return false;
    },
  );
  return (await finishesWithin(lookup, LOOKUP_TIMEOUT_MS)) ? lookup : false;
}

/**
 * The person's own `/reset` at a place where answers are public: forgets the shared conversation (as the bot's rules allow) and
 * the person's private conversation there. The reply says what was forgotten.
 */
export async function resetWithPrivate(bot: Bot, request: BotRequest, place: Place): Promise<BotReply> {
  const mine = privateConversation(place.conversation, request.userId);
  const hadPrivate = await bot.knows(mine).catch(() => false);
  const shared = await bot.handle(request);
  const own = await bot.handle({
    ...request,
    conversation: mine,
    ...(request.requestId ? { requestId: `${request.requestId}:private` } : {}),
  });
  // Memory away: the private reset's own reply says so (try again later); nothing claims to be forgotten.
  if (own.kind !== "reset") return own;
  // Someone else's thread: only the person's private answers there were forgotten — say exactly that.
  if (shared.kind === "forbidden" && hadPrivate) return { ...own, text: MESSAGES.resetPrivateOnly };
  return shared;
}
