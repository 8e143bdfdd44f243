/**
 * One request, answered once: post "Thinking…", stream text into it, replace it with the answer
 * (or a short error). When the channel is closed to the bot (not_in_channel, channel_not_found…)
 * or the message cannot be updated, the same answer goes to the person privately through the
 * request's response URL (events have none: the answer is posted anew) — the request itself
 * never runs a second time.
 *
 * In threads, text the engine streams goes out with Slack's chat streaming instead (see
 * StreamedAnswer): the "Thinking…" placeholder, if any, is removed once the streamed message
 * appears. Where the workspace refuses streaming, the team falls back to the path above for good
 * (or in that kind of conversation only, when Slack refuses it for the channel type).
 */
import type { webApi } from "@slack/bolt";
import type { Bot } from "../../bot/Bot.js";
import type { BotReply, BotRequest } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";
import { ThrottledEditor } from "../ThrottledEditor.js";
import { truncateText } from "../splitText.js";
import { userMessageFor } from "../userMessages.js";
import { logFailure } from "./logFailure.js";
import { safeMrkdwnText } from "./mrkdwnText.js";
import { mrkdwn, renderSlackReply, SLACK_LIMITS } from "./renderSlackReply.js";
import type { FeedbackFallback } from "./slackFeedback.js";
import { StreamedAnswer, type StreamOutcome } from "./StreamedAnswer.js";
import type { UnavailableFeatures } from "./UnavailableFeatures.js";
import { slackErrorCode } from "./slackStartErrors.js";
import { withSlackRetry } from "./withSlackRetry.js";

export interface SlackOutgoing {
  text: string;
  blocks?: Record<string, unknown>[];
  /** "none": Slack links nothing in `text` itself. */
  parse?: "none";
}

export interface AnswerTarget {
  client: webApi.WebClient;
  /** The workspace the request came from (what it refused is remembered per workspace). */
  team: string;
  where: { channel: string; thread_ts?: string };
  /** Reaches the person privately (slash commands, buttons); events have none. */
  respond?: ((message: SlackOutgoing) => Promise<unknown>) | undefined;
  /** Stream text in this thread when the workspace allows it. */
  stream?: StreamSettings | undefined;
}

export interface StreamSettings {
  /** The person who asked: the stream's recipient. */
  userId: string;
  /** The asking person's own team (Slack Connect: not always the event's). */
  userTeam: string;
  features: UnavailableFeatures;
  /** No "Thinking…" placeholder: something else shows progress (an assistant thread's status). */
  quiet?: boolean;
  /** Replaces the placeholder's "#n in line" update when `quiet`. */
  onQueued?: (position: number) => void;
}

export interface AnswerSettings {
  bot: Bot;
  logger: Logger;
  streamEditIntervalMs: number;
  /** Falls back to plain 👍/👎 buttons where Slack refuses the feedback buttons. */
  feedback?: FeedbackFallback;
  /** Streams still open, for a graceful stop to end them. */
  openStreams?: Set<StreamedAnswer>;
}

/** Answers the request; resolves with the bot's reply (undefined when the request failed). */
export async function answerInSlack(request: BotRequest, target: AnswerTarget, settings: AnswerSettings): Promise<BotReply | undefined> {
  const { bot, logger } = settings;
  const { client, where, respond, stream, team } = target;
  const requestId = request.requestId;
  let ts: string | undefined;
  let editor: ThrottledEditor | undefined;
  let placeholderGone: Promise<void> | undefined;
  const streamed =
    stream && where.thread_ts && !stream.features.isOff("streaming", team, where.channel)
      ? new StreamedAnswer({
          client,
          channel: where.channel,
          threadTs: where.thread_ts,
          recipientUserId: stream.userId,
          recipientTeamId: stream.userTeam,
          intervalMs: settings.streamEditIntervalMs,
          logger,
          requestId,
          // The "Thinking…" placeholder is superseded by the streamed message.
          onStarted: () => {
            if (ts) placeholderGone = removePlaceholder(client, where.channel, ts, logger, requestId);
          },
          // Streaming broke before it showed anything: the placeholder shows the text instead.
          onFallback: (textSoFar) => editor?.push(textSoFar),
        })
      : undefined;
  ts = stream?.quiet && streamed ? undefined : await postThinking(target, logger, requestId);
  const update = (message: SlackOutgoing) =>
    withSlackRetry(() => client.chat.update({ channel: where.channel, ts: ts!, ...message } as never)).then(() => {});
  // Progressive text in the placeholder: the path for answers without streaming, and the fallback until a stream appears.
  editor = ts
    ? new ThrottledEditor(
        settings.streamEditIntervalMs,
        (text) => update(progress(truncateText(safeMrkdwnText(text), SLACK_LIMITS.sectionText))),
        (e) => logger.warn({ err: e, requestId }, "stream update failed"),
      )
    : undefined;
  const onText = streamed || editor ? (chunk: string) => (streamed?.push(chunk) ? undefined : editor?.push(chunk)) : undefined;
  const onQueued =
    stream?.quiet && stream.onQueued
      ? stream.onQueued
      : ts
        ? (position: number) => void update({ text: `You're #${position} in line — I'll answer shortly.` }).catch(() => {})
        : undefined;

  let message: SlackOutgoing;
  let reply: BotReply | undefined;
  if (streamed) settings.openStreams?.add(streamed);
  try {
    reply = await bot.handle(request, { ...(onText ? { onText } : {}), ...(onQueued ? { onQueued } : {}) });
    message = renderSlackReply(reply);
  } catch (error) {
    logFailure(logger, error, requestId, "request failed");
    message = { text: userMessageFor(error) };
  }
  await editor?.finish();
  const deliver = <T>(send: (m: SlackOutgoing) => Promise<T>) =>
    settings.feedback ? settings.feedback.send(team, message, send) : send(message);

  if (streamed) {
    // The streamed text is the explanation: under it go the blocks without it.
    const final = reply?.kind === "answer" ? renderSlackReply({ ...reply, text: "" }) : withBlocks(message);
    const outcome = await streamed.finish(settings.feedback?.prepare(team, final) ?? final, message, deliver).finally(() => {
      settings.openStreams?.delete(streamed);
    });
    noteStreamFailure(outcome, team, where.channel, stream!, logger, requestId);
    if (outcome.kind !== "not_started") {
      await placeholderGone;
      return reply;
    }
  }

  if (ts) {
    try {
      await deliver(update);
      return reply;
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
  return reply;
}

/**
 * chat.startStream refused for the workspace turns streaming off for the team (for that kind of
 * conversation only, when Slack says so; one line per code); anything else (a later call, an
 * answer about this request) gets a line and changes nothing.
 */
function noteStreamFailure(
  outcome: StreamOutcome,
  team: string,
  channel: string,
  stream: StreamSettings,
  logger: Logger,
  requestId: string | undefined,
): void {
  if (outcome.kind === "streamed" || outcome.error === undefined) return;
  const method = outcome.kind === "not_started" ? "chat.startStream" : "chat.appendStream/stopStream";
  if (outcome.kind === "not_started" && stream.features.refused("streaming", team, outcome.error, method, { unknownCodes: true, channel }))
    return;
  logger.warn(
    { err: outcome.error, requestId, method, slackError: slackErrorCode(outcome.error) },
    "streaming the answer failed; delivered it without streaming",
  );
}

function withBlocks(message: SlackOutgoing): SlackOutgoing {
  return message.blocks ? message : { ...message, blocks: [{ type: "section", text: mrkdwn(message.text) }] };
}

/**
 * The text so far as message text, with Slack's automatic parsing off (`parse: "none"`: no address
 * or channel name is linked). No blocks: a later update without blocks would leave them in place.
 */
function progress(text: string): SlackOutgoing {
  return { text, parse: "none" };
}

async function removePlaceholder(client: webApi.WebClient, channel: string, ts: string, logger: Logger, requestId: string | undefined) {
  try {
    await withSlackRetry(() => client.chat.delete({ channel, ts }));
  } catch (error) {
    logger.warn({ err: error, requestId }, "could not remove the Thinking… message");
  }
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
