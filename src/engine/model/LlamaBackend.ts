/**
 * The model backend: node-llama-cpp on a GGUF file (GPU when present, CPU otherwise), one model
 * per process, one context with several sequences so several conversations generate at once.
 *
 * Generation alternates two phases. Free text is sampled by llama.cpp with stray SID tokens
 * forbidden. When the model opens a SID (`<|sid_start|>`), each level is chosen by us from the
 * model's probabilities over the codes the catalog trie allows, skipping subtrees whose items are
 * all taken — so every SID is a catalog item and the answer's items are distinct, by construction.
 */
import { getLlama, LlamaGrammar, LlamaGrammarEvaluationState, LlamaLogLevel, TokenBias, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token } from "node-llama-cpp";
import { ModelLoadError } from "../../errors.js";
import { silentLogger, type Logger } from "../../util/logger.js";
import { seededRandom, type Random } from "../../util/random.js";
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import type { ConversationPrompt } from "../prompts/fitConversation.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import type { AnswerPlan } from "../prompts/buildUserTurn.js";
import type { TextStreamCallback, TurnPart } from "../types.js";
import { checkGgufHeader } from "./checkGgufHeader.js";
import { OutputBuilder, type AnswerPart } from "./OutputBuilder.js";
import type { ModelBackend } from "./ModelBackend.js";
import { ModelTokens } from "./ModelTokens.js";
import { Pool } from "./Pool.js";
import { SidExclusions, SidTrie, type SidTrieNode } from "./SidTrie.js";

export interface SamplingOptions {
  /** 0 = always the most likely token. */
  temperature: number;
  topK: number;
  topP: number;
}

export type GpuSetting = "auto" | false | "cuda" | "vulkan" | "metal";

export interface LlamaBackendOptions {
  modelPath: string;
  catalog: Catalog;
  /** @defaultValue "auto" (GPU when present) */
  gpu?: GpuSetting;
  /** CPU threads per evaluation; 1 suits a 2-core machine. @defaultValue 1 */
  threads?: number;
  /** Tokens per sequence. @defaultValue 4096 */
  contextSize?: number;
  /** Conversations that can generate at once. @defaultValue 2 */
  sequences?: number;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface GenerateRequest {
  segments: readonly PromptSegment[];
  plan: AnswerPlan;
  sampling: SamplingOptions;
  /** Most tokens to generate. */
  maxTokens: number;
  /** Items that must not be answered (the ones the user named). */
  exclude?: readonly CatalogItem[];
  seed?: number;
  signal?: AbortSignal;
  onText?: TextStreamCallback;
  /** The conversation behind `segments`, for backends that render and fit it themselves (remote workers). */
  conversation?: ConversationPrompt;
  /** The bot's request id (the remote job id). */
  requestId?: string;
}

export interface GenerateResult {
  /** The assistant turn as written: SIDs and text. */
  parts: TurnPart[];
  /** Every SID decoded (constrained to the catalog), in the order written: the answer's items. */
  items: CatalogItem[];
  /** The answer's free text with the SIDs the model wrote inside it, without our list separators. */
  answer: AnswerPart[];
  /** The free text alone (no SIDs). */
  text: string;
  /** Tokens appended after the prompt (sampled and forced). */
  tokens: number;
  promptTokens: number;
}

export interface RankRequest {
  segments: readonly PromptSegment[];
  k: number;
  /** Prefixes kept per level. @defaultValue max(k, 8) */
  beamWidth?: number;
  exclude?: readonly CatalogItem[];
  signal?: AbortSignal;
  conversation?: ConversationPrompt;
  requestId?: string;
}

export interface RankedItem {
  item: CatalogItem;
  /** Model probability of the whole SID given the prompt. */
  probability: number;
}

// Grammars of recently used trie nodes (the root's is used by every SID).
const GRAMMAR_CACHE_SIZE = 4096;

export class LlamaBackend implements ModelBackend {
  /** In-process: available until disposed. */
  readonly available = true;
  private readonly trie: SidTrie;
  private readonly grammars = new Map<SidTrieNode, LlamaGrammar>();
  private readonly pool: Pool<LlamaContextSequence>;
  private readonly freeTextBias: TokenBias;

  private constructor(
    private readonly llama: Llama,
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly tokens: ModelTokens,
    readonly catalog: Catalog,
    readonly loadMs: number,
  ) {
    this.trie = new SidTrie(catalog);
    this.pool = new Pool(Array.from({ length: context.totalSequences }, () => context.getSequence()));
    this.freeTextBias = new TokenBias(model.tokenizer);
    this.freeTextBias.set(tokens.strayTokens(), "never");
  }

  /** Loads the model; a missing or corrupt file is a {@link ModelLoadError} with one clear message. */
  static async load({ modelPath, catalog, gpu = "auto", threads = 1, contextSize = 4096, sequences = 2, signal, logger = silentLogger }: LlamaBackendOptions): Promise<LlamaBackend> {
    const started = performance.now();
    const problem = await checkGgufHeader(modelPath);
    if (problem) throw new ModelLoadError(modelPath, `cannot load model ${modelPath}: ${problem}`);
    let llama: Llama | undefined;
    try {
      // Never build or download at run time: the prebuilt binaries ship in the npm package.
      llama = await getLlama({
        gpu,
        build: "never",
        skipDownload: true,
        progressLogs: false,
        logLevel: LlamaLogLevel.warn,
        // llama.cpp's own lines go to our log (debug): the load error we throw says what matters.
        logger: (level, message) => logger.debug({ level, source: "llama.cpp" }, message.trim()),
      });
      const model = await llama.loadModel({ modelPath, loadSignal: signal });
      try {
        const tokens = new ModelTokens(model, catalog.layout, modelPath);
        const context = await model.createContext({ contextSize, sequences, threads, createSignal: signal });
        return new LlamaBackend(llama, model, context, tokens, catalog, performance.now() - started);
      } catch (error) {
        await model.dispose();
        throw error;
      }
    } catch (error) {
      await llama?.dispose().catch(() => {});
      if (error instanceof ModelLoadError) throw error;
      throw new ModelLoadError(modelPath, `cannot load model ${modelPath}: ${describeLoadError(error)}`, { cause: error });
    }
  }

  get sequences(): number {
    return this.context.totalSequences;
  }

  /** Token count of a prompt, for trimming conversation memory to the context budget. */
  tokenCount(segments: readonly PromptSegment[]): number {
    return this.tokenize(segments).length;
  }

  async countTokens(segments: readonly PromptSegment[]): Promise<number> {
    return this.tokenCount(segments);
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const { signal } = request;
    const sequence = await this.pool.acquire(signal);
    try {
      return await this.generateOn(sequence, request);
    } finally {
      await this.releaseSequence(sequence);
    }
  }

  /** Top-K catalog items by exact model probability: a beam over the SID trie. */
  async rank({ segments, k, beamWidth = Math.max(k, 8), exclude = [], signal }: RankRequest): Promise<RankedItem[]> {
    const sequence = await this.pool.acquire(signal);
    try {
      const prompt = [...this.tokenize(segments), this.tokens.get("<|sid_start|>")];
      const first = await this.probabilitiesAfter(sequence, prompt);
      const base = sequence.nextTokenIndex;
      const exclusions = this.exclusionsFor(exclude);
      let beam = [{ codes: [] as number[], node: this.trie.root, logp: 0, probabilities: first }];
      const levels = this.catalog.layout.levels;
      for (let level = 0; level < levels; level++) {
        signal?.throwIfAborted();
        const candidates: typeof beam = [];
        for (const entry of beam) {
          for (const code of exclusions.open(entry.node)) {
            const p = entry.probabilities.get(this.tokens.sid(level, code)) ?? 0;
            candidates.push({ codes: [...entry.codes, code], node: entry.node.children.get(code)!, logp: entry.logp + Math.log(p), probabilities: new Map() });
          }
        }
        candidates.sort((a, b) => b.logp - a.logp);
        beam = candidates.slice(0, level === levels - 1 ? k : beamWidth);
        if (level === levels - 1) break;
        for (const entry of beam) {
          const path = entry.codes.map((code, l) => this.tokens.sid(l, code));
          entry.probabilities = await this.probabilitiesAfter(sequence, path);
          await sequence.eraseContextTokenRanges([{ start: base, end: sequence.nextTokenIndex }]);
        }
      }
      return beam.filter((e) => e.node.item).map((e) => ({ item: e.node.item!, probability: Math.exp(e.logp) }));
    } finally {
      await this.releaseSequence(sequence);
    }
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  private async generateOn(sequence: LlamaContextSequence, request: GenerateRequest): Promise<GenerateResult> {
    const { plan, sampling, maxTokens, signal, onText } = request;
    const random = seededRandom(request.seed ?? Math.floor(Math.random() * 2 ** 31));
    const exclusions = this.exclusionsFor(request.exclude ?? []);
    const prompt = this.tokenize(request.segments);
    const out = new OutputBuilder((tokens) => this.model.detokenize(tokens, false), onText);
    let pending: Token[] = prompt;

    for (let i = 0; i < plan.sids && out.tokens < maxTokens; i++) {
      signal?.throwIfAborted();
      const separator = i > 0 ? ", " : "";
      const opener = [...this.model.tokenize(separator, false), this.tokens.get("<|sid_start|>")];
      out.force(opener, separator);
      const sid = await this.decodeSid(sequence, [...pending, ...opener], exclusions, sampling, random, signal);
      if (!sid) break; // every catalog item is taken
      out.addSid(sid.item, sid.tokens);
      pending = sid.pending;
    }

    if (plan.text) {
      const seed = random.int(2 ** 31);
      while (out.tokens < maxTokens) {
        const next = await this.freeText(sequence, pending, out, maxTokens, sampling, seed, signal);
        if (next.kind === "end") break;
        // The model opened a SID: finish it under the catalog constraint, then go on writing.
        const sid = await this.decodeSid(sequence, next.pending, exclusions, sampling, random, signal);
        if (!sid) break;
        out.addSid(sid.item, sid.tokens, { inText: true });
        pending = sid.pending;
      }
    }
    return { ...out.result(), promptTokens: prompt.length };
  }

  /**
   * Chooses one catalog SID level by level. `pending` ends with `<|sid_start|>`. At each level a
   * one-rule grammar lists the codes still open there, so llama.cpp samples (temperature, top-k,
   * top-p) among catalog-valid tokens only; a level with one open code is written directly.
   * Returns the item, its code tokens plus `<|sid_end|>` (for the transcript), and the tokens
   * still to evaluate; undefined when no free item is left.
   */
  private async decodeSid(
    sequence: LlamaContextSequence,
    pending: Token[],
    exclusions: SidExclusions,
    { temperature, topK, topP }: SamplingOptions,
    random: Random,
    signal: AbortSignal | undefined,
  ): Promise<{ item: CatalogItem; tokens: Token[]; pending: Token[] } | undefined> {
    if (exclusions.remaining(this.trie.root) === 0) return undefined;
    const chosen: Token[] = [];
    const codes: number[] = [];
    let node: SidTrieNode = this.trie.root;
    let input = pending;
    for (let level = 0; level < this.catalog.layout.levels; level++) {
      signal?.throwIfAborted();
      const open = exclusions.open(node);
      let token: Token;
      if (open.length === 1) {
        token = this.tokens.sid(level, open[0]!);
      } else {
        const grammarEvaluationState = new LlamaGrammarEvaluationState({ model: this.model, grammar: this.levelGrammar(level, node, open) });
        const generator = sequence.evaluate(input, { temperature, topK, topP, seed: random.int(2 ** 31), grammarEvaluationState, yieldEogToken: true });
        const step = await generator.next();
        await generator.return(undefined);
        if (step.done) throw new Error("generation ended inside a SID");
        token = step.value;
        input = [];
      }
      const number = this.tokens.sidNumber(token);
      const code = number === undefined ? undefined : number - this.catalog.layout.tokenNumber(level, 0);
      if (code === undefined || !open.includes(code)) throw new Error(`the grammar let through token ${token} at level ${level + 1}`);
      codes.push(code);
      chosen.push(token);
      input = [...input, token];
      node = node.children.get(code)!;
    }
    exclusions.add(codes);
    const sidEnd = this.tokens.get("<|sid_end|>");
    return { item: node.item!, tokens: [...chosen, sidEnd], pending: [...input, sidEnd] };
  }

  /** `root ::= <[id]> | <[id]> …` for the open codes at a trie node; cached while nothing below it is taken. */
  private levelGrammar(level: number, node: SidTrieNode, open: readonly number[]): LlamaGrammar {
    const complete = open.length === node.children.size;
    const cached = complete ? this.grammars.get(node) : undefined;
    if (cached) return cached;
    const grammar = new LlamaGrammar(this.llama, { grammar: `root ::= ${open.map((code) => `<[${this.tokens.sid(level, code)}]>`).join(" | ")}` });
    if (complete) {
      if (this.grammars.size >= GRAMMAR_CACHE_SIZE) this.grammars.delete(this.grammars.keys().next().value!);
      this.grammars.set(node, grammar);
    }
    return grammar;
  }

  /** Samples free text until the end of the answer, the token budget, or a `<|sid_start|>`. */
  private async freeText(
    sequence: LlamaContextSequence,
    pending: Token[],
    out: OutputBuilder,
    maxTokens: number,
    { temperature, topK, topP }: SamplingOptions,
    seed: number,
    signal: AbortSignal | undefined,
  ): Promise<{ kind: "end" } | { kind: "sid"; pending: Token[] }> {
    const sidStart = this.tokens.get("<|sid_start|>");
    const imStart = this.tokens.get("<|im_start|>");
    for await (const token of sequence.evaluate(pending, { temperature, topK, topP, seed, tokenBias: this.freeTextBias, yieldEogToken: true })) {
      signal?.throwIfAborted();
      if (this.model.isEogToken(token) || token === imStart) return { kind: "end" };
      if (token === sidStart) {
        out.force([sidStart]);
        return { kind: "sid", pending: [sidStart] };
      }
      out.addText(token);
      if (out.tokens >= maxTokens) return { kind: "end" };
    }
    return { kind: "end" };
  }

  private async probabilitiesAfter(sequence: LlamaContextSequence, tokens: Token[]): Promise<Map<Token, number>> {
    const input = [...tokens.slice(0, -1), [tokens.at(-1)!, { generateNext: { probabilities: true } }] as [Token, { generateNext: { probabilities: true } }]];
    const results = await sequence.controlledEvaluate(input);
    return results.at(-1)?.next.probabilities ?? new Map();
  }

  private exclusionsFor(items: readonly CatalogItem[]): SidExclusions {
    const exclusions = new SidExclusions(this.trie);
    for (const item of items) exclusions.add(item.codes);
    return exclusions;
  }

  /** Prompt segments → tokens. Typed text is tokenized as plain text only. */
  tokenize(segments: readonly PromptSegment[]): Token[] {
    const out: Token[] = [];
    for (const segment of segments) {
      if ("special" in segment) out.push(...this.special(segment.special));
      else if ("sid" in segment) out.push(...this.sidTokens(segment.sid));
      else out.push(...this.plainText(segment.text));
    }
    return out;
  }

  /** Plain-text tokens; a `<` starts a new piece so no user-defined token (`<think>`) can form. */
  plainText(text: string): Token[] {
    if (!text.includes("<")) return this.model.tokenize(text, false);
    return text.split(/(?=<)/).flatMap((piece) => (piece.length > 1 ? [...this.model.tokenize("<", false), ...this.model.tokenize(piece.slice(1), false)] : this.model.tokenize(piece, false)));
  }

  private special(text: string): Token[] {
    const tokens = this.model.tokenize(text, true);
    if (tokens.length !== 1) throw new Error(`not a single special token: ${text}`);
    return tokens;
  }

  private sidTokens(sid: string): Token[] {
    const parsed = this.catalog.layout.parse(sid);
    if (!parsed.ok) return this.plainText(sid); // never promote an invalid SID to special tokens
    return [this.tokens.get("<|sid_start|>"), ...parsed.codes.map((code, level) => this.tokens.sid(level, code)), this.tokens.get("<|sid_end|>")];
  }

  private async releaseSequence(sequence: LlamaContextSequence): Promise<void> {
    try {
      await sequence.clearHistory();
    } finally {
      this.pool.release(sequence);
    }
  }
}

function describeLoadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT|no such file|does not exist/i.test(message)) return "file not found";
  if (/magic|gguf|invalid|failed to load/i.test(message)) return `not a valid GGUF model (${message})`;
  return message;
}
