/**
 * Slack's AI-app surface (Bolt's Assistant): a new assistant thread gets a short greeting and
 * suggested prompts; each message in it goes through the same Bot and memory as a channel
 * thread (the thread's conversation key), with the thread's status showing progress, the first
 * request as the thread's title and the answer streamed. A workspace that refuses any of these
 * calls (no assistant:write, no streaming) gets the plain answer, with one log line per feature.
 */
import { Assistant, type AllMiddlewareArgs, type AssistantThreadStartedMiddleware, type AssistantUserMessageMiddleware } from "@slack/bolt";
import type { Bot } from "../../bot/Bot.js";
import type { ConversationKey } from "../../bot/types.js";
import type { Logger } from "../../util/logger.js";
import { truncateText } from "../splitText.js";
import { answerInSlack, type AnswerSettings } from "./answerInSlack.js";
import { followUpPrompts, startPrompts, type SuggestedPrompt } from "./suggestedPrompts.js";
import type { SlackFeature, UnavailableFeatures } from "./UnavailableFeatures.js";
import { unescapeSlack } from "./unescapeSlack.js";

export interface SlackAssistantOptions {
  bot: Bot;
  logger: Logger;
  features: UnavailableFeatures;
  /** How answers are delivered (the same as everywhere else in Slack). */
  answerSettings: AnswerSettings;
  /** Whether this event is new (not a redelivery). */
  firstDelivery: (eventId: string) => Promise<boolean>;
  /** Runs one step of a handler, logging its failure. */
  step: (requestId: string, failure: string, run: () => Promise<unknown>) => Promise<void>;
  /** Keeps a running request in view until it has answered (for a graceful stop). */
  track: (request: Promise<void>) => Promise<void>;
}

/** The first message of every assistant thread. */
export const GREETING = "Hi! I find video games you'll like. Name a game you love, tell me what you're into, or pick a suggestion below.";
const STATUS = "is looking for games…";
// Slack rotates these under the status (at most 10).
const LOADING_MESSAGES = ["Reading your request…", "Looking through the catalog…", "Comparing similar games…", "Picking the best matches…"];
const TITLE_CHARS = 80;

type ThreadArgs = Parameters<AssistantThreadStartedMiddleware>[0];
type MessageArgs = Parameters<AssistantUserMessageMiddleware>[0];

type MessageEvent = { subtype?: string; bot_id?: string; user?: string; text?: string; channel: string; thread_ts?: string };

export class SlackAssistant {
  constructor(private readonly options: SlackAssistantOptions) {}

  /** Bolt's Assistant with sidbot's handlers; thread context is not kept (sidbot does not use it). */
  create(): Assistant {
    return new Assistant({
      // Bolt's default store reads the thread back with conversations.replies (throttled for new apps): not needed here.
      threadContextStore: { get: async () => ({}), save: async () => {} },
      threadStarted: (args) => this.options.track(this.threadStarted(args)),
      // The context (the channel the person is viewing) does not change what sidbot recommends.
      threadContextChanged: async () => {},
      userMessage: (args) => this.options.track(this.userMessage(args)),
    });
  }

  private async threadStarted({ body, say, setSuggestedPrompts }: ThreadArgs): Promise<void> {
    const { step, firstDelivery } = this.options;
    const requestId = body.event_id;
    const team = body.team_id ?? "";
    await step(requestId, "could not greet in the assistant thread", async () => {
      if (!(await firstDelivery(requestId))) return;
      await say(GREETING);
      const prompts = startPrompts(this.options.bot);
      await this.optional("prompts", team, requestId, () => setSuggestedPrompts({ prompts, title: "Try one of these" }));
    });
  }

  private async userMessage(args: MessageArgs): Promise<void> {
    const { message, body, client, context, setStatus, setTitle, setSuggestedPrompts } = args as MessageArgs & AllMiddlewareArgs;
    const { bot, step, firstDelivery, features } = this.options;
    const m = message as MessageEvent;
    const { team_id: team = "", event_id: requestId } = body as { team_id?: string; event_id: string };
    if (m.subtype || m.bot_id || !m.user || m.user === context.botUserId || !m.thread_ts) return;
    const threadTs = m.thread_ts;
    const userId = m.user;
    await step(requestId, "could not answer in the assistant thread", async () => {
      if (!(await firstDelivery(requestId))) return;
      const text = unescapeSlack(m.text ?? "").trim() || "help";
      const conversation: ConversationKey = { platform: "slack", scope: "thread", id: `${team}:${m.channel}:${threadTs}` };
      // The thread's first request names it; later ones keep that title.
      const first = !(await bot.knows(conversation).catch(() => false));
      if (first) await this.optional("title", team, requestId, () => setTitle(truncateText(text, TITLE_CHARS)));
      const statusShown = await this.optional("status", team, requestId, () =>
        setStatus({ status: STATUS, loading_messages: LOADING_MESSAGES }),
      );
      let answered = false;
      try {
        const reply = await answerInSlack(
          { conversation, userId, input: { text }, requestId },
          {
            client,
            where: { channel: m.channel, thread_ts: threadTs },
            stream: {
              team,
              userId,
              features,
              quiet: statusShown,
              onQueued: (position) =>
                void this.optional("status", team, requestId, () => setStatus({ status: `is waiting its turn (#${position} in line)…` })),
            },
          },
          this.options.answerSettings,
        );
        answered = true;
        const next: SuggestedPrompt[] = reply ? followUpPrompts(reply) : [];
        if (next.length > 0)
          await this.optional("prompts", team, requestId, () => setSuggestedPrompts({ prompts: next, title: "Keep going" }));
      } finally {
        // Slack clears the status when the answer is posted; with no answer posted it would linger.
        if (statusShown && !answered) await this.optional("status", team, requestId, () => setStatus(""));
      }
    });
  }

  /**
   * A call the answer does not depend on: skipped where the workspace refused it before; a
   * refusal turns it off for the team (one log line), any other failure is logged. True when it succeeded.
   */
  private async optional(feature: SlackFeature, team: string, requestId: string, call: () => Promise<unknown>): Promise<boolean> {
    const { features, logger } = this.options;
    if (features.isOff(feature, team)) return false;
    try {
      await call();
      return true;
    } catch (error) {
      if (!features.refused(feature, team, error))
        logger.warn({ err: error, requestId, feature }, `could not set the assistant thread's ${feature}`);
      return false;
    }
  }
}
