import { MESSAGES } from "../../bot/messages.js";

/** What sidbot says on Discord besides answers: short and friendly. */
export const DISCORD_TEXTS = {
  notHere: "I'm not set up to answer in this channel.",
  notHereUserInstall: "I'm only set up to answer in the servers that added me — try me there, or in a DM with me.",
  shareFailed: "I couldn't share that here — copy the answer, or ask me again in a channel where I'm allowed to post.",
  alreadyShared: "Already shared — it's in the channel.",
  unknownCommand: "I don't know that command.",
  oldButton: "That button is from an older version of me — try asking again.",
  thanksUp: "Thanks — glad that helped! 👍",
  thanksDown: "Thanks — I'll remember that wasn't a hit. 👎",
  /** A vote on an answer whose games the current catalog no longer has: nothing is stored. */
  voteTooOld: MESSAGES.voteTooOld,
  queued: (position: number) => `You're #${position} in line — I'll answer shortly.`,
  /** Without the Message Content intent, unmentioned messages arrive empty. */
  contentHint: (botId: string) =>
    `I only see messages that mention me — to keep going, mention <@${botId}> in your message or use \`/recommend\`.`,
} as const;
