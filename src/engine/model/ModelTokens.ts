import type { LlamaModel, Token } from "node-llama-cpp";
import { ModelLoadError } from "../../errors.js";
import type { SidLayout } from "../sid/SidLayout.js";

const NAMED = ["<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|rec|>", "<|sid_start|>", "<|sid_end|>"] as const;
export type NamedToken = (typeof NAMED)[number];

/**
 * The model's ids for the chat and semantic-ID tokens, resolved from its own vocabulary (the
 * real model has `<|rec|>` = 151669 …; the fixture has them elsewhere). Fails clearly when the
 * model lacks them: it is then not a semantic-ID model.
 */
export class ModelTokens {
  private readonly named = new Map<NamedToken, Token>();
  /** Token id of `<|sid_N|>` at index N. */
  private readonly sidIds: Token[] = [];
  private readonly sidNumberById = new Map<Token, number>();

  constructor(
    model: LlamaModel,
    readonly layout: SidLayout,
    modelPath: string,
  ) {
    const single = (text: string): Token => {
      const tokens = model.tokenize(text, true);
      if (tokens.length !== 1) throw new ModelLoadError(modelPath, missingTokenMessage(modelPath, text));
      return tokens[0]!;
    };
    for (const name of NAMED) this.named.set(name, single(name));
    for (let n = 0; n < layout.tokenCount; n++) {
      const id = single(`<|sid_${n}|>`);
      this.sidIds.push(id);
      this.sidNumberById.set(id, n);
    }
  }

  get(name: NamedToken): Token {
    return this.named.get(name)!;
  }

  /** Token of a code at a level. */
  sid(level: number, code: number): Token {
    return this.sidIds[this.layout.tokenNumber(level, code)]!;
  }

  /** N of `<|sid_N|>` for a token id, or undefined for other tokens. */
  sidNumber(token: Token): number | undefined {
    return this.sidNumberById.get(token);
  }

  /** Every `<|sid_N|>` token, `<|sid_end|>` and `<|rec|>`: tokens free text must not contain. */
  strayTokens(): Token[] {
    return [...this.sidIds, this.get("<|sid_end|>"), this.get("<|rec|>")];
  }
}

/** Every token text a semantic-ID model with this layout must have. */
export function requiredTokens(layout: SidLayout): string[] {
  return [...NAMED, ...Array.from({ length: layout.tokenCount }, (_, n) => `<|sid_${n}|>`)];
}

export function missingTokenMessage(modelPath: string, token: string): string {
  return `${modelPath} has no ${token} token: is it the semantic-ID model (its card lists the added tokens)?`;
}
