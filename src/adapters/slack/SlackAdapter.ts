/**
 * Slack (Bolt): `/recommend <text>`, mentions answered in the mention's thread, follow-ups in
 * that thread without a mention, DMs, and buttons. Socket Mode (bot + app token) by default;
 * HTTP mode (bot token + signing secret) when no app token is set. Every request is acked at
 * once; a "Thinking…" message is then updated with the answer; retried events run once.
 */
import { App, LogLevel } from "@slack/bolt";
import type { AllMiddlewareArgs, App as BoltApp, SlackCommandMiddlewareArgs, SlackEventMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Bot } from "../../bot/Bot.js";
import type { BotInput, ConversationKey } from "../../bot/types.js";
import { PlatformStartError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import { silentLogger } from "../../util/logger.js";
import type { Adapter } from "../Adapter.js";
import { ThrottledEditor } from "../ThrottledEditor.js";
import { truncateText } from "../splitText.js";
import { userMessageFor } from "../userMessages.js";
import { escapeSlack, renderSlackReply, SLACK_LIMITS } from "./renderSlackReply.js";
import { withSlackRetry } from "./withSlackRetry.js";

export interface SlackAdapterOptions {
  bot: Bot;
  botToken: string;
  /** `xapp-…`: Socket Mode. */
  appToken?: string | undefined;
  /** HTTP mode, when there is no app token. */
  signingSecret?: string | undefined;
  /** HTTP mode port. @defaultValue 3000 */
  port?: number | undefined;
  /** Web API base URL (`SLACK_API_URL`), for proxies and tests. */
  apiUrl?: string | undefined;
  /** Shortest time between streaming updates. @defaultValue 1000 */
  streamEditIntervalMs?: number;
  logger?: Logger;
}

// Event ids already handled: Slack redelivers an event it thinks was not acknowledged in time.
const SEEN_EVENTS = 5000;

export class SlackAdapter implements Adapter {
  readonly name = "slack";
  readonly app: BoltApp;
  readonly mode: "socket" | "http";
  private readonly bot: Bot;
  private readonly logger: Logger;
  private readonly seen = new Set<string>();
  private readonly port: number;

  constructor(private readonly options: SlackAdapterOptions) {
    this.bot = options.bot;
    this.logger = (options.logger ?? silentLogger).child({ platform: "slack" });
    this.port = options.port ?? 3000;
    const common = {
      token: options.botToken,
      logger: boltLogger(this.logger),
      logLevel: LogLevel.WARN,
      ...(options.apiUrl ? { clientOptions: { slackApiUrl: options.apiUrl } } : {}),
    };
    if (options.appToken) {
      this.mode = "socket";
      this.app = new App({ ...common, appToken: options.appToken, socketMode: true });
    } else if (options.signingSecret) {
      this.mode = "http";
      this.app = new App({ ...common, signingSecret: options.signingSecret, port: this.port });
    } else {
      throw new PlatformStartError("slack", "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) besides SLACK_BOT_TOKEN");
    }
    this.app.command("/recommend", (args) => this.command(args));
    this.app.event("app_mention", (args) => this.mention(args));
    this.app.message((args) => this.message(args as SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs));
    this.app.action(/^sidbot_/, (args) => this.action(args as SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs));
    this.app.error(async (error) => this.logger.error({ err: error.message }, "slack handler failed"));
  }

  async start(): Promise<void> {
    try {
      if (this.mode === "http") await this.app.start(this.port);
      else await this.app.start();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = /invalid_auth|not_authed|token_revoked/.test(message) ? "Slack rejected SLACK_BOT_TOKEN or SLACK_APP_TOKEN: copy them again from the app's settings (OAuth & Permissions; Basic Information → App-Level Tokens)" : `could not start Slack: ${message}`;
      throw new PlatformStartError("slack", hint, { cause: error });
    }
    this.logger.info({ mode: this.mode }, "connected to Slack");
  }

  async stop(): Promise<void> {
    await this.app.stop();
  }

  private async command({ command, ack, client, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    await ack();
    const conversation: ConversationKey = { platform: "slack", scope: command.channel_id.startsWith("D") ? "dm" : "channel", id: command.channel_id.startsWith("D") ? `${command.team_id}:${command.user_id}` : `${command.team_id}:${command.channel_id}` };
    const text = command.text.trim();
    try {
      await this.answer(client, { channel: command.channel_id }, conversation, command.user_id, { text: text === "" ? "help" : text }, command.trigger_id);
    } catch (error) {
      // Not in the channel (or no access): answer through the command's response URL instead.
      this.logger.warn({ err: describe(error) }, "could not post in the channel; answering privately");
      const reply = await this.bot.handle({ conversation, userId: command.user_id, input: { text: text || "help" } }).catch(() => undefined);
      await respond(reply ? { response_type: "ephemeral", ...renderSlackReply(reply) } : { response_type: "ephemeral", text: userMessageFor(error) }).catch(() => {});
    }
  }

  private async mention({ event, body, client, context }: SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs): Promise<void> {
    if (this.duplicate(body.event_id)) return;
    const thread = event.thread_ts ?? event.ts;
    const conversation = threadKey(body.team_id ?? "", event.channel, thread);
    const text = stripMention(event.text ?? "", context.botUserId);
    await this.answerSafely(client, { channel: event.channel, thread_ts: thread }, conversation, event.user ?? "unknown", text, body.event_id);
  }

  private async message({ message, body, client, context }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs): Promise<void> {
    const m = message as { subtype?: string; bot_id?: string; user?: string; text?: string; channel: string; channel_type?: string; ts: string; thread_ts?: string };
    if (m.subtype || m.bot_id || !m.user || m.user === context.botUserId) return;
    // Mentions arrive as app_mention too; answer them there only.
    if (context.botUserId && (m.text ?? "").includes(`<@${context.botUserId}>`)) return;
    const team = (body as { team_id?: string }).team_id ?? "";
    let conversation: ConversationKey | undefined;
    if (m.channel_type === "im") conversation = { platform: "slack", scope: "dm", id: `${team}:${m.user}` };
    else if (m.thread_ts) {
      // Only threads the bot is already talking in continue without a mention.
      const key = threadKey(team, m.channel, m.thread_ts);
      if (await this.bot.knows(key)) conversation = key;
    }
    if (!conversation) return;
    if (this.duplicate((body as { event_id?: string }).event_id)) return;
    await this.answerSafely(client, { channel: m.channel, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) }, conversation, m.user, m.text ?? "", (body as { event_id?: string }).event_id ?? m.ts);
  }

  private async action({ action, body, ack, client, respond }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> {
    await ack();
    const button = action as { action_id: string; value?: string };
    const channel = body.channel?.id ?? body.container?.channel_id;
    const message = body.message as { ts: string; thread_ts?: string } | undefined;
    if (!channel || !message || !button.value) return;
    const team = body.team?.id ?? "";
    const thread = message.thread_ts;
    const conversation: ConversationKey = thread ? threadKey(team, channel, thread) : channel.startsWith("D") ? { platform: "slack", scope: "dm", id: `${team}:${body.user.id}` } : { platform: "slack", scope: "channel", id: `${team}:${channel}` };
    if (button.action_id === "sidbot_fb_up" || button.action_id === "sidbot_fb_down") {
      const value = button.action_id === "sidbot_fb_up" ? "up" : "down";
      await this.bot.feedback(conversation, body.user.id, button.value.split(","), value);
      await respond({ response_type: "ephemeral", replace_original: false, text: value === "up" ? "Thanks — glad that helped! 👍" : "Thanks — I'll remember that wasn't a hit. 👎" }).catch(() => {});
      return;
    }
    await this.answerSafely(client, { channel, ...(thread ? { thread_ts: thread } : {}) }, conversation, body.user.id, { moreLike: button.value }, body.trigger_id);
  }

  private async answerSafely(client: WebClient, where: { channel: string; thread_ts?: string }, conversation: ConversationKey, userId: string, input: string | BotInput, requestId: string): Promise<void> {
    try {
      await this.answer(client, where, conversation, userId, typeof input === "string" ? { text: input === "" ? "help" : input } : input, requestId);
    } catch (error) {
      this.logger.error({ err: describe(error), requestId }, "could not answer");
    }
  }

  /** Posts "Thinking…", streams text into it, then replaces it with the answer (or an error). */
  private async answer(client: WebClient, where: { channel: string; thread_ts?: string }, conversation: ConversationKey, userId: string, input: BotInput, requestId: string): Promise<void> {
    const posted = await withSlackRetry(() => client.chat.postMessage({ ...where, text: "Thinking…" }));
    const ts = posted.ts!;
    const update = (message: { text: string; blocks?: unknown[] }) => withSlackRetry(() => client.chat.update({ channel: where.channel, ts, ...message } as never)).then(() => {});
    const editor = new ThrottledEditor(this.options.streamEditIntervalMs ?? 1000, (text) => update({ text: truncateText(escapeSlack(text), SLACK_LIMITS.sectionText) }), (e) => this.logger.warn({ err: describe(e) }, "stream update failed"));
    try {
      const reply = await this.bot.handle(
        { conversation, userId, input, requestId },
        { onText: (chunk) => editor.push(chunk), onQueued: (position) => void update({ text: `You're #${position} in line — I'll answer shortly.` }).catch(() => {}) },
      );
      await editor.finish();
      await update(renderSlackReply(reply));
    } catch (error) {
      await editor.finish();
      this.logger.error({ err: describe(error), requestId }, "request failed");
      await update({ text: userMessageFor(error) }).catch(() => {});
    }
  }

  private duplicate(eventId: string | undefined): boolean {
    if (!eventId) return false;
    if (this.seen.has(eventId)) return true;
    this.seen.add(eventId);
    if (this.seen.size > SEEN_EVENTS) this.seen.delete(this.seen.values().next().value!);
    return false;
  }
}

function threadKey(team: string, channel: string, threadTs: string): ConversationKey {
  return { platform: "slack", scope: "thread", id: `${team}:${channel}:${threadTs}` };
}

function stripMention(text: string, botUserId: string | undefined): string {
  return (botUserId ? text.replace(new RegExp(`<@${botUserId}>`, "g"), "") : text.replace(/^<@[A-Z0-9]+>/, "")).trim();
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Bolt's logger interface on top of ours; Bolt's chatter goes to debug. */
function boltLogger(logger: Logger) {
  const text = (msgs: unknown[]) => msgs.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  let level = LogLevel.WARN;
  return {
    debug: (...msgs: unknown[]) => logger.debug({ source: "bolt" }, text(msgs)),
    info: (...msgs: unknown[]) => logger.debug({ source: "bolt" }, text(msgs)),
    warn: (...msgs: unknown[]) => logger.warn({ source: "bolt" }, text(msgs)),
    error: (...msgs: unknown[]) => logger.error({ source: "bolt" }, text(msgs)),
    setLevel: (l: typeof level) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
