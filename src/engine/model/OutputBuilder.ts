/**
 * Collects one generated answer: the transcript as the model wrote it (SIDs, separators, text),
 * the items in the order they were decoded, the answer proper (free text and the SIDs the model
 * opened inside it, without the list separators we inserted), and streams text as it grows.
 *
 * Text is decoded from whole runs of tokens (never token by token), so a character whose UTF-8
 * bytes span several tokens comes out whole; bytes that never form a character (an answer cut
 * off inside one, or invalid bytes) are dropped instead of showing as U+FFFD.
 */
import type { Token } from "node-llama-cpp";
import type { CatalogItem } from "../catalog/Catalog.js";
import { stripThinking } from "../sid/sidText.js";
import type { TextStreamCallback, TurnPart } from "../types.js";
import type { AnswerPart } from "./ModelBackend.js";

export type { AnswerPart };

const REPLACEMENT = /\uFFFD/g;
const TRAILING_REPLACEMENTS = /\uFFFD+$/;

/**
 * Text of a decoded token run without replacement characters: trailing ones are an incomplete
 * character (its remaining bytes have not come, or never will), others are invalid bytes.
 */
export function cleanDecodedText(decoded: string): string {
  return decoded.replace(TRAILING_REPLACEMENTS, "").replace(REPLACEMENT, "");
}

/** How a SID written inside the answer's text streams: its title, quoted. */
export function sidInText(title: string): string {
  return `"${title}"`;
}

export class OutputBuilder {
  readonly parts: TurnPart[] = [];
  readonly items: CatalogItem[] = [];
  /** Free text and the SIDs written inside it, in order. */
  readonly answer: AnswerPart[] = [];
  /** Tokens appended after the prompt, sampled or inserted. */
  tokens = 0;
  private textTokens: Token[] = [];
  private generatedText: string[] = [];
  private streamed = "";

  /** `streamSid` streams a SID written inside the text (by default its quoted title, to `onText`). */
  constructor(
    private readonly detokenize: (tokens: Token[]) => string,
    private readonly onText: TextStreamCallback | undefined,
    private readonly streamSid: (item: CatalogItem) => void = (item) => onText?.(sidInText(item.title)),
  ) {}

  /** Tokens we inserted (separators, `<|sid_start|>`); `text` is their visible part in the transcript. */
  force(tokens: Token[], text = ""): void {
    this.flushText();
    this.tokens += tokens.length;
    if (text) this.parts.push({ text });
  }

  /**
   * A decoded SID. `inText`: the model opened it while writing free text (it is part of the
   * answer's text, streamed as its title), rather than in the list we asked for.
   */
  addSid(item: CatalogItem, tokens: Token[], { inText = false }: { inText?: boolean } = {}): void {
    this.flushText();
    this.tokens += tokens.length;
    this.items.push(item);
    this.parts.push({ sid: item.sid });
    if (inText) {
      this.answer.push({ sid: item.sid });
      this.streamSid(item);
    }
  }

  addText(token: Token): void {
    this.tokens++;
    this.textTokens.push(token);
    if (!this.onText) return;
    // Hold back an incomplete UTF-8 sequence until its last byte arrives; never stream U+FFFD.
    const text = cleanDecodedText(this.detokenize(this.textTokens));
    if (text.length <= this.streamed.length || !text.startsWith(this.streamed)) return;
    this.onText(text.slice(this.streamed.length));
    this.streamed = text;
  }

  result(): { parts: TurnPart[]; items: CatalogItem[]; answer: AnswerPart[]; text: string; tokens: number } {
    this.flushText();
    return {
      parts: this.parts,
      items: this.items,
      answer: this.answer,
      text: stripThinking(this.generatedText.join("")).trim(),
      tokens: this.tokens,
    };
  }

  private flushText(): void {
    if (this.textTokens.length === 0) return;
    const text = cleanDecodedText(this.detokenize(this.textTokens));
    // Whatever was held back while streaming (an unfinished character) never completes now.
    if (this.onText && text.length > this.streamed.length && text.startsWith(this.streamed)) this.onText(text.slice(this.streamed.length));
    if (text) {
      this.parts.push({ text });
      this.answer.push({ text });
      this.generatedText.push(text);
    }
    this.textTokens = [];
    this.streamed = "";
  }
}
