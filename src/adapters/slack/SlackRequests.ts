/**
 * What sidbot does with each Slack request: `/recommend`, mentions (answered in their thread),
 * follow-ups in the bot's threads, DMs, buttons, and the App Home tab (SlackHome). Every handler contains its own failures —
 * each step logged with the request id and stack, the person told where possible — so nothing
 * reaches Bolt's error handler or the process. Text arrives with Slack's markup and is unescaped
 * before the bot sees it; events Slack delivers twice are answered once, across processes.
 */
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
} from "@slack/bolt";
import type { Bot } from "../../bot/Bot.js";
import { MESSAGES } from "../../bot/messages.js";
import type { BotInput, ConversationKey } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";
import { answerInSlack, type AnswerSettings, type AnswerTarget, type SlackOutgoing } from "./answerInSlack.js";
import { AssistantThreads } from "./AssistantThreads.js";
import { Inflight } from "../Inflight.js";
import { logFailure } from "./logFailure.js";
import { FILES_NOT_READ, SlackAssistant } from "./SlackAssistant.js";
import { dmKey, firstDelivery, personMessage, threadKey } from "./slackEvents.js";
import { FeedbackFallback, isFeedbackAction, readVote } from "./slackFeedback.js";
import { SlackHome } from "./SlackHome.js";
import type { StreamedAnswer } from "./StreamedAnswer.js";
import { UnavailableFeatures } from "./UnavailableFeatures.js";
import { unescapeSlack } from "./unescapeSlack.js";
import { withSlackRetry } from "./withSlackRetry.js";

export interface SlackRequestsOptions {
  bot: Bot;
  logger: Logger;
  streamEditIntervalMs: number;
}

export class SlackRequests {
  private readonly bot: Bot;
  private readonly logger: Logger;
  private readonly inflight = new Inflight();
  /** Slack features (streaming, assistant calls) each workspace refused: not tried again. */
  private readonly features: UnavailableFeatures;
  private readonly answerSettings: AnswerSettings;
  /** Streamed answers still open: a graceful stop ends them with a note. */
  private readonly openStreams = new Set<StreamedAnswer>();

  constructor(options: SlackRequestsOptions) {
    this.bot = options.bot;
    this.logger = options.logger;
    this.features = new UnavailableFeatures(options.logger);
    this.answerSettings = {
      bot: this.bot,
      logger: this.logger,
      streamEditIntervalMs: options.streamEditIntervalMs,
      feedback: new FeedbackFallback(options.logger),
      openStreams: this.openStreams,
    };
  }

  register(app: App): void {
    // Assistant threads (the AI-app surface): their messages are handled there, not by app.message below.
    app.assistant(
      new SlackAssistant({
        bot: this.bot,
        logger: this.logger,
        features: this.features,
        threads: new AssistantThreads(this.bot, this.logger),
        answerSettings: this.answerSettings,
        plainMessage: (args) => this.message(args as unknown as SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs),
        step: (requestId, failure, run) => this.step(requestId, failure, run),
        track: (request) => this.track(request),
      }).create(),
    );
    app.command("/recommend", (args) => this.track(this.command(args)));
    app.event("app_mention", (args) => this.track(this.mention(args)));
    app.message((args) => this.track(this.message(args as SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs)));
    app.action(/^sidbot_/, (args) => this.track(this.action(args as SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs)));
    const home = new SlackHome({ bot: this.bot, logger: this.logger });
    app.event("app_home_opened", (args) => this.track(home.opened(args)));
  }

  /** Waits up to `timeoutMs` for the requests still running (their answers are on the way). */
  settled(timeoutMs: number): Promise<boolean> {
    return this.inflight.settled(timeoutMs);
  }

  /** Shutdown: ends every open streamed answer with what it has and a note to ask again. */
  async interruptStreams(): Promise<void> {
    await Promise.all([...this.openStreams].map((stream) => stream.interrupt()));
  }

  private async command({ command, ack, client, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> {
    const requestId = command.trigger_id;
    await this.step(requestId, "could not acknowledge the command", () => ack());
    await this.step(requestId, "could not answer the command", async () => {
      const dm = command.channel_id.startsWith("D");
      const conversation: ConversationKey = dm
        ? dmKey(command.team_id, command.user_id)
        : { platform: "slack", scope: "channel", id: `${command.team_id}:${command.channel_id}` };
      const text = unescapeSlack(command.text).trim();
      await this.answer(
        { conversation, userId: command.user_id, input: { text: text || "help" }, requestId },
        { client, team: command.team_id, where: { channel: command.channel_id }, respond: privately(respond) },
      );
    });
  }

  private async mention({ event, body, client, context }: SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs): Promise<void> {
    const requestId = body.event_id;
    await this.step(requestId, "could not answer the mention", async () => {
      if (!(await firstDelivery(this.bot, this.logger, requestId))) return;
      const team = body.team_id ?? "";
      const thread = event.thread_ts ?? event.ts;
      const text = unescapeSlack(stripMention(event.text ?? "", context.botUserId)).trim();
      await this.answer(
        {
          conversation: threadKey(team, event.channel, thread),
          userId: event.user ?? "unknown",
          input: { text: text || "help" },
          requestId,
        },
        {
          client,
          team,
          where: { channel: event.channel, thread_ts: thread },
          stream: this.streamFor(event.user, (event as { user_team?: string }).user_team ?? team),
        },
      );
    });
  }

  /** DMs (a thread under a DM answer included: it continues the DM conversation) and follow-ups in the bot's channel threads. */
  private async message({ message, body, client, context }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs): Promise<void> {
    const person = personMessage(message, body, context.botUserId);
    if (!person) return;
    const { event: m, team, requestId, user } = person;
    // Mentions in channels arrive as app_mention too and are answered there; in DMs there is no app_mention.
    if (m.channel_type !== "im" && context.botUserId && new RegExp(`<@${context.botUserId}(\\|[^>]*)?>`).test(m.text ?? "")) return;
    await this.step(requestId, "could not answer the message", async () => {
      let conversation: ConversationKey | undefined;
      if (m.channel_type === "im") conversation = dmKey(team, user);
      else if (m.thread_ts) {
        // Only threads the bot is already talking in continue without a mention.
        const key = threadKey(team, m.channel, m.thread_ts);
        if (await this.bot.knows(key)) conversation = key;
      }
      if (!conversation || !(await firstDelivery(this.bot, this.logger, requestId))) return;
      const text = unescapeSlack(stripMention(m.text ?? "", context.botUserId)).trim();
      const where = { channel: m.channel, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) };
      // A file without words: sidbot reads text only.
      if (!text && person.hasFiles) return void (await withSlackRetry(() => client.chat.postMessage({ ...where, text: FILES_NOT_READ })));
      await this.answer(
        { conversation, userId: user, input: { text: text || "help" }, requestId },
        {
          client,
          team,
          where,
          stream: this.streamFor(user, person.userTeam),
        },
      );
    });
  }

  private async action({ action, body, ack, client, respond }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> {
    const requestId = body.trigger_id;
    await this.step(requestId, "could not acknowledge the button", () => ack());
    const button = action as { action_id: string; value?: string };
    const channel = body.channel?.id ?? body.container?.channel_id;
    const message = body.message as { ts: string; thread_ts?: string } | undefined;
    if (!channel || !message || !button.value) return;
    const team = body.team?.id ?? "";
    const thread = message.thread_ts;
    const conversation: ConversationKey = thread
      ? threadKey(team, channel, thread)
      : channel.startsWith("D")
        ? { platform: "slack", scope: "dm", id: `${team}:${body.user.id}` }
        : { platform: "slack", scope: "channel", id: `${team}:${channel}` };
    // 👍/👎: Slack's feedback buttons, or the plain buttons on answers posted before them.
    const vote = readVote(button);
    if (vote) {
      // No game of today's catalog among the ids (an answer from an older catalog): nothing would be stored, so no thanks.
      if (!this.bot.votable(vote.itemIds)) {
        await this.step(requestId, "could not answer the vote", () => privately(respond)({ text: MESSAGES.voteTooOld }));
        return;
      }
      // Thank first: storing can wait on Redis and must not hold up what the person sees.
      await this.step(requestId, "could not thank for the vote", () =>
        privately(respond)({
          text: vote.value === "up" ? "Thanks — glad that helped! 👍" : "Thanks — I'll remember that wasn't a hit. 👎",
        }),
      );
      await this.step(requestId, "could not store the vote", () => this.bot.feedback(conversation, body.user.id, vote.itemIds, vote.value));
      return;
    }
    // A vote whose value sidbot did not write (forged, truncated) is not a "More like" request.
    if (isFeedbackAction(button.action_id)) return;
    await this.step(requestId, "could not answer the button", () =>
      this.answer(
        { conversation, userId: body.user.id, input: { moreLike: button.value! }, requestId },
        { client, team, where: { channel, ...(thread ? { thread_ts: thread } : {}) }, respond: privately(respond) },
      ),
    );
  }

  private answer(
    request: { conversation: ConversationKey; userId: string; input: BotInput; requestId: string },
    target: AnswerTarget,
  ): Promise<void> {
    return answerInSlack(request, target, this.answerSettings).then(() => {});
  }

  /** Streaming settings for an answer in a thread, for the person who asked (and their own team). */
  private streamFor(userId: string | undefined, userTeam: string): AnswerTarget["stream"] {
    return userId ? { userId, userTeam, features: this.features } : undefined;
  }

  /** One step of a handler: a failure is logged with the request id and stack, and goes no further. */
  private async step(requestId: string, failure: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      logFailure(this.logger, error, requestId, failure);
    }
  }

  private track(request: Promise<void>): Promise<void> {
    return this.inflight.track(request);
  }
}

/** The response URL, for a reply only the person sees. */
function privately(respond: RespondFn): (message: SlackOutgoing) => Promise<unknown> {
  return (message) => respond({ response_type: "ephemeral", replace_original: false, ...message } as Parameters<RespondFn>[0]);
}

function stripMention(text: string, botUserId: string | undefined): string {
  return botUserId ? text.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, "g"), "") : text.replace(/^<@[A-Z0-9]+(\|[^>]*)?>/, "");
}
