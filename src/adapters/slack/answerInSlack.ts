/**
 * One request, answered once: post "Thinking…", stream text into it, replace it with the answer
 * (or a short error). When the channel is closed to the bot (not_in_channel, channel_not_found…)
 * or the message cannot be updated, the same answer goes to the person privately through the
 * request's response URL (events have none: the answer is posted anew) — the request itself
 * never runs a second time.
 */
import type { webApi } from "@slack/bolt";
import type { Bot } from "../../bot/Bot.js";
import type { BotReply, BotRequest } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";
import { ThrottledEditor } from "../ThrottledEditor.js";
import { truncateText } from "../splitText.js";
import { userMessageFor } from "../userMessages.js";
import { logFailure } from "./logFailure.js";
import { escapeSlack, renderSlackReply, SLACK_LIMITS } from "./renderSlackReply.js";
import type { FeedbackFallback } from "./slackFeedback.js";
import { withSlackRetry } from "./withSlackRetry.js";

export interface SlackOutgoing {
  text: string;
  blocks?: Record<string, unknown>[];
}

export interface AnswerTarget {
  client: webApi.WebClient;
  where: { channel: string; thread_ts?: string };
  /** Reaches the person privately (slash commands, buttons); events have none. */
  respond?: ((message: SlackOutgoing) => Promise<unknown>) | undefined;
}

export interface AnswerSettings {
  bot: Bot;
  logger: Logger;
  streamEditIntervalMs: number;
  /** Falls back to plain 👍/👎 buttons where Slack refuses the feedback buttons. */
  feedback?: FeedbackFallback;
}

export async function answerInSlack(request: BotRequest, target: AnswerTarget, settings: AnswerSettings): Promise<void> {
  const { bot, logger } = settings;
  const { client, where, respond } = target;
  const requestId = request.requestId;
  const ts = await postThinking(target, logger, requestId);
  const update = (message: SlackOutgoing) =>
    withSlackRetry(() => client.chat.update({ channel: where.channel, ts: ts!, ...message } as never)).then(() => {});
  const editor = ts
    ? new ThrottledEditor(
        settings.streamEditIntervalMs,
        (text) => update({ text: truncateText(escapeSlack(text), SLACK_LIMITS.sectionText) }),
        (e) => logger.warn({ err: e, requestId }, "stream update failed"),
      )
    : undefined;

  let message: SlackOutgoing;
  try {
    const reply: BotReply = await bot.handle(request, {
      ...(editor ? { onText: (chunk: string) => editor.push(chunk) } : {}),
      ...(ts
        ? { onQueued: (position: number) => void update({ text: `You're #${position} in line — I'll answer shortly.` }).catch(() => {}) }
        : {}),
    });
    message = renderSlackReply(reply);
  } catch (error) {
    logFailure(logger, error, requestId, "request failed");
    message = { text: userMessageFor(error) };
  }
  await editor?.finish();
  const deliver = <T>(send: (m: SlackOutgoing) => Promise<T>) =>
    settings.feedback ? settings.feedback.send(message, send) : send(message);

  if (ts) {
    try {
      await deliver(update);
      return;
    } catch (error) {
      logFailure(
        logger,
        error,
        requestId,
        respond ? "could not update the answer in the channel; answering privately" : "could not update the answer; posting it anew",
      );
    }
  }
  // No channel message to update, or it failed (deleted, too old): privately if possible, else a new message.
  if (respond) await deliver(respond);
  else await deliver((m) => withSlackRetry(() => client.chat.postMessage({ ...where, ...m } as never)));
}

/** The "Thinking…" message's ts, or undefined when the person can still be answered privately. */
async function postThinking(
  { client, where, respond }: AnswerTarget,
  logger: Logger,
  requestId: string | undefined,
): Promise<string | undefined> {
  try {
    const posted = await withSlackRetry(() => client.chat.postMessage({ ...where, text: "Thinking…" }));
    if (posted.ts) return posted.ts;
    throw new Error("chat.postMessage returned no ts");
  } catch (error) {
    if (!respond) throw error;
    logger.warn({ err: error, requestId }, "cannot post in the channel; answering privately");
    return undefined;
  }
}
