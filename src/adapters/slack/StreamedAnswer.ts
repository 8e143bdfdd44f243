/**
 * Streams an answer's text into a Slack thread with the Web API client's `chatStream` helper
 * (chat.startStream on the first text, chat.appendStream after, chat.stopStream with the final
 * blocks). Text is sent at most once per interval, whatever the model's pace. A failed call
 * ends the streaming, never the answer: `finish()` then puts the whole answer into the streamed
 * message with chat.update, or posts it anew — so the person gets it exactly once.
 */
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../util/logger.js";
import { escapeSlack } from "./renderSlackReply.js";
import { withSlackRetry } from "./withSlackRetry.js";

/** Slack's cap on `markdown_text` in one call; longer explanations stop streaming there (the blocks still follow). */
const STREAM_TEXT_LIMIT = 12_000;

export interface StreamedAnswerOptions {
  client: webApi.WebClient;
  channel: string;
  threadTs: string;
  /** Whom the stream is for: Slack needs them outside DMs. */
  recipientUserId: string;
  recipientTeamId: string;
  /** Shortest time between two calls carrying text. */
  intervalMs: number;
  logger: Logger;
  requestId?: string | undefined;
  /** Called once, when the streamed message has appeared. */
  onStarted?: () => void;
}

export interface StreamedMessage {
  text: string;
  blocks?: Record<string, unknown>[];
}

/** Sends the whole answer with `send` (possibly reshaped first, e.g. plain feedback buttons). */
export type Deliver = (send: (whole: StreamedMessage) => Promise<unknown>) => Promise<unknown>;

/** How `finish()` went: streamed, delivered another way after a failure, or nothing was streamed (the caller answers as usual). */
export type StreamOutcome = { kind: "streamed" } | { kind: "recovered"; error: unknown } | { kind: "not_started"; error?: unknown };

export class StreamedAnswer {
  private readonly streamer: webApi.ChatStreamer;
  private text = "";
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastSend = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(private readonly options: StreamedAnswerOptions) {
    // buffer_size 1: the helper sends every append at once; pacing is this class's job.
    this.streamer = options.client.chatStream({
      channel: options.channel,
      thread_ts: options.threadTs,
      recipient_user_id: options.recipientUserId,
      recipient_team_id: options.recipientTeamId,
      buffer_size: 1,
    });
  }

  /** The streamed message, once chat.startStream has answered. */
  get ts(): string | undefined {
    return this.streamer.ts;
  }

  push(chunk: string): void {
    if (this.failure || this.text.length >= STREAM_TEXT_LIMIT) return;
    this.text = (this.text + chunk).slice(0, STREAM_TEXT_LIMIT);
    if (this.timer) return;
    const wait = Math.max(0, this.lastSend + this.options.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, wait);
  }

  /**
   * Ends the stream with `final` (its blocks go under the streamed text). When streaming broke
   * after the message appeared, `whole` (the complete answer, text included) replaces it, or is
   * posted anew when even that fails.
   */
  async finish(final: StreamedMessage, whole: StreamedMessage, deliver: Deliver = (send) => send(whole)): Promise<StreamOutcome> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    const ts = this.ts;
    if (!ts) return this.failure ? { kind: "not_started", error: this.failure.error } : { kind: "not_started" };
    if (!this.failure) {
      try {
        const rest = this.escapedDelta();
        await this.streamer.stop({ ...(rest ? { markdown_text: rest } : {}), ...(final.blocks ? { blocks: final.blocks as never } : {}) });
        return { kind: "streamed" };
      } catch (error) {
        this.failure = { error };
      }
    }
    await this.deliverWhole(ts, deliver);
    return { kind: "recovered", error: this.failure.error };
  }

  private send(): void {
    if (this.failure || this.sent >= this.text.length) return;
    this.lastSend = Date.now();
    this.chain = this.chain.then(async () => {
      const delta = this.escapedDelta();
      if (this.failure || !delta) return;
      const upTo = this.text.length;
      try {
        const starting = this.ts === undefined;
        await this.streamer.append({ markdown_text: delta });
        this.sent = upTo;
        if (starting && this.ts !== undefined) this.options.onStarted?.();
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  private escapedDelta(): string {
    return escapeSlack(this.text.slice(this.sent));
  }

  private async deliverWhole(ts: string, deliver: Deliver): Promise<void> {
    const { client, channel, threadTs, logger, requestId } = this.options;
    try {
      await deliver((whole) => withSlackRetry(() => client.chat.update({ channel, ts, ...whole } as never)));
    } catch (error) {
      logger.warn({ err: error, requestId }, "could not replace the broken stream; posting the answer anew");
      await deliver((whole) => withSlackRetry(() => client.chat.postMessage({ channel, thread_ts: threadTs, ...whole } as never)));
    }
  }
}
