/** What the bot says besides recommendations: short, friendly, and saying what to do next. */
export const MESSAGES = {
  help:
    "I recommend video games. Try:\n" +
    "• `/recommend cozy farming games` or just tell me what you like\n" +
    "• `similar to Mario Kart` (or `/similar`)\n" +
    "• follow-ups in the same thread: `how about for Xbox?`, `why that one?`, `more like the second one`\n" +
    "• `suggest a name for this bundle`, and `/reset` to start over",
  reset: "Done — I've forgotten this conversation. What are you in the mood for?",
  resetOther: "Done — I've cleared that conversation.",
  resetPrivateOnly:
    "Done — I've forgotten the answers only you saw here. The shared conversation belongs to whoever started it; an admin can reset it.",
  forbidden: "Only admins can reset someone else's conversation.",
  busy: (seconds: number) => `I'm busy with other requests right now — please try again in about ${seconds} seconds.`,
  rateLimited: (seconds: number) => `That's a lot of requests in a short time — give me ${seconds} seconds and ask again.`,
  messageTruncated: (chars: number) => `That message is long — I only read its first ${chars.toLocaleString("en-US")} characters.`,
  truncated: (chars: number) => `Your message was long, so I only read the first ${chars.toLocaleString("en-US")} characters.`,
  noHistory: "I don't have earlier recommendations in this conversation yet — ask me for some first (try `similar to Halo 3`).",
  noItemAt: (n: number, count: number) => `There's no #${n} in my last answer (it had ${count}). Try \`more like #1\`.`,
  didYouMean: (query: string, titles: readonly string[]) =>
    `I couldn't find “${query}” in the catalog — did you mean ${titles.map((t) => `“${t}”`).join(" or ")}?`,
  leftOutNearMiss: (query: string, titles: readonly string[]) =>
    `I left out “${query}” — did you mean ${titles.map((t) => `“${t}”`).join(" or ")}? Try again with that title to include it.`,
  corrected: (query: string, title: string) => `I read “${query}” as “${title}”.`,
  notInCatalog: (query: string) =>
    `I couldn't find “${query}” in the catalog, so I can't recommend from it. Try another title, or tell me what you like about it.`,
  noGamesNamed:
    "I couldn't spot a game from my catalog in that message. Try it on a message that names a game, or use `/similar` with a title.",
  noResults: "I couldn't find anything that fits. Try naming a game you like, e.g. `similar to Halo 3`.",
  restarting: "I'm restarting right now — please ask again in a minute.",
  resetOffline: "My memory is offline right now, so I can't reset conversations — please try again in a minute.",
  voteTooOld: "That answer is too old for me to record a vote — ask again and vote on the new one.",
  memoryOffline: "I can't reach my memory right now, so I may not remember earlier messages.",
} as const;
