/**
 * The engine facade: one call takes a task and returns items, text, the backend that answered
 * and timings. Uses the model when it is loaded; the catalog backend answers when there is no
 * model, or when the model fails or exceeds its time budget — and the answer says so.
 */
import type { Config } from "../config.js";
import { ConfigError, EngineBusyError, ModelUnavailableError, SidbotError, describeError } from "../errors.js";
import type { Logger } from "../util/logger.js";
import type { Metrics } from "../ops/Metrics.js";
import { silentLogger } from "../util/logger.js";
import { CatalogBackend } from "./catalog/CatalogBackend.js";
import { openOperatorLists } from "./catalog/openOperatorLists.js";
import { emptyFilterNotice, fewLeftNotice, SubCatalogs, type OperatorLists, type SubCatalog } from "./catalog/SubCatalogs.js";
import type { CatalogItem } from "./catalog/Catalog.js";
import { productDetails } from "./catalog/productMetadata.js";
import { itemIdOf, itemOfId } from "./itemId.js";
import { openCatalog, type OpenedCatalog } from "./catalog/openCatalog.js";
import type { AllowedItems } from "./catalog/AllowedItems.js";
import type { ModelBackend } from "./model/ModelBackend.js";
import { ModelProcess } from "./model/ModelProcess.js";
import { hasUsableText, renderAnswerText } from "./output/renderAnswer.js";
import { buildUserTurn } from "./prompts/buildUserTurn.js";
import { promptText, renderChatML } from "./prompts/renderChatML.js";
import { fitConversation } from "./prompts/fitConversation.js";
import { platformByName, type Platform } from "./titles/platforms.js";
import type { BackendName, EngineResult, PromptCallback, RecommendedItem, Task, TextStreamCallback, Turn, TurnPart } from "./types.js";

export interface EngineOptions {
  catalog: OpenedCatalog;
  model?: ModelBackend | undefined;
  settings: Config["model"];
  logger?: Logger;
  /** Why there is no model, when one was configured but failed to load. */
  modelError?: string | undefined;
  metrics?: Metrics | undefined;
  /** The operator's allow- and deny-lists (`catalog.allowPath`, `catalog.denyPath`), opened. */
  lists?: OperatorLists | undefined;
}

export interface RunOptions {
  signal?: AbortSignal;
  onText?: TextStreamCallback;
  /** Called with the prompt as the model sees it (ChatML text); also when the catalog answers. */
  onPrompt?: PromptCallback;
  /** Sampling seed, for reproducible answers. */
  seed?: number;
  /** The bot's request id (the job id on remote model workers). */
  requestId?: string;
  /** The conversation's key: its follow-ups go to the model sequence that still holds its prompt. */
  conversationId?: string;
  /**
   * Answer with this backend only (`sidbot eval`): "catalog" never uses the model; "llama" never
   * falls back to the catalog — a missing, failing or slow model throws instead.
   */
  backend?: BackendName;
  /** The model writes SIDs without the catalog trie; the result's `written` lists them (see GenerateResult). */
  unconstrained?: boolean;
}

export class Engine {
  readonly catalog: OpenedCatalog;
  private readonly catalogBackend: CatalogBackend;
  private readonly subCatalogs: SubCatalogs;
  private readonly logger: Logger;
  private model: ModelBackend | undefined;
  private modelLoadReported = false;

  constructor(private readonly options: EngineOptions) {
    this.catalog = options.catalog;
    this.model = options.model;
    this.logger = options.logger ?? silentLogger;
    this.catalogBackend = new CatalogBackend(options.catalog.catalog, options.catalog.titles);
    this.subCatalogs = new SubCatalogs(options.catalog.catalog, options.lists);
  }

  /**
   * Loads the catalog and, when configured, the model. A model that fails to load is logged
   * once with the reason; the engine then answers from the catalog.
   */
  static async create(
    config: Config,
    {
      logger = silentLogger,
      signal,
      metrics,
      redisUrl,
    }: { logger?: Logger; signal?: AbortSignal; metrics?: Metrics; redisUrl?: string | undefined } = {},
  ): Promise<Engine> {
    const catalog = await openCatalog(config);
    // Before the model loads: a list that cannot be read fails start-up at once.
    const lists = openOperatorLists(config, catalog.catalog, logger);
    let model: ModelBackend | undefined;
    let modelError: string | undefined;
    if (config.engine.mode === "remote") {
      if (!redisUrl)
        throw new ConfigError("engine.mode", 'config: engine.mode is "remote", which needs REDIS_URL (the Redis the model workers use)');
      // Imported here so that embedded bots never load BullMQ and remote bots never load node-llama-cpp.
      const { RemoteModelBackend } = await import("./remote/RemoteModelBackend.js");
      model = await RemoteModelBackend.start({
        redisUrl,
        namespace: config.memory.namespace,
        queue: config.engine.queue,
        catalog: catalog.catalog,
        maxQueue: config.limits.maxQueue,
        deadlineMs: config.model.timeoutMs,
        logger,
        metrics,
      });
      logger.info({ queue: config.engine.queue, workers: model.available ? "available" : "none yet" }, "remote model workers");
    } else if (config.model.path) {
      const load = {
        modelPath: config.model.path,
        gpu: config.model.gpu === "off" ? (false as const) : config.model.gpu,
        threads: config.model.threads,
        contextSize: config.model.contextSize,
        sequences: config.model.sequences,
      };
      try {
        model =
          config.model.isolation === "process"
            ? await ModelProcess.start({
                load: { ...load, levels: config.catalog.levels, codesPerLevel: config.catalog.codesPerLevel },
                catalog: catalog.catalog,
                logger,
              })
            : await (await import("./model/LlamaBackend.js")).LlamaBackend.load({
                ...load,
                catalog: catalog.catalog,
                logger,
                ...(signal ? { signal } : {}),
              });
        logger.info(
          { modelPath: config.model.path, loadMs: Math.round(model.loadMs), gpu: config.model.gpu, isolation: config.model.isolation },
          "model loaded",
        );
      } catch (error) {
        modelError = describeError(error);
        logger.error({ modelPath: config.model.path, err: error }, "model not loaded; answering from the catalog");
      }
    }
    return new Engine({ catalog, model, settings: config.model, logger, modelError, metrics, lists });
  }

  /** The model backend, when one is configured (loaded, remote, or restarting). */
  get modelBackend(): ModelBackend | undefined {
    return this.model;
  }

  /** Which backend answers now. */
  get backend(): "llama" | "catalog" {
    return this.model?.available ? "llama" : "catalog";
  }

  /** Generations that can run at once (the model's sequences; 1 for the catalog). */
  get concurrency(): number {
    return this.model?.sequences ?? 1;
  }

  get modelError(): string | undefined {
    return this.options.modelError;
  }

  /** Items the operator lists allow now (`catalog.allowPath`/`denyPath`); the whole catalog without lists. */
  allowedByOperatorLists(): number {
    return this.subCatalogs.forRequest(undefined).allowed?.count ?? this.catalog.catalog.size;
  }

  /** The catalog item behind an item id from a reply (itemId.ts); undefined for an id of another catalog's item. */
  itemById(id: string): CatalogItem | undefined {
    return itemOfId(this.catalog.catalog.items, id);
  }

  /** Tokens these turns take in the model's prompt, or undefined without a (working) model. */
  async countTokens(turns: readonly Turn[]): Promise<number | undefined> {
    if (!this.model?.available) return undefined;
    return this.model.countTokens(renderChatML(turns, { systemPrompt: this.options.settings.systemPrompt })).catch(() => undefined);
  }

  /** The model's context size in tokens, or undefined without a model. */
  get contextSize(): number | undefined {
    return this.model?.contextSize;
  }

  async run(task: Task, options: RunOptions = {}): Promise<EngineResult> {
    const { signal, onText, seed, onPrompt, requestId, conversationId, backend, unconstrained } = options;
    const started = performance.now();
    const { turn: user, plan } = buildUserTurn(task);
    const notices: string[] = [];
    const model = this.model?.available && backend !== "catalog" ? this.model : undefined;
    if (backend === "llama" && !model)
      throw new ModelUnavailableError(this.model ? (this.model.unavailableReason ?? "the model is unavailable") : "no model is configured");
    const platform = task.platform ? platformByName(task.platform) : undefined;
    const filter = this.subCatalogs.forRequest(platform);
    const left = filter.remaining([...(task.items ?? []), ...(task.avoid ?? [])]);
    // The raw model (unconstrained) writes without any catalog, so it is never told there is nothing left.
    // Nothing left to answer with: say why rather than relax the filter, and ask no backend.
    if (plan.sids > 0 && !(unconstrained && model) && left <= 0) return this.emptyAnswer(filter, platform, user, model, started, requestId);
    if (this.model && !model && backend !== "catalog") {
      // Configured but not there right now (its process restarting, no remote worker running).
      const reason = this.model.unavailableReason ?? "unavailable";
      this.options.metrics?.fallbacks.inc({ reason });
      notices.push(fallbackNotice(reason));
    }
    const history = model ? await this.fitHistory(task.history ?? [], user) : task.history;
    // Cheap to render, so always made: the logger drops it below LOG_LEVEL=debug.
    const segments = renderChatML([...(history ?? task.history ?? []), user], { systemPrompt: this.options.settings.systemPrompt });
    const prompt = promptText(segments);
    onPrompt?.(prompt, segments);
    this.logger.debug({ requestId, prompt }, "prompt");
    if (backend === "llama" && history === undefined) throw new ModelPromptTooLong();
    if (model && history === undefined)
      notices.push("Your message is too long for the model, so these picks come straight from the catalog.");
    if (model && history !== undefined) {
      const budget = AbortSignal.timeout(this.options.settings.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, budget]) : budget;
      try {
        const result = await this.runModel(
          model,
          { ...task, history },
          user,
          plan,
          filter.allowed,
          {
            signal: combined,
            onText,
            seed,
            ...(requestId ? { requestId } : {}),
            ...(conversationId ? { conversationId } : {}),
            ...(unconstrained ? { unconstrained } : {}),
          },
          started,
        );
        this.options.metrics?.generationSeconds.observe({ backend: "llama" }, result.timings.backendMs / 1000);
        this.options.metrics?.tokens.inc(result.timings.tokens);
        // A short list because the filter ran out, not because the model stopped: say so.
        const asked = task.k ?? plan.sids;
        if (filter.allowed && !unconstrained && result.items.length < asked && left < asked)
          result.notices.push(fewLeftNotice(left, platform, filter.listed));
        return result;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof EngineBusyError || backend === "llama") throw error;
        if (error instanceof EmptyModelAnswer) {
          this.options.metrics?.fallbacks.inc({ reason: "empty" });
          this.logger.warn({ kind: task.kind }, "the model's answer had no text; answering from the catalog");
          notices.push(MODEL_GAVE_NO_TEXT);
          return this.runCatalog(task, user, notices, onText, started, filter);
        }
        const timedOut = budget.aborted;
        const reason = timedOut ? "timeout" : error instanceof ModelUnavailableError ? error.reason : "error";
        this.options.metrics?.fallbacks.inc({ reason });
        this.logger.warn({ kind: task.kind, err: error, reason }, "model failed; answering from the catalog");
        notices.push(fallbackNotice(reason));
      }
    }
    return this.runCatalog(task, user, notices, onText, started, filter);
  }

  /** The answer when the request's filter leaves no item: no items, a notice saying why and what to do. */
  private emptyAnswer(
    filter: SubCatalog,
    platform: Platform | undefined,
    user: Turn,
    model: ModelBackend | undefined,
    started: number,
    requestId: string | undefined,
  ): EngineResult {
    const cause = filter.cause();
    this.logger.info({ requestId, platform: platform?.name, cause }, "the request's filter leaves no item");
    const notice = emptyFilterNotice(cause, platform, filter.listed);
    const totalMs = performance.now() - started;
    return {
      items: [],
      text: "",
      // The backend that would have answered.
      backend: model ? "llama" : "catalog",
      notices: [notice],
      timings: { totalMs, backendMs: 0, tokens: 0 },
      turns: { user, assistant: { role: "assistant", parts: [] } },
    };
  }

  /**
   * The newest turns of `history` that fit in the context together with the new turn and room
   * for the answer (`maxTokens`), counted with the model's tokenizer; undefined when the new
   * turn alone does not fit. A model without a local context (remote workers) fits it itself.
   */
  private async fitHistory(history: readonly Turn[], user: Turn): Promise<readonly Turn[] | undefined> {
    const context = this.model?.contextSize;
    if (context === undefined) return history;
    const fitted = await fitConversation({ turns: [...history, user], reserveTokens: this.options.settings.maxTokens }, context, (turns) =>
      this.countTokens(turns),
    );
    return fitted?.slice(0, -1);
  }

  async dispose(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    await model?.dispose();
  }

  private async runModel(
    model: ModelBackend,
    task: Task,
    user: Turn,
    plan: ReturnType<typeof buildUserTurn>["plan"],
    allowed: AllowedItems | undefined,
    { signal, onText, seed, requestId, conversationId, unconstrained }: RunOptions,
    started: number,
  ): Promise<EngineResult> {
    const settings = this.options.settings;
    const turns = [...(task.history ?? []), user];
    const segments = renderChatML(turns, { systemPrompt: settings.systemPrompt });
    // Remote workers render and fit the conversation themselves (they hold the tokenizer).
    const conversation = { turns, systemPrompt: settings.systemPrompt, reserveTokens: settings.maxTokens };
    const ids = {
      conversation,
      ...(requestId ? { requestId } : {}),
      ...(conversationId ? { conversationId } : {}),
      // Absent when every item is allowed (nothing to narrow) or the model writes freely.
      ...(allowed && !unconstrained ? { allowed } : {}),
    };
    const exclude = [...(task.items ?? []), ...(task.avoid ?? [])];
    const backendStart = performance.now();
    let parts: TurnPart[];
    let items: RecommendedItem[];
    let text: string;
    let tokens: number;
    let promptTokens: number | undefined;
    let written: string[] | undefined;
    if (task.ranked && plan.sids > 0 && !unconstrained) {
      const ranked = await model.rank({ segments, k: task.k ?? plan.sids, exclude, ...ids, ...(signal ? { signal } : {}) });
      items = ranked.map((r) => ({ ...toRecommended(r.item), score: r.probability }));
      parts = joinSids(ranked.map((r) => r.item));
      text = "";
      tokens = 0;
    } else {
      const sampling = { temperature: settings.temperature, topK: settings.topK, topP: settings.topP };
      const result = await model.generate({
        segments,
        plan,
        sampling,
        maxTokens: settings.maxTokens,
        exclude,
        signal,
        onText,
        ...ids,
        ...(seed !== undefined ? { seed } : {}),
        ...(unconstrained ? { unconstrained } : {}),
      });
      written = result.written;
      // Items are the SIDs the decoder wrote (each a catalog item), in order; never re-read from text.
      items = result.items.map(toRecommended);
      text = renderAnswerText(this.catalog.catalog, result.answer);
      if (!hasUsableText(text)) {
        // An explanation or a name with nothing to read, or an answer with nothing at all, is no
        // model answer: the catalog answers instead (see run). A list needs no text: drop the noise.
        if (plan.text && (task.kind === "explain" || task.kind === "bundle" || items.length === 0)) throw new EmptyModelAnswer(task.kind);
        text = "";
      }
      parts = result.parts;
      tokens = result.tokens;
      promptTokens = result.promptTokens;
    }
    const backendMs = performance.now() - backendStart;
    const timings = {
      totalMs: performance.now() - started,
      backendMs,
      tokens,
      ...(promptTokens !== undefined ? { promptTokens } : {}),
      ...(this.modelLoadReported ? {} : { modelLoadMs: model.loadMs }),
    };
    this.modelLoadReported = true;
    const turnsOut = { user, assistant: { role: "assistant" as const, parts } };
    return { items, text, backend: "llama", notices: [], timings, turns: turnsOut, ...(written ? { written } : {}) };
  }

  private runCatalog(
    task: Task,
    user: Turn,
    notices: string[],
    onText: TextStreamCallback | undefined,
    started: number,
    filter: SubCatalog,
  ): EngineResult {
    const backendStart = performance.now();
    // Without a filter the backend's own defaults apply (a filter widens its searches to find enough allowed items).
    const answer = filter.allowed ? this.catalogBackend.answer(task, filter.admits) : this.catalogBackend.answer(task);
    if (answer.text) onText?.(answer.text);
    const parts = joinSids(answer.items);
    if (answer.text) parts.push({ text: parts.length ? `\n${answer.text}` : answer.text });
    const backendMs = performance.now() - backendStart;
    this.options.metrics?.generationSeconds.observe({ backend: "catalog" }, backendMs / 1000);
    return {
      items: answer.items.map(toRecommended),
      text: answer.text,
      backend: "catalog",
      notices: [...notices, ...answer.notices],
      timings: { totalMs: performance.now() - started, backendMs, tokens: 0 },
      turns: { user, assistant: { role: "assistant", parts } },
    };
  }
}

/** Notices on catalog answers given because the model is not there right now. */
export const NO_WORKER = "No model worker is running right now, so these picks come straight from the catalog.";
export const MODEL_RESTARTING = "The model is restarting, so these picks come straight from the catalog.";
export const WORKERS_UNREACHABLE = "The model workers can't be reached right now, so these picks come straight from the catalog.";

/** What a catalog answer says, by why the model did not answer (the fallback metric's reason). */
function fallbackNotice(reason: string): string {
  switch (reason) {
    case "timeout":
      return "The model took too long, so these picks come straight from the catalog.";
    case "no-worker":
      return NO_WORKER;
    case "redis":
      return WORKERS_UNREACHABLE;
    case "unavailable":
      return MODEL_RESTARTING;
    default:
      return "The model had a problem, so these picks come straight from the catalog.";
  }
}

/** The notice on a catalog answer that replaced a model answer with no usable text. */
export const MODEL_GAVE_NO_TEXT = "The model's answer had no text, so this answer comes straight from the catalog.";

/** With a forced model backend: the request does not fit the model's context (no catalog fallback). */
class ModelPromptTooLong extends SidbotError {
  override name = "ModelPromptTooLong";
  constructor() {
    super("model_prompt_too_long", "the request is too long for the model's context");
  }
}

/** A model answer that needed text (an explanation, a bundle name) and has none worth showing. */
class EmptyModelAnswer extends SidbotError {
  override name = "EmptyModelAnswer";
  constructor(kind: string) {
    super("model_empty_answer", `the model's ${kind} answer had no usable text`);
  }
}

/** A catalog item as a reply shows it, with rating, price and picture when metadata was joined. */
export function toRecommended(item: CatalogItem): RecommendedItem {
  const base = { id: itemIdOf(item), sid: item.sid, title: item.title, match: "exact" as const, ...productDetails(item) };
  return item.platform ? { ...base, platform: item.platform } : base;
}

/** `sid, sid, sid` as the model writes a list. */
function joinSids(items: readonly CatalogItem[]): TurnPart[] {
  return items.flatMap((item, i) => (i === 0 ? [{ sid: item.sid }] : [{ text: ", " }, { sid: item.sid }]));
}
