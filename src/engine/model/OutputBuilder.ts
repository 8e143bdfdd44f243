/**
 * Collects one generated answer: the transcript as the model wrote it (SIDs, separators, text),
 * the items, the free text (without the separators we inserted), and streams text as it grows.
 */
import type { Token } from "node-llama-cpp";
import type { CatalogItem } from "../catalog/Catalog.js";
import { stripThinking } from "../sid/sidText.js";
import type { TextStreamCallback, TurnPart } from "../types.js";

export class OutputBuilder {
  readonly parts: TurnPart[] = [];
  readonly items: CatalogItem[] = [];
  /** Tokens appended after the prompt, sampled or inserted. */
  tokens = 0;
  private textTokens: Token[] = [];
  private generatedText: string[] = [];
  private streamed = "";

  constructor(
    private readonly detokenize: (tokens: Token[]) => string,
    private readonly onText: TextStreamCallback | undefined,
  ) {}

  /** Tokens we inserted (separators, `<|sid_start|>`); `text` is their visible part in the transcript. */
  force(tokens: Token[], text = ""): void {
    this.flushText();
    this.tokens += tokens.length;
    if (text) this.parts.push({ text });
  }

  addSid(item: CatalogItem, tokens: Token[]): void {
    this.flushText();
    this.tokens += tokens.length;
    this.items.push(item);
    this.parts.push({ sid: item.sid });
  }

  addText(token: Token): void {
    this.tokens++;
    this.textTokens.push(token);
    if (!this.onText) return;
    const text = this.detokenize(this.textTokens);
    // Hold back an incomplete UTF-8 sequence until its last byte arrives.
    if (text.endsWith("\uFFFD") || text.length <= this.streamed.length) return;
    this.onText(text.slice(this.streamed.length));
    this.streamed = text;
  }

  result(): { parts: TurnPart[]; items: CatalogItem[]; text: string; tokens: number } {
    this.flushText();
    return { parts: this.parts, items: this.items, text: stripThinking(this.generatedText.join("")).trim(), tokens: this.tokens };
  }

  private flushText(): void {
    if (this.textTokens.length === 0) return;
    const text = this.detokenize(this.textTokens);
    this.parts.push({ text });
    this.generatedText.push(text);
    this.textTokens = [];
    this.streamed = "";
  }
}
