/**
 * Generation on one context sequence, in two alternating phases. Free text is sampled by
 * llama.cpp with stray SID tokens forbidden. When the model opens a SID (`<|sid_start|>`), each
 * level is chosen from the model's probabilities over the codes the catalog trie allows,
 * skipping subtrees whose allowed items (the request's sub-catalog) are all taken — so every SID
 * is an allowed catalog item and the answer's items are distinct, by construction. When nothing
 * allowed is left, no SID is written: the list stops and free text may not open one.
 *
 * `unconstrained` requests write each SID with no trie at all (see {@link sampleFreeSid}): what
 * the raw model writes, kept in `written`, for measuring its invalid-SID rate.
 */
import { LlamaGrammarEvaluationState, TokenBias, type LlamaContextSequence, type LlamaModel, type Token } from "node-llama-cpp";
import { seededRandom, type Random } from "../../util/random.js";
import type { CatalogItem } from "../catalog/Catalog.js";
import type { AllowedCounts } from "./AllowedCounts.js";
import type { SidLayout } from "../sid/SidLayout.js";
import type { LevelGrammars } from "./LevelGrammars.js";
import type { GenerateRequest, GenerateResult, SamplingOptions } from "./ModelBackend.js";
import { ModelDecodeError } from "./modelErrors.js";
import type { ModelTokens } from "./ModelTokens.js";
import { OutputBuilder } from "./OutputBuilder.js";
import { sampleFreeSid } from "./sampleFreeSid.js";
import { SidExclusions, type SidTrie, type SidTrieNode } from "./SidTrie.js";

export class ConstrainedDecoder {
  private readonly freeTextBias: TokenBias;
  /** Free text once no allowed item is left: not even `<|sid_start|>`. */
  private readonly noSidBias: TokenBias;

  constructor(
    private readonly model: LlamaModel,
    private readonly tokens: ModelTokens,
    private readonly layout: SidLayout,
    private readonly trie: SidTrie,
    private readonly grammars: LevelGrammars,
    /** The catalog item behind a SID's index in the trie's codes. */
    private readonly itemAt: (index: number) => CatalogItem,
  ) {
    this.freeTextBias = new TokenBias(model.tokenizer);
    this.freeTextBias.set(tokens.strayTokens(), "never");
    this.noSidBias = new TokenBias(model.tokenizer);
    this.noSidBias.set([...tokens.strayTokens(), tokens.get("<|sid_start|>")], "never");
  }

  /** A fresh record of the items taken in one answer (within `allowed`), starting with `items`. */
  exclusionsFor(items: readonly CatalogItem[], allowed?: AllowedCounts): SidExclusions {
    const exclusions = new SidExclusions(this.trie, allowed);
    for (const item of items) exclusions.add(item.codes);
    return exclusions;
  }

  /**
   * Writes the answer on `sequence`; `pending` are the prompt tokens it has not evaluated yet,
   * `allowed` the counts of the request's sub-catalog (absent = the whole catalog).
   */
  async generate(
    sequence: LlamaContextSequence,
    pendingPrompt: Token[],
    request: GenerateRequest,
    allowed?: AllowedCounts,
  ): Promise<Omit<GenerateResult, "promptTokens">> {
    const { plan, sampling, maxTokens, signal, onText } = request;
    const random = seededRandom(request.seed ?? Math.floor(Math.random() * 2 ** 31));
    const free = request.unconstrained === true;
    const exclusions = free ? undefined : this.exclusionsFor(request.exclude ?? [], allowed);
    const written: string[] = [];
    const { onSid } = request;
    const out = new OutputBuilder((tokens) => this.model.detokenize(tokens, false), onText, onSid && ((item) => onSid(item.sid)));
    const nothingLeft = () => exclusions !== undefined && exclusions.remaining(this.trie.root) === 0;

    /** Writes the SID the model opened (`pending` ends with `<|sid_start|>`); the tokens still to evaluate. */
    const writeSid = async (pending: Token[], inText: boolean): Promise<Token[] | undefined> => {
      if (exclusions) {
        const sid = await this.decodeSid(sequence, pending, exclusions, sampling, random, signal);
        if (sid) out.addSid(sid.item, sid.tokens, { inText });
        return sid?.pending;
      }
      const sid = await sampleFreeSid(sequence, pending, {
        tokens: this.tokens,
        detokenize: (tokens) => this.model.detokenize(tokens, true),
        levels: this.layout.levels,
        sampling,
        seed: random.int(2 ** 31),
        signal,
      });
      written.push(sid.text);
      const item = this.catalogItem(sid.text);
      // A malformed SID is kept in `written` only: the transcript holds what can be read back.
      if (item) out.addSid(item, sid.tokens, { inText });
      else out.force(sid.tokens);
      return sid.pending;
    };

    let pending = pendingPrompt;
    for (let i = 0; i < plan.sids && out.tokens < maxTokens && !nothingLeft(); i++) {
      signal?.throwIfAborted();
      const separator = i > 0 ? ", " : "";
      const opener = [...this.model.tokenize(separator, false), this.tokens.get("<|sid_start|>")];
      out.force(opener, separator);
      const next: Token[] | undefined = await writeSid([...pending, ...opener], false);
      if (!next) break;
      pending = next;
    }

    if (plan.text) {
      const seed = random.int(2 ** 31);
      while (out.tokens < maxTokens) {
        const bias = nothingLeft() ? this.noSidBias : this.freeTextBias;
        const next = await this.freeText(sequence, pending, out, maxTokens, sampling, seed, bias, signal);
        if (next.kind === "end") break;
        // The model opened a SID: finish it (under the catalog constraint unless unconstrained), then go on writing.
        const after: Token[] | undefined = await writeSid(next.pending, true);
        if (!after) break;
        pending = after;
      }
    }
    return { ...out.result(), ...(free ? { written } : {}) };
  }

  /** The catalog item a SID written out in full names, if any. */
  private catalogItem(sid: string): CatalogItem | undefined {
    const parsed = this.layout.parse(sid);
    const node = parsed.ok ? this.trie.find(parsed.codes) : undefined;
    const index = node === undefined ? undefined : this.trie.itemIndex(node);
    return index === undefined ? undefined : this.itemAt(index);
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
    for (let level = 0; level < this.layout.levels; level++) {
      signal?.throwIfAborted();
      const open = exclusions.open(node);
      let token: Token;
      if (open.length === 1) {
        token = this.tokens.sid(level, open[0]!);
      } else {
        const grammarEvaluationState = new LlamaGrammarEvaluationState({
          model: this.model,
          grammar: this.grammars.for(level, open, node, open.length === this.trie.childRange(node).count),
        });
        const generator = sequence.evaluate(input, {
          temperature,
          topK,
          topP,
          seed: random.int(2 ** 31),
          grammarEvaluationState,
          yieldEogToken: true,
        });
        const step = await generator.next();
        await generator.return(undefined);
        if (step.done) throw new ModelDecodeError("generation ended inside a SID");
        token = step.value;
        input = [];
      }
      const number = this.tokens.sidNumber(token);
      const code = number === undefined ? undefined : number - this.layout.tokenNumber(level, 0);
      if (code === undefined || !open.includes(code))
        throw new ModelDecodeError(`the grammar let through token ${token} at level ${level + 1}`);
      codes.push(code);
      chosen.push(token);
      input = [...input, token];
      node = this.trie.child(node, code)!;
    }
    exclusions.add(codes);
    const sidEnd = this.tokens.get("<|sid_end|>");
    return { item: this.itemAt(this.trie.itemIndex(node)!), tokens: [...chosen, sidEnd], pending: [...input, sidEnd] };
  }

  /** Samples free text until the end of the answer, the token budget, or a `<|sid_start|>`. */
  private async freeText(
    sequence: LlamaContextSequence,
    pending: Token[],
    out: OutputBuilder,
    maxTokens: number,
    { temperature, topK, topP }: SamplingOptions,
    seed: number,
    tokenBias: TokenBias,
    signal: AbortSignal | undefined,
  ): Promise<{ kind: "end" } | { kind: "sid"; pending: Token[] }> {
    const sidStart = this.tokens.get("<|sid_start|>");
    const imStart = this.tokens.get("<|im_start|>");
    for await (const token of sequence.evaluate(pending, {
      temperature,
      topK,
      topP,
      seed,
      tokenBias,
      yieldEogToken: true,
    })) {
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
}
