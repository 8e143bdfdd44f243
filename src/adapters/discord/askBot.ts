/** One request through the bot, with Discord's progress hooks: throttled streaming and queue position. */
import type { Bot } from "../../bot/Bot.js";
import type { BotReply, BotRequest, HandleOptions } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";
import { ThrottledEditor } from "../ThrottledEditor.js";
import { loggableError } from "./loggableError.js";

export interface AskHooks {
  /** Shows partial text (throttled to one edit per `streamEditIntervalMs`). */
  stream?: (text: string) => Promise<void>;
  /** Shows the queue position while waiting. */
  queued?: (position: number) => Promise<void>;
  /** Epoch ms by which the request must start, or it gets the polite "busy" reply. */
  startBy?: number;
}

export async function askBot(bot: Bot, request: BotRequest, hooks: AskHooks, streamEditIntervalMs: number, log: Logger): Promise<BotReply> {
  const { stream, queued, startBy } = hooks;
  const editor = stream
    ? new ThrottledEditor(streamEditIntervalMs, stream, (error) => log.warn({ err: loggableError(error) }, "stream edit failed"))
    : undefined;
  const options: HandleOptions = {};
  if (editor) options.onText = (chunk) => editor.push(chunk);
  if (queued)
    options.onQueued = (position) =>
      void queued(position).catch((error: unknown) => log.warn({ err: loggableError(error) }, "queue position not shown"));
  if (startBy !== undefined) options.startBy = startBy;
  try {
    return await bot.handle(request, options);
  } finally {
    await editor?.finish();
  }
}
