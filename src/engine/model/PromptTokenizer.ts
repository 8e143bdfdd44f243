/** Prompt segments → model tokens: typed text stays plain text, the bot's SIDs and control tokens become special tokens. */
import type { LlamaModel, Token } from "node-llama-cpp";
import type { SidLayout } from "../sid/SidLayout.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import { ModelPromptError } from "./modelErrors.js";
import type { ModelTokens } from "./ModelTokens.js";

export class PromptTokenizer {
  constructor(
    private readonly model: LlamaModel,
    private readonly tokens: ModelTokens,
    private readonly layout: SidLayout,
  ) {}

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
    return text.split(/(?=<)/).flatMap((piece) =>
      // Only a piece that starts with `<` gives it its own token; the text before the first `<` stays whole.
      piece.startsWith("<") && piece.length > 1
        ? [...this.model.tokenize("<", false), ...this.model.tokenize(piece.slice(1), false)]
        : this.model.tokenize(piece, false),
    );
  }

  private special(text: string): Token[] {
    const tokens = this.model.tokenize(text, true);
    if (tokens.length !== 1) throw new ModelPromptError(`not a single special token: ${text}`);
    return tokens;
  }

  private sidTokens(sid: string): Token[] {
    const parsed = this.layout.parse(sid);
    if (!parsed.ok) return this.plainText(sid); // never promote an invalid SID to special tokens
    return [
      this.tokens.get("<|sid_start|>"),
      ...parsed.codes.map((code, level) => this.tokens.sid(level, code)),
      this.tokens.get("<|sid_end|>"),
    ];
  }
}
