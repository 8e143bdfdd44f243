/**
 * Slack's AI-app surface (Bolt's Assistant): a new assistant thread gets a short greeting and
 * suggested prompts; each message in it goes through the same Bot and memory as a channel
 * thread (the thread's conversation key), with the thread's status showing progress, the first
 * request as the thread's title and the answer streamed. A workspace that refuses any of these
 * calls (no assistant:write, no streaming) gets the plain answer, with one log line per feature.
 * Bolt hands every DM message with a `thread_ts` here; one in a thread that is not an assistant
 * thread (a reply under an ordinary DM answer) goes to the ordinary DM handling instead.
 */
import { Assistant, type AllMiddlewareArgs, type AssistantThreadStartedMiddleware, type AssistantUserMessageMiddleware } from "@slack/bolt";
import type { Bot } from "../../bot/Bot.js";
import type { Logger } from "../../util/logger.js";
import { truncateText } from "../splitText.js";
import { answerInSlack, type AnswerSettings } from "./answerInSlack.js";
import type { AssistantThreads } from "./AssistantThreads.js";
import { firstDelivery, personMessage, threadKey } from "./slackEvents.js";
import { followUpPrompts, startPrompts, type SuggestedPrompt } from "./suggestedPrompts.js";
import type { SlackFeature, UnavailableFeatures } from "./UnavailableFeatures.js";
import { unescapeSlack } from "./unescapeSlack.js";
import { withSlackRetry } from "./withSlackRetry.js";

export interface SlackAssistantOptions {
  bot: Bot;
  logger: Logger;
  features: UnavailableFeatures;
  /** Which DM threads are assistant threads. */
  threads: AssistantThreads;
  /** How answers are delivered (the same as everywhere else in Slack). */
  answerSettings: AnswerSettings;
  /** The ordinary DM handling, for a DM thread that is not an assistant thread. */
  plainMessage: (args: MessageArgs & AllMiddlewareArgs) => Promise<void>;
  /** Runs one step of a handler, logging its failure. */
  step: (requestId: string, failure: string, run: () => Promise<unknown>) => Promise<void>;
  /** Keeps a running request in view until it has answered (for a graceful stop). */
  track: (request: Promise<void>) => Promise<void>;
}

/** The first message of every assistant thread. */
export const GREETING = "Hi! I find video games you'll like. Name a game you love, tell me what you're into, or pick a suggestion below.";
/** The answer to a file without words: sidbot reads text only. */
export const FILES_NOT_READ =
  "I can't open files or pictures yet. Tell me the game's name in words (e.g. `similar to Halo 3`) and I'll find similar ones.";
const STATUS = "is looking for games…";
// Slack rotates these under the status (at most 10).
const LOADING_MESSAGES = ["Reading your request…", "Looking through the catalog…", "Comparing similar games…", "Picking the best matches…"];
const TITLE_CHARS = 80;

type ThreadArgs = Parameters<AssistantThreadStartedMiddleware>[0];
type MessageArgs = Parameters<AssistantUserMessageMiddleware>[0];

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
      userMessage: (args) => this.options.track(this.userMessage(args as MessageArgs & AllMiddlewareArgs)),
    });
  }

  private async threadStarted({ body, event, say, setSuggestedPrompts }: ThreadArgs): Promise<void> {
    const { step, bot, logger, threads } = this.options;
    const requestId = body.event_id;
    const team = body.team_id ?? "";
    const { channel_id: channel, thread_ts: threadTs } = event.assistant_thread;
    let greeted = false;
    await step(requestId, "could not greet in the assistant thread", async () => {
      await threads.started({ team, channel, threadTs });
      if (!(await firstDelivery(bot, logger, requestId))) return;
      await withSlackRetry(() => say(GREETING));
      greeted = true;
    });
    if (!greeted) return;
    await step(requestId, "could not suggest prompts in the assistant thread", async () => {
      const prompts = startPrompts(bot);
      await this.optional("prompts", team, requestId, () => setSuggestedPrompts({ prompts, title: "Try one of these" }));
    });
  }

  private async userMessage(args: MessageArgs & AllMiddlewareArgs): Promise<void> {
    const { message, body, client, context, setStatus, setTitle, setSuggestedPrompts } = args;
    const { bot, logger, step, features, threads } = this.options;
    const person = personMessage(message, body, context.botUserId);
    const threadTs = person?.event.thread_ts;
    if (!person || !threadTs) return;
    const { event: m, team, requestId, user: userId } = person;
    const thread = { team, channel: m.channel, threadTs };
    if (!(await threads.isAssistant(thread, m.assistant_thread !== undefined))) return this.options.plainMessage(args);
    await step(requestId, "could not answer in the assistant thread", async () => {
      if (!(await firstDelivery(bot, logger, requestId))) return;
      const text = unescapeSlack(m.text ?? "").trim();
      if (!text && person.hasFiles) {
        await withSlackRetry(() => client.chat.postMessage({ channel: m.channel, thread_ts: threadTs, text: FILES_NOT_READ }));
        return;
      }
      const conversation = threadKey(team, m.channel, threadTs);
      // The thread's first request names it; later ones keep that title (also when the first stored nothing).
      const unknown = !(await bot.knows(conversation).catch(() => false));
      if (unknown && (await threads.firstTitle(thread, unknown)))
        await this.optional("title", team, requestId, () => setTitle(truncateText(text || "help", TITLE_CHARS)));
      const statusShown = await this.optional("status", team, requestId, () =>
        setStatus({ status: STATUS, loading_messages: LOADING_MESSAGES }),
      );
      // "Waiting its turn" updates may still be on their way when the answer is out: each resolves with when it landed.
      const queuedStatus: Promise<number>[] = [];
      let answeredAt: number | undefined;
      try {
        const reply = await answerInSlack(
          { conversation, userId, input: { text: text || "help" }, requestId },
          {
            client,
            team,
            where: { channel: m.channel, thread_ts: threadTs },
            stream: {
              userId,
              userTeam: person.userTeam,
              features,
              quiet: statusShown,
              onQueued: (position) => {
                queuedStatus.push(
                  this.optional("status", team, requestId, () => setStatus({ status: `is waiting its turn (#${position} in line)…` })).then(
                    () => Date.now(),
                  ),
                );
              },
            },
          },
          this.options.answerSettings,
        );
        answeredAt = Date.now();
        const next: SuggestedPrompt[] = reply ? followUpPrompts(reply) : [];
        if (next.length > 0)
          await this.optional("prompts", team, requestId, () => setSuggestedPrompts({ prompts: next, title: "Keep going" }));
      } finally {
        const landed = await Promise.all(queuedStatus);
        // Slack clears the status when the answer is posted; with no answer posted, or a status that landed after it, it would linger.
        const lingering = answeredAt === undefined ? statusShown || landed.length > 0 : landed.some((at) => at >= answeredAt!);
        if (lingering) await this.optional("status", team, requestId, () => setStatus(""));
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
      if (!features.refused(feature, team, error, METHODS[feature]))
        logger.warn({ err: error, requestId, feature }, `could not set the assistant thread's ${feature}`);
      return false;
    }
  }
}

const METHODS: Readonly<Record<SlackFeature, string>> = {
  streaming: "chat.startStream",
  status: "assistant.threads.setStatus",
  title: "assistant.threads.setTitle",
  prompts: "assistant.threads.setSuggestedPrompts",
};
