/**
 * Which DM threads are assistant threads. Bolt's Assistant hands every DM message with a
 * `thread_ts` to the assistant, but a person may also reply in a thread under an ordinary DM
 * answer: that follow-up belongs to the DM conversation, without status or title.
 *
 * A thread counts as an assistant thread when Slack marks the message (`assistant_thread`), when
 * sidbot already talks in it (its thread conversation exists), when this process saw it start,
 * or when another process recorded its start in the bot's shared memory. That record lives as
 * long as conversations (`memory.ttlSeconds`) and is renewed by each message of the thread, so a
 * thread whose first turns stored nothing stays an assistant thread; one made while Redis was
 * away is written there when it is back. The thread's title is set once, also recorded.
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
    private readonly bot: Pick<Bot, "remember" | "delivered" | "knows">,
    private readonly logger: Logger,
  ) {}

  /** Records an `assistant_thread_started` thread, here and for every process sharing memory. */
  async started(thread: ThreadRef): Promise<void> {
    this.startedHere.set(id(thread), true);
    try {
      await this.bot.remember(startedRecord(thread));
    } catch (error) {
      this.logger.warn({ err: error }, "could not record the assistant thread in shared memory; this process still knows it");
    }
  }

  /**
   * Whether the thread is an assistant thread (see above), renewing its record when it is; when
   * memory cannot be read, only what this process knows counts.
   */
  async isAssistant(thread: ThreadRef, marked: boolean): Promise<boolean> {
    const assistant = marked || this.startedHere.has(id(thread)) || (await this.knownElsewhere(thread));
    if (assistant) {
      this.startedHere.set(id(thread), true);
      await this.bot.remember(startedRecord(thread)).catch((error: unknown) => {
        this.logger.warn({ err: error }, "could not renew the assistant thread's record in shared memory");
      });
    }
    return assistant;
  }

  /** True for the thread's first request only (it names the thread); when memory cannot be read, `fallback`. */
  async firstTitle(thread: ThreadRef, fallback: boolean): Promise<boolean> {
    try {
      return await this.bot.remember(`slack:assistant-title:${id(thread)}`);
    } catch {
      return fallback;
    }
  }

  private async knownElsewhere(thread: ThreadRef): Promise<boolean> {
    try {
      if (await this.bot.knows(threadKey(thread.team, thread.channel, thread.threadTs))) return true;
      return await this.bot.delivered(startedRecord(thread));
    } catch (error) {
      this.logger.warn({ err: error }, "could not tell whether a DM thread is an assistant thread; answering it as a DM");
      return false;
    }
  }
}

function id({ team, channel, threadTs }: ThreadRef): string {
  return `${team}:${channel}:${threadTs}`;
}

function startedRecord(thread: ThreadRef): string {
  return `slack:assistant-thread:${id(thread)}`;
}
