/** What sidbot says on Discord besides answers: short and friendly. */
export const DISCORD_TEXTS = {
  notHere: "I'm not set up to answer in this channel.",
  unknownCommand: "I don't know that command.",
  oldButton: "That button is from an older version of me — try asking again.",
  thanksUp: "Thanks — glad that helped! 👍",
  thanksDown: "Thanks — I'll remember that wasn't a hit. 👎",
  queued: (position: number) => `You're #${position} in line — I'll answer shortly.`,
  /** Without the Message Content intent, unmentioned messages arrive empty. */
  contentHint: (botId: string) =>
    `I only see messages that mention me — to keep going, mention <@${botId}> in your message or use \`/recommend\`.`,
} as const;
