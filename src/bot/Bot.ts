/**
 * The conversation: platform-neutral requests in, replies out. Works out the intent, resolves
 * game titles to catalog items, builds the engine task from the request and the conversation's
 * memory, runs it behind the fairness gate, and remembers the turn.
 */
import { randomUUID } from "node:crypto";
import type { Config } from "../config.js";
import { EngineBusyError } from "../errors.js";
import type { Engine } from "../engine/Engine.js";
import { itemIdOf } from "../engine/itemId.js";
import { platformByName } from "../engine/titles/platforms.js";
import type { EngineResult, Task } from "../engine/types.js";
import type { Logger } from "../util/logger.js";
import { silentLogger } from "../util/logger.js";
import type { Metrics } from "../ops/Metrics.js";
import { clipInput } from "./clipInput.js";
import { distinctGames, Exclusions } from "./Exclusions.js";
import { followUps } from "./followUps.js";
import { intentOf } from "./intentOf.js";
import { emptyState, type MemoryStore, type Vote } from "./memory/MemoryStore.js";
import { MESSAGES } from "./messages.js";
import { personId, personOf, type PersonKey } from "./personKey.js";
import { planRequest, reply, SMALLTALK_FOLLOW_UPS } from "./planRequest.js";
import { BUSY_RETRY_SECONDS, RequestGate } from "./RequestGate.js";
import { resetConversation } from "./resetConversation.js";
import { ShutdownGuard } from "./ShutdownGuard.js";
import type { Understanding } from "./understand.js";
import { conversationId, type BotReply, type BotRequest, type ConversationKey, type HandleOptions } from "./types.js";

export interface BotOptions {
  engine: Engine;
  memory: MemoryStore;
  config: Pick<Config, "memory" | "limits" | "model">;
  logger?: Logger;
  metrics?: Metrics | undefined;
}

// Platforms redeliver within minutes (Slack retries, gateway replays); a day is ample.
const DELIVERY_TTL_MS = 24 * 3600 * 1000;

const restarting = () => reply("busy", MESSAGES.restarting, { retryAfterSeconds: 30 });

export class Bot {
  private readonly engine: Engine;
  private readonly memory: MemoryStore;
  private readonly config: BotOptions["config"];
  private readonly logger: Logger;
  readonly gate: RequestGate;
  private readonly metrics: Metrics | undefined;
  private readonly guard: ShutdownGuard;
  private readonly exclusions: Exclusions;

  constructor({ engine, memory, config, logger = silentLogger, metrics }: BotOptions) {
    this.engine = engine;
    this.metrics = metrics;
    this.memory = memory;
    this.config = config;
    this.logger = logger;
    this.gate = new RequestGate({
      concurrency: engine.concurrency,
      maxQueue: config.limits.maxQueue,
      userPoints: config.limits.userRequests,
      userWindowSeconds: config.limits.userWindowSeconds,
    });
    this.guard = new ShutdownGuard(this.gate);
    this.exclusions = new Exclusions(engine);
  }

  /** Answers one request. Expected outcomes (busy, rate limited, unclear) are replies, not errors. */
  async handle(request: BotRequest, options: HandleOptions = {}): Promise<BotReply> {
    if (this.guard.closing) return this.count(request, "restarting", restarting());
    try {
      const outcome = await this.guard.run(options.signal, (signal) => this.answer(request, { ...options, signal }));
      // Cancelled by shutdown: say so instead of failing.
      if ("cancelled" in outcome) return this.count(request, "restarting", restarting());
      return this.count(request, outcome.value.kind, outcome.value);
    } catch (error) {
      this.count(request, "error");
      throw error;
    } finally {
      this.metrics?.queueDepth.set(this.gate.waiting);
      this.metrics?.running.set(this.gate.running);
    }
  }

  /** Stops taking requests (they get a polite "restarting"), lets running ones finish until `graceMs`, then cancels the rest. */
  async shutdown(graceMs = this.config.limits.shutdownGraceMs): Promise<void> {
    await this.guard.stop(graceMs);
  }

  private count<T extends BotReply | undefined>(request: BotRequest, outcome: string, value?: T): T {
    const input = request.input;
    const kind = "command" in input ? input.command : "moreLike" in input ? "more" : "gamesIn" in input ? "games-in" : "text";
    this.metrics?.requests.inc({ platform: request.conversation.platform, kind, outcome });
    return value as T;
  }

  private async answer(request: BotRequest, options: HandleOptions): Promise<BotReply> {
    const requestId = request.requestId ?? randomUUID();
    const log = this.logger.child({ requestId, conversation: conversationId(request.conversation), userId: request.userId });
    const notices: string[] = [];
    const intent = intentOf(clipInput(request.input, this.config.limits.maxInputChars, notices), this.engine);
    log.debug({ intent: intent.act }, "request");

    if (intent.act === "reset") return resetConversation(request, this.memory, log);
    if (intent.act === "help") return reply("help", MESSAGES.help, { followUps: SMALLTALK_FOLLOW_UPS });

    this.metrics?.queueDepth.set(this.gate.waiting + 1);
    // History is read when the request actually runs (not before it waited in the queue), and
    // the exchange is appended before the slot is released: shutdown waits for both.
    const gated = await this.gate.run(request.userId, () => this.answerInSlot(request, requestId, intent, notices, options, log), {
      onQueued: options.onQueued,
      startBy: options.startBy,
      unlimited: request.conversation.platform === "console",
    });
    if (gated.kind === "busy") return reply("busy", MESSAGES.busy(gated.retryAfterSeconds), { retryAfterSeconds: gated.retryAfterSeconds });
    if (gated.kind === "rate_limited")
      return reply("rate_limited", MESSAGES.rateLimited(gated.retryAfterSeconds), { retryAfterSeconds: gated.retryAfterSeconds });
    return gated.value;
  }

  /** The request's turn at the engine: plan from the stored conversation, run, remember the exchange. */
  private async answerInSlot(
    request: BotRequest,
    requestId: string,
    intent: Understanding,
    notices: string[],
    options: HandleOptions,
    log: Logger,
  ): Promise<BotReply> {
    options.signal?.throwIfAborted(); // cancelled (shutdown) while it waited
    const key = conversationId(request.conversation);
    const state = (await this.memory.get(key)) ?? emptyState();
    if (this.memory.degraded) notices.push(MESSAGES.memoryOffline);
    // Only a platform this version knows is kept (a stored state is data, not trusted code).
    const stored = state.lastAnswer?.platform;
    const lastPlatform = typeof stored === "string" ? platformByName(stored) : undefined;
    const plan = planRequest(intent, {
      last: this.exclusions.items(state.lastAnswer?.sids ?? []),
      basis: this.exclusions.items(state.lastAnswer?.basis ?? []),
      ...(lastPlatform ? { platform: lastPlatform } : {}),
    });
    if (plan.kind === "reply") return { ...plan.reply, notices: [...notices, ...plan.reply.notices] };
    notices.push(...plan.notices);
    // Never recommend what the request names, nor another edition of it, nor a down-voted game;
    // a follow-up never brings back what the conversation named or already answered with.
    const task: Task = {
      ...plan.task,
      history: state.turns,
      avoid: this.exclusions.avoidFor(plan.task.items ?? [], state, plan.followUp === true),
    };
    const run = {
      requestId,
      conversationId: key,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onText ? { onText: options.onText } : {}),
      ...(options.onPrompt ? { onPrompt: options.onPrompt } : {}),
    };
    let answered: EngineResult;
    try {
      answered = await this.engine.run(task, run);
    } catch (error) {
      // The shared model queue is full (remote workers): the same polite reply as a full local queue.
      if (error instanceof EngineBusyError)
        return reply("busy", MESSAGES.busy(BUSY_RETRY_SECONDS), { retryAfterSeconds: BUSY_RETRY_SECONDS });
      throw error;
    }
    const result = { ...answered, items: distinctGames(answered.items, [...(task.items ?? []), ...(task.avoid ?? [])]) };
    log.info(
      {
        intent: intent.act,
        backend: result.backend,
        items: result.items.length,
        totalMs: Math.round(result.timings.totalMs),
        tokens: result.timings.tokens,
      },
      "answered",
    );
    await this.memory.append(key, {
      id: requestId,
      user: result.turns.user,
      assistant: result.turns.assistant,
      at: Date.now(),
      // Threads belong to whoever started them; channels and DMs have no owner to protect.
      ...(request.conversation.scope === "thread" ? { owner: request.userId } : {}),
      ...(result.items.length > 0
        ? {
            lastAnswer: {
              sids: result.items.map((i) => i.sid),
              basis: (task.items ?? []).map((i) => i.sid),
              ...(task.platform ? { platform: task.platform } : {}),
            },
          }
        : {}),
    });
    if (result.items.length > 0)
      await this.memory.addRecent(
        personId(personOf(request)),
        result.items.map((i) => i.sid),
      );
    // The engine's own notice (a filter that leaves nothing, nothing close in the catalog) already says what to do.
    if (result.items.length === 0 && !result.text && result.notices.length === 0) notices.push(MESSAGES.noResults);
    return {
      kind: "answer",
      items: result.items,
      text: result.text,
      notices: [...notices, ...result.notices],
      backend: result.backend,
      followUps: followUps(result),
      timings: result.timings,
    };
  }

  /**
   * Whether a 👍/👎 on these item ids would be stored: at least one names a game of the current
   * catalog (a button under an answer from an older catalog may name none). Synchronous, so a
   * click is answered — thanks, or {@link MESSAGES.voteTooOld} — before the vote is stored.
   */
  votable(itemIds: readonly string[]): boolean {
    return this.sidsOf(itemIds).length > 0;
  }

  /** Stores 👍/👎 on an answer's items (their ids) with the conversation; a new vote replaces the old one. Unknown ids are skipped. */
  async feedback(conversation: ConversationKey, userId: string, itemIds: readonly string[], value: Vote): Promise<void> {
    const sids = this.sidsOf(itemIds);
    if (sids.length === 0) return;
    await this.memory.vote({ conversation: conversationId(conversation), userId, sids, value, at: Date.now() });
  }

  /**
   * Games recently recommended to a person (any conversation), newest first, at most 10.
   * `available: false` when memory cannot be read right now (Redis away, or just back and still
   * writing this person's newest picks): say so rather than show nothing or a stale list.
   */
  async recentFor(person: PersonKey): Promise<{ available: boolean; games: { id: string; title: string }[] }> {
    const sids = await this.memory.recentFor(personId(person));
    if (!sids) return { available: false, games: [] };
    return { available: true, games: this.exclusions.items(sids).map((item) => ({ id: itemIdOf(item), title: item.title })) };
  }

  /**
   * True the first time an event id (`discord:message:…`, `slack:event:…`) is seen; false for a
   * redelivery. Shared through Redis when configured, so it holds across processes.
   */
  async firstDelivery(eventId: string): Promise<boolean> {
    return this.memory.claim(eventId, DELIVERY_TTL_MS);
  }

  /**
   * Records `id` for as long as conversations are kept (`memory.ttlSeconds`), renewing it when
   * recorded already; true the first time. Shared through Redis when configured.
   */
  async remember(id: string): Promise<boolean> {
    return this.memory.record(id, this.config.memory.ttlSeconds * 1000);
  }

  /** Whether an id was recorded by {@link firstDelivery} or {@link remember} (in any process sharing memory), without recording it. */
  async delivered(eventId: string): Promise<boolean> {
    return this.memory.claimed(eventId);
  }

  /** Forgets {@link firstDelivery} or {@link remember} of `id`, when what it claimed did not happen (e.g. a failed reply). */
  async forgetDelivery(id: string): Promise<void> {
    await this.memory.release(id);
  }

  /** Whether a conversation has memory (e.g. a thread the bot is talking in). */
  async knows(conversation: ConversationKey): Promise<boolean> {
    return (await this.memory.get(conversationId(conversation))) !== undefined;
  }

  /** When a conversation last answered with items (a follow-up, `/bundle` build on it); undefined if it never did. */
  async lastAnswerAt(conversation: ConversationKey): Promise<number | undefined> {
    const state = await this.memory.get(conversationId(conversation));
    // States stored before answers carried their own time only know when anything last changed.
    return state?.lastAnswer ? (state.lastAnswer.at ?? state.updatedAt) : undefined;
  }

  /** Titles starting like `query`, for autocomplete: best first, at most `limit`. */
  suggestGames(query: string, limit = 25): { id: string; title: string }[] {
    const titles = this.engine.catalog.titles;
    const hits =
      query.trim() === ""
        ? this.engine.catalog.catalog.items.slice(0, limit).map((item) => ({ item }))
        : titles.search(query, { limit, prefix: true });
    return hits.map((h) => ({ id: itemIdOf(h.item), title: h.item.title }));
  }

  private sidsOf(itemIds: readonly string[]): string[] {
    return itemIds.map((id) => this.engine.itemById(id)?.sid).filter((sid): sid is string => sid !== undefined);
  }
}
