/**
 * `unconstrained` generation: SIDs written with no trie. On the fixture model (random weights)
 * the SIDs it writes are checked with this file's own parser and a lookup in the catalog file's
 * rows; a scripted sequence (the model's tokens chosen here) covers the valid ones, which random
 * weights never write.
 */
import { readFileSync } from "node:fs";
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { ConstrainedDecoder } from "../../../src/engine/model/ConstrainedDecoder.js";
import { LevelGrammars } from "../../../src/engine/model/LevelGrammars.js";
import type { LlamaBackend } from "../../../src/engine/model/LlamaBackend.js";
import { SidTrie } from "../../../src/engine/model/SidTrie.js";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../../../src/engine/prompts/renderChatML.js";
import { layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { fixtureBackend } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
let catalogPath: string;
let catalog: Catalog;
let backend: LlamaBackend;
/** The oracle: the SIDs of the catalog file, read here. */
let catalogSids: Set<string>;

beforeAll(async () => {
  catalogPath = writeFixtureCatalog(dir, 300, 11);
  catalogSids = new Set(
    readFileSync(catalogPath, "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { semantic_id: string }).semantic_id),
  );
  catalog = (await loadCatalog(catalogPath, layout)).catalog;
  backend = await fixtureBackend(dir, catalog);
}, 120_000);
afterAll(async () => {
  await backend?.dispose();
});

/** This file's SID check: 4 level tokens, level k in 256k…256k+255, closed, and in the catalog file. */
function isCatalogSid(text: string): boolean {
  const match = /^<\|sid_start\|>((?:<\|sid_\d+\|>)*)<\|sid_end\|>$/.exec(text);
  if (!match) return false;
  const numbers = [...match[1]!.matchAll(/<\|sid_(\d+)\|>/g)].map((m) => Number(m[1]));
  return numbers.length === 4 && numbers.every((n, level) => n >= 256 * level && n < 256 * (level + 1)) && catalogSids.has(text);
}

const SPAN = /^<\|sid_start\|>(?:<\|sid_\d+\|>)*(?:<\|sid_end\|>)?$/;

describe("unconstrained generation on the fixture model", () => {
  it("writes SIDs freely: `written` holds each as written (repeats kept), `items` exactly the catalog ones", async () => {
    let invalid = 0;
    let repeats = 0;
    let total = 0;
    for (let i = 0; i < 30; i++) {
      const kind = i % 3 === 2 ? "explain" : "similar";
      const { turn, plan } = buildUserTurn({ kind, items: [catalog.items[i]!], k: 5 });
      const sampling = i % 2 ? { temperature: 1, topK: 50, topP: 1 } : { temperature: 0, topK: 20, topP: 0.7 };
      const result = await backend.generate({
        segments: renderChatML([turn]),
        plan,
        sampling,
        maxTokens: 60,
        unconstrained: true,
        seed: i,
      });
      const written = result.written!;
      expect(written).toBeDefined();
      if (plan.sids > 0) expect(written).toHaveLength(plan.sids);
      for (const sid of written) expect(sid).toMatch(SPAN);
      expect(result.items.map((item) => item.sid)).toEqual(written.filter(isCatalogSid));
      invalid += written.filter((sid) => !isCatalogSid(sid)).length;
      repeats += written.length - new Set(written).size;
      total += written.length;
    }
    // Random weights: most of what the raw model writes is no catalog SID, and it repeats itself.
    expect(invalid).toBeGreaterThan(total / 2);
    expect(repeats).toBeGreaterThan(0);
  });

  it("constrained generation of the same requests writes catalog SIDs only and reports no `written`", async () => {
    const { turn, plan } = buildUserTurn({ kind: "similar", items: [catalog.items[0]!], k: 5 });
    const result = await backend.generate({
      segments: renderChatML([turn]),
      plan,
      sampling: { temperature: 0, topK: 20, topP: 0.7 },
      maxTokens: 60,
    });
    expect(result.written).toBeUndefined();
    expect(result.items.map((item) => item.sid).filter(isCatalogSid)).toHaveLength(5);
  });
});

describe("unconstrained generation with scripted model tokens", () => {
  it("keeps valid SIDs as items, in order with repeats, and malformed ones as written only", async () => {
    const tokens = backend.tokens;
    const sid = (...numbers: number[]) => numbers.map((n) => tokens.sid(0, n)); // token number n (level 0 + n)
    const [a, b] = [catalog.items[3]!, catalog.items[200]!];
    const codesOf = (codes: readonly number[]) => codes.map((code, level) => tokens.sid(level, code));
    const end = tokens.get("<|sid_end|>");
    const text = backend.model.tokenize("hi", false)[0]!;
    // One list answer of 6 SIDs, as the scripted "model" writes them after each forced `<|sid_start|>`.
    const spans: Token[][] = [
      [...codesOf(a.codes), end], // valid
      [...codesOf([a.codes[0]!, a.codes[1]!, a.codes[2]!]), end], // 3 levels
      [...codesOf(a.codes), end], // valid again: a repeat
      [...sid(5, 300, 600, 800), end], // wrong level ranges
      [...codesOf(b.codes), text], // no <|sid_end|>: broken by text
      [...codesOf(b.codes), end], // valid
    ];
    let span = 0;
    const sequence = {
      // Each call after a forced opener plays the next span, token by token.
      async *evaluate() {
        for (const token of spans[span++]!) yield token;
      },
    } as unknown as LlamaContextSequence;
    const decoder = new ConstrainedDecoder(
      backend.model,
      tokens,
      layout,
      new SidTrie(backend.sids),
      new LevelGrammars(backend.model.llama, tokens),
      (index) => [...catalog.inSidOrder()][index]!,
    );
    const result = await decoder.generate(sequence, [], {
      segments: [],
      plan: { sids: 6, text: false },
      sampling: { temperature: 0, topK: 20, topP: 0.7 },
      maxTokens: 100,
      unconstrained: true,
    });
    const expectedWritten = spans.map((s) => backend.model.detokenize([tokens.get("<|sid_start|>"), ...s.filter((t) => t !== text)], true));
    expect(result.written).toEqual(expectedWritten);
    expect(result.written!.map(isCatalogSid)).toEqual([true, false, true, false, false, true]);
    expect(result.items.map((item) => item.sid)).toEqual([a.sid, a.sid, b.sid]);
    expect(result.written![4]).toBe(`<|sid_start|>${b.sid.slice("<|sid_start|>".length, -"<|sid_end|>".length)}`);
  });
});
