/**
 * Finding SIDs in free text and cleaning model output. The patterns follow the seed card's Python
 * code: `\d` there matches any Unicode decimal digit, hence `\p{Nd}` here.
 */
import { SID_END, SID_START } from "./SidLayout.js";

/** The seed's `<\|sid_start\|>(?:<\|sid_\d+\|>)+<\|sid_end\|>`. */
export const SID_PATTERN_SOURCE = String.raw`<\|sid_start\|>(?:<\|sid_\p{Nd}+\|>)+<\|sid_end\|>`;
const LEVEL_TOKEN = /<\|sid_\p{Nd}+\|>/gu;

export interface SidMention {
  /** The SID exactly as written in the text. */
  text: string;
  /** Offset of the first character in the searched text (UTF-16 units). */
  index: number;
}

/** Every SID in `text`, in order, duplicates included (Python `re.findall`). */
export function findSids(text: string): SidMention[] {
  const pattern = new RegExp(SID_PATTERN_SOURCE, "gu");
  return Array.from(text.matchAll(pattern), (m) => ({ text: m[0], index: m.index }));
}

/** The level tokens of a SID as written, like the seed's `parse_semantic_id`. */
export function sidLevelTokens(sid: string): string[] {
  const inner = sid.replaceAll(SID_START, "").replaceAll(SID_END, "");
  return inner.match(LEVEL_TOKEN) ?? [];
}

const CONTROL_TOKENS = ["<think>", "</think>", "<|im_end|>", "<|im_start|>", "<|endoftext|>"] as const;

/** Removes think tags and chat control tokens from model output; SIDs and `<|rec|>` are kept. */
export function stripControlTokens(text: string): string {
  let out = text;
  for (const token of CONTROL_TOKENS) out = out.replaceAll(token, "");
  return out;
}

/** Removes whole `<think>…</think>` blocks (and an unterminated trailing one), then control tokens. */
export function stripThinking(text: string): string {
  return stripControlTokens(text.replace(/<think>[\s\S]*?(<\/think>|$)/g, ""));
}
