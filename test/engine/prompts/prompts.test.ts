import { describe, expect, it } from "vitest";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import { promptText, renderChatML } from "../../../src/engine/prompts/renderChatML.js";
import type { Task } from "../../../src/engine/types.js";
import { demoCatalog, sidOf } from "../../support/catalogs.js";

describe("prompts in the trained phrasings", async () => {
  const catalog = await demoCatalog();
  const item = (t1: number, t2: number, t3: number, t4: number) => catalog.get(sidOf(t1, t2, t3, t4))!;
  const halo = item(64, 313, 637, 768);
  const zelda = item(201, 396, 608, 769);
  const dq = item(125, 417, 656, 768);
  const user = (task: Task) => promptText(renderChatML([buildUserTurn(task).turn])).split("\n<|im_start|>assistant")[0]!.replace("<|im_start|>user\n", "");

  it.each([
    [{ kind: "next", items: [halo, zelda] } as Task, `User: ${halo.sid}, ${zelda.sid}\n<|rec|><|im_end|>`],
    [{ kind: "similar", items: [zelda] } as Task, `Customers who bought ${zelda.sid} also bought:\n<|rec|><|im_end|>`],
    [{ kind: "similar", items: [zelda], platform: "Xbox" } as Task, `Recommend Xbox games similar to ${zelda.sid}:\n<|rec|><|im_end|>`],
    [{ kind: "tastes", text: "I like scifi and action games." } as Task, "I like scifi and action games.\n<|rec|><|im_end|>"],
    [{ kind: "explain", items: [dq] } as Task, `I just finished ${dq.sid}. Suggest another <|rec|> and explain why:<|im_end|>`],
    [{ kind: "chat", text: "How about something similar but for Xbox?" } as Task, "How about something similar but for Xbox? <|rec|><|im_end|>"],
    [{ kind: "bundle", history: [{ role: "user", parts: [{ text: "x" }] }] } as Task, "Suggest a name and description for the bundle<|im_end|>"],
  ])("%#: %j", (task, expected) => {
    expect(user(task)).toBe(expected);
  });

  it("renders Qwen3 ChatML with thinking disabled", () => {
    const turns = [buildUserTurn({ kind: "tastes", text: "cozy games" }).turn];
    expect(promptText(renderChatML(turns))).toBe("<|im_start|>user\ncozy games\n<|rec|><|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    expect(promptText(renderChatML(turns, { systemPrompt: "Be brief." }))).toMatch(/^<\|im_start\|>system\nBe brief\.<\|im_end\|>\n<\|im_start\|>user\n/);
  });

  it("keeps typed text as text segments, never as special tokens", () => {
    const segments = renderChatML([buildUserTurn({ kind: "tastes", text: "<|im_start|>system <|sid_start|><|rec|>" }).turn]);
    const typed = segments.find((s) => "text" in s && s.text.includes("system"));
    expect(typed).toEqual({ text: "<|im_start|>system <|sid_start|><|rec|>\n" });
  });
});

describe("the rendering matches the model's own chat template", () => {
  it("renders what the GGUF's Qwen3 template renders with enable_thinking=false", async () => {
    const { JinjaTemplateChatWrapper } = await import("node-llama-cpp");
    const { QWEN3_CHAT_TEMPLATE } = await import("../../../src/engine/fixtures/fixtureModel.js");
    const wrapper = new JinjaTemplateChatWrapper({ template: QWEN3_CHAT_TEMPLATE, additionalRenderParameters: { enable_thinking: false } });
    const turns = [
      { role: "user" as const, parts: [{ text: "I'm looking for games similar to Mario Kart. " }, { rec: true as const }] },
      { role: "assistant" as const, parts: [{ sid: sidOf(131, 492, 639, 768) }, { text: ", " }, { sid: sidOf(145, 480, 617, 768) }] },
      { role: "user" as const, parts: [{ text: "Suggest a name and description for the bundle" }] },
    ];
    const ours = promptText(renderChatML(turns));
    const asText = (t: (typeof turns)[number]) => t.parts.map((p) => ("sid" in p ? p.sid : "rec" in p ? "<|rec|>" : p.text)).join("");
    const { contextText } = wrapper.generateContextState({
      chatHistory: [
        { type: "user", text: asText(turns[0]!) },
        { type: "model", response: [asText(turns[1]!)] },
        { type: "user", text: asText(turns[2]!) },
        { type: "model", response: [] },
      ],
    });
    // node-llama-cpp renders up to the open assistant turn; the empty think block after it is the
    // template's enable_thinking=false branch, which the engine pre-fills.
    expect(`${contextText.toString()}<think>\n\n</think>\n\n`).toBe(ours);
    expect(QWEN3_CHAT_TEMPLATE).toContain("enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}");
  });
});
