/**
 * Renders turns in Qwen3's ChatML with thinking disabled: each turn is
 * `<|im_start|>{role}\n{content}<|im_end|>\n`, and the assistant turn is pre-filled with an empty
 * think block `<think>\n\n</think>\n\n`, exactly as Qwen3's template does with enable_thinking=false.
 * Earlier assistant turns are rendered without reasoning, as the template does for history.
 * The result is a list of segments so typed text is never parsed for special tokens.
 */
import type { Turn, TurnPart } from "../types.js";

export type PromptSegment = { special: string } | { text: string } | { sid: string };

export interface RenderOptions {
  /** Optional system prompt; the card's examples use none. */
  systemPrompt?: string | null;
}

export function renderChatML(turns: readonly Turn[], { systemPrompt }: RenderOptions = {}): PromptSegment[] {
  const out: PromptSegment[] = [];
  const open = (role: string) => out.push({ special: "<|im_start|>" }, { text: `${role}\n` });
  const close = () => out.push({ special: "<|im_end|>" }, { text: "\n" });
  if (systemPrompt) {
    open("system");
    out.push({ text: systemPrompt });
    close();
  }
  for (const turn of turns) {
    open(turn.role);
    for (const part of turn.role === "assistant" ? withoutReasoning(turn.parts) : turn.parts) {
      if ("sid" in part) out.push({ sid: part.sid });
      else if ("rec" in part) out.push({ special: "<|rec|>" });
      else out.push({ text: part.text });
    }
    close();
  }
  open("assistant");
  out.push({ special: "<think>" }, { text: "\n\n" }, { special: "</think>" }, { text: "\n\n" });
  return out;
}

/**
 * Qwen3's template renders an assistant turn that comes before the last user message as the text
 * after its last `</think>`, leading newlines removed: earlier reasoning never re-enters the prompt.
 */
function withoutReasoning(parts: readonly TurnPart[]): readonly TurnPart[] {
  const last = parts.findLastIndex((p) => "text" in p && p.text.includes("</think>"));
  if (last < 0) return parts;
  const cut = parts[last] as { text: string };
  const rest: TurnPart[] = [{ text: cut.text.slice(cut.text.lastIndexOf("</think>") + "</think>".length) }, ...parts.slice(last + 1)];
  while (rest.length > 0 && "text" in rest[0]!) {
    const text = rest[0].text.replace(/^\n+/, "");
    if (text !== "") {
      rest[0] = { text };
      break;
    }
    rest.shift();
  }
  return rest;
}

/** The prompt as one string, for logs, snapshots and comparison with the model's template. */
export function promptText(segments: readonly PromptSegment[]): string {
  return segments.map((s) => ("special" in s ? s.special : "sid" in s ? s.sid : s.text)).join("");
}
