/** `/reset`: forgets a conversation; someone else's (another channel, a thread another user started) needs an admin. */
import type { Logger } from "../util/logger.js";
import type { MemoryStore } from "./memory/MemoryStore.js";
import { MESSAGES } from "./messages.js";
import { reply } from "./planRequest.js";
import { conversationId, type BotReply, type BotRequest } from "./types.js";

export async function resetConversation(request: BotRequest, memory: MemoryStore, log: Logger): Promise<BotReply> {
  const input = request.input;
  const target = "command" in input && input.command === "reset" && input.target ? input.target : request.conversation;
  const other = conversationId(target) !== conversationId(request.conversation);
  const owner = (await memory.get(conversationId(target)))?.owner;
  // Without Redis the owner (and what a later replay would delete) is unknown: do not guess.
  if (memory.degraded) return reply("busy", MESSAGES.resetOffline, { retryAfterSeconds: 60 });
  if ((other || (owner !== undefined && owner !== request.userId)) && !request.isAdmin) return reply("forbidden", MESSAGES.forbidden);
  await memory.delete(conversationId(target));
  log.info({ target: conversationId(target) }, "conversation reset");
  return reply("reset", other ? MESSAGES.resetOther : MESSAGES.reset);
}
