/**
 * The conversation: platform-neutral requests in, replies out. Works out the intent, resolves
 * game titles to catalog items, builds the engine task from the request and the conversation's
 * memory, runs it behind the fairness gate, and remembers the turn.
 */
import { randomUUID } from "node:crypto";
import type { Config } from "../config.js";
import { EngineBusyError } from "../errors.js";
import type { CatalogItem } from "../engine/catalog/Catalog.js";
import type { Engine } from "../engine/Engine.js";
import type { EngineResult, RecommendedItem, Task } from "../engine/types.js";
import { gameKey } from "../engine/titles/resolveGame.js";
import type { Logger } from "../util/logger.js";
import { silentLogger } from "../util/logger.js";
import type { Metrics } from "../ops/Metrics.js";
import { emptyState, type ConversationState, type MemoryStore, type Vote } from "./memory/MemoryStore.js";
import { MESSAGES } from "./messages.js";
import { planRequest, reply, SMALLTALK_FOLLOW_UPS, type Plan } from "./planRequest.js";
import { BUSY_RETRY_SECONDS, RequestGate } from "./RequestGate.js";
import { understand, type Understanding } from "./understand.js";
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

export class Bot {
  private readonly engine: Engine;
  private readonly memory: MemoryStore;
  private readonly config: BotOptions["config"];
  private readonly logger: Logger;
  readonly gate: RequestGate;
  private readonly metrics: Metrics | undefined;
  /** Requests being answered, so shutdown can cancel them politely. */
  private readonly inflight = new Set<AbortController>();
  /** Settles when each running handle() has returned (memory written, reply built). */
  private readonly handling = new Set<Promise<void>>();
  private closing = false;

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
  }

  /** Answers one request. Expected outcomes (busy, rate limited, unclear) are replies, not errors. */
  async handle(request: BotRequest, options: HandleOptions = {}): Promise<BotReply> {
    if (this.closing) return this.count(request, "restarting", reply("busy", MESSAGES.restarting, { retryAfterSeconds: 30 }));
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    this.inflight.add(controller);
    const work = this.answer(request, { ...options, signal });
    const settled = work.then(
      () => {},
      () => {},
    );
    this.handling.add(settled);
    try {
      const answer = await work;
      return this.count(request, answer.kind, answer);
    } catch (error) {
      // Cancelled by shutdown: say so instead of failing.
      if (controller.signal.aborted && !options.signal?.aborted) return this.count(request, "restarting", reply("busy", MESSAGES.restarting, { retryAfterSeconds: 30 }));
      this.count(request, "error");
      throw error;
    } finally {
      this.inflight.delete(controller);
      this.handling.delete(settled);
      this.metrics?.queueDepth.set(this.gate.waiting);
      this.metrics?.running.set(this.gate.running);
    }
  }

  /** Stops taking requests (they get a polite "restarting"), lets running ones finish until `graceMs`, then cancels the rest. */
  async shutdown(graceMs = this.config.limits.shutdownGraceMs): Promise<void> {
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([this.gate.idle(), deadline]);
    clearTimeout(timer);
    for (const controller of this.inflight) controller.abort(new Error("sidbot is shutting down"));
    await this.gate.idle();
    await Promise.all(this.handling);
  }

  private count<T extends BotReply | undefined>(request: BotRequest, outcome: string, value?: T): T {
    const kind = "command" in request.input ? request.input.command : "moreLike" in request.input ? "more" : "text";
    this.metrics?.requests.inc({ platform: request.conversation.platform, kind, outcome });
    return value as T;
  }

  private async answer(request: BotRequest, options: HandleOptions): Promise<BotReply> {
    const requestId = request.requestId ?? randomUUID();
    const log = this.logger.child({ requestId, conversation: conversationId(request.conversation), userId: request.userId });
    const notices: string[] = [];
    const raw = request.input;
    const input = "text" in raw ? { text: this.clip(raw.text, notices) } : "command" in raw ? this.clipCommand(raw, notices) : raw;
    const intent = this.understand(input);
    log.debug({ intent: intent.act }, "request");

    if (intent.act === "reset") return this.reset(request, log);
    if (intent.act === "help") return reply("help", MESSAGES.help, { followUps: SMALLTALK_FOLLOW_UPS });

    const key = conversationId(request.conversation);
    this.metrics?.queueDepth.set(this.gate.waiting + 1);
    const run = { requestId, ...(options.signal ? { signal: options.signal } : {}), ...(options.onText ? { onText: options.onText } : {}), ...(options.onPrompt ? { onPrompt: options.onPrompt } : {}) };
    // History is read when the request actually runs (not before it waited in the queue), and
    // the exchange is appended before the slot is released: shutdown waits for both.
    const gated = await this.gate.run(
      request.userId,
      async (): Promise<BotReply> => {
        options.signal?.throwIfAborted(); // cancelled (shutdown) while it waited
        const state = (await this.memory.get(key)) ?? emptyState();
        if (this.memory.degraded) notices.push(MESSAGES.memoryOffline);
        const plan = this.plan(intent, state);
        if (plan.kind === "reply") return { ...plan.reply, notices: [...notices, ...plan.reply.notices] };
        notices.push(...plan.notices);
        // Never recommend what the request names, nor another edition of it, nor a down-voted game.
        const disliked = this.items(downVoted(state));
        // A follow-up never brings back what the conversation named or already answered with.
        const seen = plan.followUp ? this.items(seenInConversation(state)) : [];
        const task: Task = { ...plan.task, history: state.turns, avoid: this.editionsOf([...(plan.task.items ?? []), ...disliked, ...seen], [...disliked, ...seen]) };
        let answered;
        try {
          answered = await this.engine.run(task, run);
        } catch (error) {
          // The shared model queue is full (remote workers): the same polite reply as a full local queue.
          if (error instanceof EngineBusyError) return reply("busy", MESSAGES.busy(BUSY_RETRY_SECONDS), { retryAfterSeconds: BUSY_RETRY_SECONDS });
          throw error;
        }
        const result = { ...answered, items: distinctGames(answered.items, [...(task.items ?? []), ...(task.avoid ?? [])]) };
        log.info({ intent: intent.act, backend: result.backend, items: result.items.length, totalMs: Math.round(result.timings.totalMs), tokens: result.timings.tokens }, "answered");
        await this.memory.append(key, {
          id: requestId,
          user: result.turns.user,
          assistant: result.turns.assistant,
          at: Date.now(),
          // Threads belong to whoever started them; channels and DMs have no owner to protect.
          ...(request.conversation.scope === "thread" ? { owner: request.userId } : {}),
          ...(result.items.length > 0 ? { lastAnswer: { sids: result.items.map((i) => i.sid), basis: (task.items ?? []).map((i) => i.sid) } } : {}),
        });
        if (result.items.length === 0 && !result.text) notices.push(MESSAGES.noResults);
        return {
          kind: "answer",
          items: result.items,
          text: result.text,
          notices: [...notices, ...result.notices],
          backend: result.backend,
          followUps: followUps(result),
          timings: result.timings,
        };
      },
      { onQueued: options.onQueued, startBy: options.startBy, unlimited: request.conversation.platform === "console" },
    );
    if (gated.kind === "busy") return reply("busy", MESSAGES.busy(gated.retryAfterSeconds), { retryAfterSeconds: gated.retryAfterSeconds });
    if (gated.kind === "rate_limited") return reply("rate_limited", MESSAGES.rateLimited(gated.retryAfterSeconds), { retryAfterSeconds: gated.retryAfterSeconds });
    return gated.value;
  }

  /** What the request names and asks (commands and buttons map onto the same understanding). */
  private understand(input: BotRequest["input"]): Understanding {
    const context = { titles: this.engine.catalog.titles, catalog: this.engine.catalog.catalog };
    if ("moreLike" in input) {
      const item = this.engine.itemById(input.moreLike);
      return item ? { act: "similar", games: [item], text: "" } : { act: "notfound", games: [], text: "", missing: { query: "that game", candidates: [] } };
    }
    if ("command" in input) {
      switch (input.command) {
        case "recommend":
          return understand(input.query, context);
        case "similar": {
          const u = understand(`similar to ${input.game}`, context);
          return u.games.length > 0 || u.act === "notfound" ? { ...u, act: u.games.length > 0 ? "similar" : "notfound" } : { ...u, act: "notfound", missing: { query: input.game, candidates: [] } };
        }
        case "bundle":
          return { act: "bundle", games: [], text: "Suggest a name and description for the bundle" };
        case "reset":
          return { act: "reset", games: [], text: "" };
        default:
          return input satisfies never;
      }
    }
    return understand(input.text, context);
  }

  /** Turns an understood request and the conversation so far into an engine task. */
  private plan(intent: Understanding, state: ConversationState): Plan {
    return planRequest(intent, { last: this.items(state.lastAnswer?.sids ?? []), basis: this.items(state.lastAnswer?.basis ?? []) });
  }

  /** `avoid` plus every catalog edition of the games in `named` ("Halo Reach" Limited and Legendary are one game). */
  private editionsOf(named: readonly CatalogItem[], avoid: readonly CatalogItem[]): CatalogItem[] {
    const out = [...avoid];
    if (named.length === 0) return out;
    const keys = new Set(named.map((i) => gameKey(i.title)));
    const byKey = this.gameKeys();
    for (const key of keys) for (const item of byKey.get(key) ?? []) if (!named.includes(item) && !out.includes(item)) out.push(item);
    return out;
  }

  private keys?: Map<string, CatalogItem[]>;
  private gameKeys(): Map<string, CatalogItem[]> {
    if (this.keys) return this.keys;
    const map = new Map<string, CatalogItem[]>();
    for (const item of this.engine.catalog.catalog.items) {
      const key = gameKey(item.title);
      const list = map.get(key);
      if (list) list.push(item);
      else map.set(key, [item]);
    }
    return (this.keys = map);
  }

  private async reset(request: BotRequest, log: Logger): Promise<BotReply> {
    const input = request.input;
    const target = "command" in input && input.command === "reset" && input.target ? input.target : request.conversation;
    const other = conversationId(target) !== conversationId(request.conversation);
    // Someone else's conversation (another channel, or a thread another user started) needs an admin.
    const owner = (await this.memory.get(conversationId(target)))?.owner;
    // Without Redis the owner (and what a later replay would delete) is unknown: do not guess.
    if (this.memory.degraded) return reply("busy", MESSAGES.resetOffline, { retryAfterSeconds: 60 });
    if ((other || (owner !== undefined && owner !== request.userId)) && !request.isAdmin) return reply("forbidden", MESSAGES.forbidden);
    await this.memory.delete(conversationId(target));
    log.info({ target: conversationId(target) }, "conversation reset");
    return reply("reset", other ? MESSAGES.resetOther : MESSAGES.reset);
  }

  /** Stores 👍/👎 on an answer's items (their ids) with the conversation; a new vote replaces the old one. */
  async feedback(conversation: ConversationKey, userId: string, itemIds: readonly string[], value: Vote): Promise<void> {
    const sids = itemIds.map((id) => this.engine.itemById(id)?.sid).filter((sid): sid is string => sid !== undefined);
    if (sids.length === 0) return;
    await this.memory.vote({ conversation: conversationId(conversation), userId, sids, value, at: Date.now() });
  }

  /**
   * True the first time an event id (`discord:message:…`, `slack:event:…`) is seen; false for a
   * redelivery. Shared through Redis when configured, so it holds across processes.
   */
  async firstDelivery(eventId: string): Promise<boolean> {
    return this.memory.claim(eventId, DELIVERY_TTL_MS);
  }

  /** Whether a conversation has memory (e.g. a thread the bot is talking in). */
  async knows(conversation: ConversationKey): Promise<boolean> {
    return (await this.memory.get(conversationId(conversation))) !== undefined;
  }

  /** Titles starting like `query`, for autocomplete: best first, at most `limit`. */
  suggestGames(query: string, limit = 25): { id: string; title: string }[] {
    const titles = this.engine.catalog.titles;
    const hits = query.trim() === "" ? this.engine.catalog.catalog.items.slice(0, limit).map((item) => ({ item })) : titles.search(query, { limit, prefix: true });
    return hits.map((h) => ({ id: String(h.item.index), title: h.item.title }));
  }

  private items(sids: readonly string[]): CatalogItem[] {
    return sids.map((sid) => this.engine.catalog.catalog.get(sid)).filter((i): i is CatalogItem => i !== undefined);
  }

  private clip(text: string, notices: string[]): string {
    const max = this.config.limits.maxInputChars;
    if (text.length <= max) return text;
    notices.push(MESSAGES.truncated(max));
    return text.slice(0, max);
  }

  private clipCommand<T extends Extract<BotRequest["input"], { command: string }>>(input: T, notices: string[]): T {
    if (input.command === "recommend") return { ...input, query: this.clip(input.query, notices) };
    if (input.command === "similar") return { ...input, game: this.clip(input.game, notices) };
    return input;
  }
}

/** Items that are not an edition of an excluded game nor of an earlier item of the answer. */
function distinctGames(items: readonly RecommendedItem[], excluded: readonly CatalogItem[]): RecommendedItem[] {
  const seen = new Set(excluded.map((i) => gameKey(i.title)));
  const sids = new Set(excluded.map((i) => i.sid));
  const out: RecommendedItem[] = [];
  for (const item of items) {
    const key = gameKey(item.title);
    if (sids.has(item.sid) || seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

/** SIDs the conversation named or answered with: its turns' SIDs and the last answer with its basis. */
function seenInConversation(state: ConversationState): string[] {
  const sids = new Set<string>([...(state.lastAnswer?.sids ?? []), ...(state.lastAnswer?.basis ?? [])]);
  for (const turn of state.turns) for (const part of turn.parts) if ("sid" in part) sids.add(part.sid);
  return [...sids];
}

/** Items someone down-voted in this conversation: never recommended there again. */
function downVoted(state: ConversationState): string[] {
  return state.feedback.filter((f) => f.value === "down").map((f) => f.sid);
}

function followUps(result: EngineResult): string[] {
  if (result.items.length === 0) return [];
  const out = ["more like #1", "why that one?"];
  if (result.items.length > 1) out.push("suggest a name for this bundle");
  const platforms = new Set(result.items.map((i) => i.platform?.split(" ")[0]));
  out.push(platforms.has("Xbox") ? "how about for PlayStation?" : "how about for Xbox?");
  return out;
}

