/**
 * Streams an answer's text into a Slack thread with the Web API client's `chatStream` helper
 * (chat.startStream on the first text, chat.appendStream after, chat.stopStream with the final
 * blocks). Text is sent at most once per interval, whatever the model's pace, in whole words
 * made safe by safeStreamText, at most 12,000 characters a call. A failed call ends the
 * streaming, never the answer: before the stream appeared, the caller takes over (its
 * "Thinking…" message shows the text); after, `finish()` puts the whole answer into the streamed
 * message with chat.update, or removes the broken stream and posts the answer anew — so the
 * person sees it once. `interrupt()` (shutdown) ends an open stream with a short note; an answer
 * that finishes after that still arrives whole, replacing the interrupted message.
 */
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../util/logger.js";
import { cutWhole, safeStreamText, splitForCalls, streamableEnd } from "./streamedText.js";
import { withSlackRetry } from "./withSlackRetry.js";

/** Slack's cap on `markdown_text` in one call (after escaping). */
const CALL_TEXT_LIMIT = 12_000;
/** Longest explanation streamed; the blocks still follow. */
const STREAM_TEXT_LIMIT = 12_000;
const INTERRUPTED = "\n\n_Interrupted: sidbot is restarting. Ask again in a moment._";

export interface StreamedAnswerOptions {
  client: webApi.WebClient;
  channel: string;
  threadTs: string;
  /** Whom the stream is for: Slack needs them outside DMs. */
  recipientUserId: string;
  /** The asking person's own team. */
  recipientTeamId: string;
  /** Shortest time between two calls carrying text. */
  intervalMs: number;
  logger: Logger;
  requestId?: string | undefined;
  /** Called once, when the streamed message has appeared. */
  onStarted?: () => void;
  /** Called once when the stream broke before it appeared, with the text so far: the caller shows it another way. */
  onFallback?: (textSoFar: string) => void;
}

export interface StreamedMessage {
  text: string;
  blocks?: Record<string, unknown>[];
}

/** Sends the whole answer with `send` (possibly reshaped first, e.g. plain feedback buttons). */
export type Deliver = (send: (whole: StreamedMessage) => Promise<unknown>) => Promise<unknown>;

/**
 * How `finish()` went: streamed (or ended by `interrupt()`), delivered another way after the
 * stream broke, or nothing was streamed (the caller answers as usual; `error` came from chat.startStream).
 */
export type StreamOutcome = { kind: "streamed" } | { kind: "recovered"; error: unknown } | { kind: "not_started"; error?: unknown };

export class StreamedAnswer {
  private readonly streamer: webApi.ChatStreamer;
  private text = "";
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastSend = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;
  /** The closing calls (finish's or interrupt's) once begun: nothing more is appended after. */
  private ending: Promise<void> | undefined;
  /** Ended by interrupt() with a note, not with the answer's blocks. */
  private interrupted = false;
  private full = false;

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

  /** Takes a piece of text; false once the stream broke before it appeared (the caller shows text itself then). */
  push(chunk: string): boolean {
    if (this.failure && this.ts === undefined) return false;
    if (this.failure || this.ending || this.full) return true;
    const text = this.text + chunk;
    this.full = text.length >= STREAM_TEXT_LIMIT;
    this.text = cutWhole(text, STREAM_TEXT_LIMIT);
    if (this.timer) return true;
    const wait = Math.max(0, this.lastSend + this.options.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, wait);
    return true;
  }

  /**
   * Ends the stream with `final` (its blocks go under the streamed text). When streaming broke
   * after the message appeared, `whole` (the complete answer, text included) replaces it, or is
   * posted anew when even that fails.
   */
  async finish(final: StreamedMessage, whole: StreamedMessage, deliver: Deliver = (send) => send(whole)): Promise<StreamOutcome> {
    this.stopTimer();
    await this.chain;
    // A shutdown interrupt under way: let it end the stream first.
    await this.ending;
    // Nothing shown yet: the caller answers the usual way, text included.
    if (this.ts === undefined) return this.failure ? { kind: "not_started", error: this.failure.error } : { kind: "not_started" };
    if (!this.failure && !this.interrupted) {
      const closing = this.close(final);
      this.ending = closing.catch(() => {});
      try {
        await closing;
        return { kind: "streamed" };
      } catch (error) {
        this.failure = { error };
      }
    }
    // Broken, or ended by interrupt() with a note: the whole answer takes the streamed message's place.
    if (this.interrupted) await this.ending;
    await this.deliverWhole(this.ts, deliver);
    return this.failure ? { kind: "recovered", error: this.failure.error } : { kind: "streamed" };
  }

  /** Shutdown: ends an open stream with what was streamed and a note to ask again (errors logged, not thrown). */
  async interrupt(): Promise<void> {
    this.stopTimer();
    await this.chain;
    if (this.ending || this.failure || this.ts === undefined) return this.ending;
    this.interrupted = true;
    this.ending = (async () => {
      const last = await this.appendAllButLast(this.unsent(this.text.length));
      await this.streamer.stop({ markdown_text: `${last}${INTERRUPTED}` });
    })().catch((error: unknown) => {
      this.failure = { error };
      this.options.logger.warn({ err: error, requestId: this.options.requestId }, "could not end the streamed answer at shutdown");
    });
    await this.ending;
  }

  /** Streams the rest of the text and stops the stream with the final blocks. */
  private async close(final: StreamedMessage): Promise<void> {
    const last = await this.appendAllButLast(this.unsent(this.text.length));
    await this.streamer.stop({ ...(last ? { markdown_text: last } : {}), ...(final.blocks ? { blocks: final.blocks as never } : {}) });
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private send(): void {
    if (this.failure || this.ending || this.sent >= this.text.length) return;
    this.lastSend = Date.now();
    this.chain = this.chain.then(async () => {
      if (this.failure || this.ending) return;
      const upTo = this.sent + streamableEnd(this.text.slice(this.sent));
      const ready = this.unsent(upTo);
      if (!ready) return;
      const starting = this.ts === undefined;
      try {
        for (const piece of splitForCalls(ready, CALL_TEXT_LIMIT)) await this.streamer.append({ markdown_text: piece });
      } catch (error) {
        this.failure = { error };
        if (this.ts === undefined) this.options.onFallback?.(this.text);
        return;
      }
      if (starting && this.ts !== undefined) this.options.onStarted?.();
    });
  }

  /** The text from what was sent up to `upTo`, made safe; marks it sent. */
  private unsent(upTo: number): string {
    const safe = safeStreamText(this.text.slice(this.sent, upTo));
    this.sent = upTo;
    return safe;
  }

  /** Appends every piece of `text` but the last (each within Slack's limit) and returns the last, for chat.stopStream. */
  private async appendAllButLast(text: string): Promise<string> {
    const pieces = splitForCalls(text, CALL_TEXT_LIMIT);
    const last = pieces.pop() ?? "";
    for (const piece of pieces) await this.streamer.append({ markdown_text: piece });
    return last;
  }

  private async deliverWhole(ts: string, deliver: Deliver): Promise<void> {
    const { client, channel, threadTs, logger, requestId } = this.options;
    try {
      await deliver((whole) => withSlackRetry(() => client.chat.update({ channel, ts, ...whole } as never)));
      return;
    } catch (error) {
      logger.warn({ err: error, requestId }, "could not replace the broken stream; posting the answer anew");
    }
    // The partial stream goes first, so the person does not see the text twice.
    await client.chat.delete({ channel, ts }).catch(() => client.chat.stopStream({ channel, ts }).catch(() => {}));
    await deliver((whole) => withSlackRetry(() => client.chat.postMessage({ channel, thread_ts: threadTs, ...whole } as never)));
  }
}
