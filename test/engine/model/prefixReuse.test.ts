import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { LlamaBackend } from "../../../src/engine/model/LlamaBackend.js";
import type { GenerateResult } from "../../../src/engine/model/ModelBackend.js";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../../../src/engine/prompts/renderChatML.js";
import type { Task, Turn } from "../../../src/engine/types.js";
import { layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { CARD_SAMPLING, fixtureModel, GREEDY } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
let catalog: Catalog;
let warm: LlamaBackend;
// The oracle: the old behaviour, every prompt evaluated from an empty sequence.
let cold: LlamaBackend;
const SYSTEM = "You recommend video games.";

beforeAll(async () => {
  catalog = (await loadCatalog(writeFixtureCatalog(dir, 3000, 5), layout)).catalog;
  const modelPath = await fixtureModel(dir);
  const options = { modelPath, catalog, gpu: false as const, threads: 1, sequences: 2, contextSize: 2048 };
  warm = await LlamaBackend.load(options);
  cold = await LlamaBackend.load({ ...options, reusePrefix: false });
}, 120_000);
afterAll(async () => {
  await warm?.dispose();
  await cold?.dispose();
});

function tasks(offset: number): Task[] {
  const item = (i: number) => catalog.items[(offset + i * 97) % catalog.size]!;
  return [
    { kind: "similar", items: [item(1)], k: 3 },
    { kind: "explain", items: [item(2)], text: "why would I like it?" },
    { kind: "similar", items: [item(3), item(4)], k: 5, platform: "Xbox" },
    { kind: "bundle", items: [item(5), item(6)] },
  ];
}

/** Tokens two prompts share at their start: what a follow-up can take over from the previous request at least. */
function sharedStart(a: readonly unknown[], b: readonly unknown[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Runs a conversation turn by turn (history = earlier turns), as the engine does. */
async function converse(
  backend: LlamaBackend,
  conversationId: string,
  offset: number,
  seed: number,
): Promise<(GenerateResult & { shared: number })[]> {
  const history: Turn[] = [];
  const results: (GenerateResult & { shared: number })[] = [];
  let previous: number[] = [];
  for (const [i, task] of tasks(offset).entries()) {
    const { turn, plan } = buildUserTurn(task);
    const sampling = i % 2 ? CARD_SAMPLING : GREEDY;
    const segments = renderChatML([...history, turn], { systemPrompt: SYSTEM });
    const result = await backend.generate({
      segments,
      plan,
      sampling,
      maxTokens: 40,
      exclude: task.items ?? [],
      seed: seed + i,
      conversationId,
    });
    const prompt = backend.tokenize(segments);
    results.push({ ...result, shared: sharedStart(previous, prompt) });
    previous = prompt;
    history.push(turn, { role: "assistant", parts: result.parts });
  }
  return results;
}

const answerOf = (r: GenerateResult) => ({
  parts: r.parts,
  items: r.items.map((i) => i.sid),
  tokens: r.tokens,
  promptTokens: r.promptTokens,
});

describe("multi-turn prefix reuse", () => {
  it("answers a conversation exactly as with every prompt evaluated from scratch", async () => {
    const reused = await converse(warm, "a", 0, 11);
    const fresh = await converse(cold, "a", 0, 11);
    expect(reused.map(answerOf)).toEqual(fresh.map(answerOf));
    expect(fresh.every((r) => r.reusedPromptTokens === 0)).toBe(true);
  });

  it("evaluates only the new part of a follow-up's prompt", async () => {
    const results = await converse(warm, "b", 500, 3);
    for (const [i, result] of results.entries()) {
      if (i === 0) continue;
      // The previous prompt is in the sequence: what it shares with this one is not evaluated again
      // (all of it but the empty think block that only the last assistant turn carries).
      expect(result.shared).toBeGreaterThan(results[i - 1]!.promptTokens / 2);
      expect(result.reusedPromptTokens).toBeGreaterThanOrEqual(result.shared);
      expect(result.reusedPromptTokens).toBeLessThan(result.promptTokens);
    }
  });

  it("keeps two interleaved conversations on their own sequences, answering as a cold run does", async () => {
    const turnsOf = (offset: number) => tasks(offset).map((task) => buildUserTurn(task));
    const conversations = [
      { id: "x", turns: turnsOf(1000), history: [] as Turn[], results: [] as GenerateResult[] },
      { id: "y", turns: turnsOf(2000), history: [] as Turn[], results: [] as GenerateResult[] },
    ];
    const run = async (backend: LlamaBackend) => {
      for (const c of conversations) [c.history, c.results] = [[], []];
      for (let step = 0; step < 4; step++) {
        for (const c of conversations) {
          const { turn, plan } = c.turns[step]!;
          const result = await backend.generate({
            segments: renderChatML([...c.history, turn], { systemPrompt: SYSTEM }),
            plan,
            sampling: GREEDY,
            maxTokens: 30,
            conversationId: c.id,
          });
          c.results.push(result);
          c.history.push(turn, { role: "assistant", parts: result.parts });
        }
      }
      return conversations.map((c) => c.results);
    };
    const warmResults = await run(warm);
    const coldResults = await run(cold);
    expect(warmResults.map((c) => c.map(answerOf))).toEqual(coldResults.map((c) => c.map(answerOf)));
    // Each follow-up found its own conversation's tokens (not the other one's, which share only the system prompt).
    const systemOnly = warm.tokenize(renderChatML([], { systemPrompt: SYSTEM })).length;
    for (const results of warmResults) {
      for (let i = 1; i < results.length; i++) expect(results[i]!.reusedPromptTokens).toBeGreaterThan(systemOnly);
    }
  });

  it("ranks with every prompt evaluated afresh (exact scores), leaving the prefix for the next follow-up", async () => {
    const first = buildUserTurn({ kind: "similar", items: [catalog.items[10]!], k: 5 });
    const firstAnswer = await warm.generate({
      segments: renderChatML([first.turn]),
      plan: first.plan,
      sampling: GREEDY,
      maxTokens: 30,
      conversationId: "r",
    });
    const follow = buildUserTurn({ kind: "similar", items: [catalog.items[11]!], k: 5 });
    const segments = renderChatML([first.turn, { role: "assistant", parts: firstAnswer.parts }, follow.turn]);
    const ranked = await warm.rank({ segments, k: 5, conversationId: "r" });
    const oracle = await cold.rank({ segments, k: 5 });
    expect(ranked.map((r) => [r.item.sid, r.probability])).toEqual(oracle.map((r) => [r.item.sid, r.probability]));
    const next = await warm.generate({ segments, plan: follow.plan, sampling: GREEDY, maxTokens: 30, conversationId: "r" });
    expect(next.reusedPromptTokens).toBe(next.promptTokens - 1);
  });
});
