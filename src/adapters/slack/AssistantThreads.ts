/**
 * Which DM threads are assistant threads. Bolt's Assistant hands every DM message with a
 * `thread_ts` to the assistant, but a person may also reply in a thread under an ordinary DM
 * answer: that follow-up belongs to the DM conversation, without status or title.
 *
 * A thread counts as an assistant thread when Slack marks the message (`assistant_thread`), when
 * sidbot already talks in it (its thread conversation exists), when this process saw it start,
 * or when another process recorded its start in the bot's shared memory (a delivery claim, read
 * without claiming).
 */
import { LRUCache } from "lru-cache";
import type { Bot } from "../../bot/Bot.js";
import type { Logger } from "../../util/logger.js";
import { threadKey } from "./slackEvents.js";

// Threads started in this process that sidbot still recognises without asking Redis.
const STARTED_KEPT = 10_000;

export interface ThreadRef {
  team: string;
  channel: string;
  threadTs: string;
}

export class AssistantThreads {
  private readonly startedHere = new LRUCache<string, true>({ max: STARTED_KEPT });

  constructor(
    private readonly bot: Pick<Bot, "firstDelivery" | "delivered" | "knows">,
    private readonly logger: Logger,
  ) {}

  /** Records an `assistant_thread_started` thread, here and for every process sharing memory. */
  async started(thread: ThreadRef): Promise<void> {
    this.startedHere.set(id(thread), true);
    try {
      await this.bot.firstDelivery(startedClaim(thread));
    } catch (error) {
      this.logger.warn({ err: error }, "could not record the assistant thread in shared memory; this process still knows it");
    }
  }

  /** Whether the thread is an assistant thread (see above); when memory cannot be read, only what this process knows counts. */
  async isAssistant(thread: ThreadRef, marked: boolean): Promise<boolean> {
    if (marked || this.startedHere.has(id(thread))) return true;
    try {
      if (await this.bot.knows(threadKey(thread.team, thread.channel, thread.threadTs))) return true;
      const startedElsewhere = await this.bot.delivered(startedClaim(thread));
      if (startedElsewhere) this.startedHere.set(id(thread), true);
      return startedElsewhere;
    } catch (error) {
      this.logger.warn({ err: error }, "could not tell whether a DM thread is an assistant thread; answering it as a DM");
      return false;
    }
  }
}

function id({ team, channel, threadTs }: ThreadRef): string {
  return `${team}:${channel}:${threadTs}`;
}

function startedClaim(thread: ThreadRef): string {
  return `slack:assistant-thread:${id(thread)}`;
}
