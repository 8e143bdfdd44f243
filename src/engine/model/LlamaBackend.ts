/**
 * The in-process model backend: node-llama-cpp on a GGUF file (GPU when present, CPU otherwise),
 * one model per process, one context with several sequences so several conversations generate
 * at once. Sequences keep their evaluated tokens between requests (see {@link SequencePool});
 * the answer itself is written by the {@link ConstrainedDecoder}, rankings by {@link rankSids}.
 */
import { LRUCache } from "lru-cache";
import type { Llama, LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import { silentLogger, type Logger } from "../../util/logger.js";
import { allowedBitsKey, type AllowedItems } from "../catalog/AllowedItems.js";
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import { AllowedCounts } from "./AllowedCounts.js";
import { ConstrainedDecoder } from "./ConstrainedDecoder.js";
import { LevelGrammars } from "./LevelGrammars.js";
import { loadLlamaModel } from "./loadLlamaModel.js";
import type { GenerateRequest, GenerateResult, GpuSetting, ModelBackend, RankedItem, RankRequest } from "./ModelBackend.js";
import type { ModelTokens } from "./ModelTokens.js";
import { PromptTokenizer } from "./PromptTokenizer.js";
import { rankSids } from "./rankSids.js";
import { SequencePool } from "./SequencePool.js";
import { SidCodes } from "./SidCodes.js";
import { SidTrie } from "./SidTrie.js";

export type { GenerateRequest, GenerateResult, GpuSetting, RankedItem, RankRequest, SamplingOptions } from "./ModelBackend.js";

/**
 * The catalog the model decodes against: the bot's {@link Catalog} (answers carry its items), or
 * only its SID codes (the model's child process: answers carry SID-only items, see {@link SidCodes.item}).
 */
export type ModelCatalog = { catalog: Catalog } | { sids: SidCodes };

export type LlamaBackendOptions = ModelCatalog & {
  modelPath: string;
  /** @defaultValue "auto" (GPU when present) */
  gpu?: GpuSetting;
  /** CPU threads per evaluation; 1 suits a 2-core machine. @defaultValue 1 */
  threads?: number;
  /** Tokens per sequence. @defaultValue 4096 */
  contextSize?: number;
  /** Conversations that can generate at once. @defaultValue 2 */
  sequences?: number;
  /** Keep each sequence's evaluated tokens for the next request with the same prefix. @defaultValue true */
  reusePrefix?: boolean;
  signal?: AbortSignal;
  logger?: Logger;
};

// Filters in use at once (platforms, allow-lists, per-conversation exclusions): 4 bytes per
// catalog item each, so 16 filters of the 66k catalog hold about 4.2 MB.
const MAX_ALLOWED_FILTERS = 16;

export class LlamaBackend implements ModelBackend {
  /** In-process: available until disposed. */
  readonly available = true;
  private readonly trie: SidTrie;
  private readonly pool: SequencePool;
  private readonly prompts: PromptTokenizer;
  private readonly decoder: ConstrainedDecoder;
  /** Per-node counts of the sub-catalogs seen lately, by a hash of their bits. */
  private readonly allowedCounts = new LRUCache<string, AllowedCounts>({ max: MAX_ALLOWED_FILTERS });

  private constructor(
    private readonly llama: Llama,
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly tokens: ModelTokens,
    readonly sids: SidCodes,
    readonly loadMs: number,
    reusePrefix: boolean,
    private readonly itemAt: (index: number) => CatalogItem,
  ) {
    this.trie = new SidTrie(sids);
    this.pool = new SequencePool(
      Array.from({ length: context.totalSequences }, () => context.getSequence()),
      reusePrefix,
    );
    this.prompts = new PromptTokenizer(model, tokens, sids.layout);
    this.decoder = new ConstrainedDecoder(model, tokens, sids.layout, this.trie, new LevelGrammars(llama, tokens), itemAt);
  }

  /** Loads the model; a missing or corrupt file is a {@link ModelLoadError} with one clear message. */
  static async load(options: LlamaBackendOptions): Promise<LlamaBackend> {
    const {
      modelPath,
      gpu = "auto",
      threads = 1,
      contextSize = 4096,
      sequences = 2,
      reusePrefix = true,
      signal,
      logger = silentLogger,
    } = options;
    const started = performance.now();
    const sids = "catalog" in options ? SidCodes.fromCatalog(options.catalog) : options.sids;
    const { llama, model, context, tokens } = await loadLlamaModel({
      modelPath,
      layout: sids.layout,
      gpu,
      threads,
      contextSize,
      sequences,
      signal,
      logger,
    });
    let itemAt = (index: number) => sids.item(index);
    if ("catalog" in options) {
      const inSidOrder = [...options.catalog.inSidOrder()];
      itemAt = (index) => inSidOrder[index]!;
    }
    return new LlamaBackend(llama, model, context, tokens, sids, performance.now() - started, reusePrefix, itemAt);
  }

  get sequences(): number {
    return this.context.totalSequences;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** Token count of a prompt, for trimming conversation memory to the context budget. */
  tokenCount(segments: readonly PromptSegment[]): number {
    return this.tokenize(segments).length;
  }

  async countTokens(segments: readonly PromptSegment[]): Promise<number> {
    return this.tokenCount(segments);
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const allowed = request.unconstrained ? undefined : this.countsOf(request.allowed);
    const prompt = this.tokenize(request.segments);
    const { sequence, pending, reused } = await this.pool.acquire(prompt, request.conversationId, request.signal);
    let failed = true;
    try {
      const result = await this.decoder.generate(sequence, pending, request, allowed);
      failed = false;
      return { ...result, promptTokens: prompt.length, reusedPromptTokens: reused };
    } finally {
      await this.pool.release(sequence, { failed });
    }
  }

  /** Top-K catalog items by exact model probability: a beam over the SID trie. */
  async rank({
    segments,
    k,
    beamWidth = Math.max(k, 8),
    exclude = [],
    allowed,
    signal,
    conversationId,
  }: RankRequest): Promise<RankedItem[]> {
    const counts = this.countsOf(allowed);
    const prompt = [...this.tokenize(segments), this.tokens.get("<|sid_start|>")];
    // Scores are reported as they are: the same request must score the same whatever ran before.
    const { sequence, pending } = await this.pool.acquire(prompt, conversationId, signal, { fresh: true });
    let failed = true;
    try {
      const exclusions = this.decoder.exclusionsFor(exclude, counts);
      const ranked = await rankSids({
        sequence,
        pending,
        k,
        beamWidth,
        exclusions,
        trie: this.trie,
        tokens: this.tokens,
        layout: this.sids.layout,
        signal,
        itemAt: this.itemAt,
      });
      failed = false;
      return ranked;
    } finally {
      await this.pool.release(sequence, { failed });
    }
  }

  /**
   * The counts of a sub-catalog, built on first use (one pass over the catalog) and kept per
   * content: cached by a hash of the bits received, not the sender's key, which another bot or a
   * restarted one may have used for other bits (hashing 8 KB is far cheaper than a wrong answer).
   * Bits that do not fit this catalog are a {@link ModelRequestError}, before any model work.
   */
  countsOf(allowed: AllowedItems | undefined): AllowedCounts | undefined {
    if (!allowed) return undefined;
    const key = allowedBitsKey(allowed.bits);
    let counts = this.allowedCounts.get(key);
    if (!counts) {
      counts = new AllowedCounts(allowed, this.sids.size);
      this.allowedCounts.set(key, counts);
    }
    return counts;
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  /** Prompt segments → tokens. Typed text is tokenized as plain text only. */
  tokenize(segments: readonly PromptSegment[]): Token[] {
    return this.prompts.tokenize(segments);
  }

  /** Plain-text tokens; a `<` starts a new piece so no user-defined token (`<think>`) can form. */
  plainText(text: string): Token[] {
    return this.prompts.plainText(text);
  }
}
