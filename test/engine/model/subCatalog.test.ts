/**
 * Sub-catalogs on the real node-llama-cpp with the fixture model: generation and ranking only
 * ever answer with allowed items. The oracle is the set of SIDs (or the platform) each test
 * chooses itself, checked against the items the backend returns.
 */
import type { Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllowedItems } from "../../../src/engine/catalog/AllowedItems.js";
import type { Catalog, CatalogItem } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import type { LlamaBackend } from "../../../src/engine/model/LlamaBackend.js";
import { ModelRequestError } from "../../../src/engine/model/modelErrors.js";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../../../src/engine/prompts/renderChatML.js";
import { TASK_KINDS } from "../../../src/engine/types.js";
import { seededRandom } from "../../../src/util/random.js";
import { layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { CARD_SAMPLING, fixtureBackend, GREEDY } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
let catalog: Catalog;
let inSidOrder: CatalogItem[];
let backend: LlamaBackend;

beforeAll(async () => {
  catalog = (await loadCatalog(writeFixtureCatalog(dir, 66_097, 7), layout)).catalog;
  inSidOrder = [...catalog.inSidOrder()];
  backend = await fixtureBackend(dir, catalog);
}, 120_000);
afterAll(async () => {
  await backend?.dispose();
});

/** The bits of a set of SIDs, written here bit by bit (not with the project's helper). */
function allowedOf(key: string, sids: ReadonlySet<string>): AllowedItems {
  const bits = new Uint8Array(Math.ceil(inSidOrder.length / 8));
  inSidOrder.forEach((item, position) => {
    if (sids.has(item.sid)) bits[position >> 3]! |= 1 << (position & 7);
  });
  return { key, bits, count: sids.size };
}

function randomSubset(seed: number, share: number): Set<string> {
  const random = seededRandom(seed);
  return new Set(catalog.items.filter(() => random.chance(share)).map((item) => item.sid));
}

async function answer(i: number, allowed: AllowedItems, exclude: CatalogItem[] = [], kind = TASK_KINDS[i % TASK_KINDS.length]!) {
  const random = seededRandom(1000 + i);
  const { turn, plan } = buildUserTurn({ kind, items: [random.pick(catalog.items)], k: 1 + random.int(5), text: "something fun" });
  const result = await backend.generate({
    segments: renderChatML([turn]),
    plan,
    sampling: i % 2 ? CARD_SAMPLING : GREEDY,
    maxTokens: 40,
    exclude,
    allowed,
    seed: i,
  });
  const sids = result.parts.flatMap((p) => ("sid" in p ? [p.sid] : []));
  return { result, plan, sids };
}

describe("generation within a sub-catalog", () => {
  it("a random 10% sub-catalog, across 120 seeds and all task kinds: only allowed items, never excluded ones", async () => {
    const chosen = randomSubset(5, 0.1);
    const allowed = allowedOf("random-10", chosen);
    const allowedItems = catalog.items.filter((item) => chosen.has(item.sid));
    let written = 0;
    for (let i = 0; i < 120; i++) {
      // Half the requests exclude allowed items (they must stay out) and items outside the sub-catalog.
      const exclude = i % 2 ? [allowedItems[(i * 37) % allowedItems.length]!, catalog.items[i]!] : [];
      const { result, plan, sids } = await answer(i, allowed, exclude);
      for (const sid of sids) expect(chosen.has(sid), `seed ${i}: ${sid} is not allowed`).toBe(true);
      expect(sids.filter((sid) => exclude.some((e) => e.sid === sid))).toEqual([]);
      expect(result.items.map((it) => it.sid)).toEqual(sids);
      if (plan.sids > 0) expect(result.items.length).toBe(plan.sids);
      written += sids.length;
    }
    expect(written).toBeGreaterThan(150);
  });

  it("a one-item sub-catalog answers with that item once, and with it excluded writes no SID at all", async () => {
    const only = inSidOrder[4321]!;
    const allowed = allowedOf("one", new Set([only.sid]));
    for (let i = 0; i < 24; i++) {
      const { sids } = await answer(i, allowed);
      expect(sids.every((sid) => sid === only.sid)).toBe(true);
      expect(sids.length).toBeLessThanOrEqual(1);
    }
    const list = await answer(1, allowed, [], "similar");
    expect(list.plan.sids).toBeGreaterThan(1);
    // One SID and nothing after it: no list separator, no opener left open.
    expect(list.result.parts).toEqual([{ sid: only.sid }]);
    for (let i = 0; i < 24; i++) {
      const { result, sids } = await answer(i, allowed, [only]);
      expect(sids).toEqual([]);
      expect(result.items).toEqual([]);
      // No dangling list separator or opener in the transcript.
      expect(result.parts.filter((p) => "text" in p && p.text === ", ")).toEqual([]);
    }
  });

  it("an empty sub-catalog writes no SID, for lists and for free text, and nothing crashes", async () => {
    const allowed = allowedOf("none", new Set());
    for (let i = 0; i < 12; i++) {
      const { result, sids } = await answer(i, allowed);
      expect(sids).toEqual([]);
      expect(result.answer.filter((a) => "sid" in a)).toEqual([]);
    }
  });

  it("a platform's sub-catalog, across 100 seeds: every item is on that platform", async () => {
    const counts = new Map<string, number>();
    for (const item of catalog.items) if (item.platform) counts.set(item.platform, (counts.get(item.platform) ?? 0) + 1);
    // The smallest platform with some room: the hardest to hit by chance.
    const [platform] = [...counts].filter(([, n]) => n >= 20).sort((a, b) => a[1] - b[1])[0]!;
    const allowed = allowedOf(`platform:${platform}`, new Set(catalog.items.filter((it) => it.platform === platform).map((it) => it.sid)));
    let written = 0;
    for (let i = 0; i < 100; i++) {
      const { result } = await answer(i, allowed);
      for (const item of result.items) expect(catalog.get(item.sid)?.platform, `seed ${i}`).toBe(platform);
      written += result.items.length;
    }
    expect(written).toBeGreaterThan(100);
  });

  it("a key reused for other bits (another count) is not answered from the old filter's counts", async () => {
    const first = new Set(inSidOrder.slice(100, 110).map((item) => item.sid));
    const second = new Set(inSidOrder.slice(30_000, 30_003).map((item) => item.sid));
    const one = await answer(0, allowedOf("reused", first), [], "similar");
    expect(one.sids.every((sid) => first.has(sid))).toBe(true);
    const two = await answer(0, allowedOf("reused", second), [], "similar");
    expect(two.sids.length).toBeGreaterThan(0);
    expect(two.sids.every((sid) => second.has(sid))).toBe(true);
  });

  it("a key reused for other bits with the same count (another bot, a restart) is answered from the new bits", async () => {
    const first = new Set(inSidOrder.slice(200, 204).map((item) => item.sid));
    const second = new Set(inSidOrder.slice(40_000, 40_004).map((item) => item.sid));
    const one = await answer(0, allowedOf("platform=PC;allow=*;deny=*", first), [], "similar");
    expect(one.sids.length).toBeGreaterThan(0);
    expect(one.sids.every((sid) => first.has(sid))).toBe(true);
    const two = await answer(0, allowedOf("platform=PC;allow=*;deny=*", second), [], "similar");
    expect(two.sids.length).toBeGreaterThan(0);
    expect(two.sids.every((sid) => second.has(sid))).toBe(true);
  });

  it("refuses bits sized for another catalog with a clear error, and goes on serving", async () => {
    const { turn, plan } = buildUserTurn({ kind: "similar", items: [catalog.items[0]!] });
    const bad = { key: "stale", bits: new Uint8Array(10), count: 3 };
    const request = { segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 30 };
    await expect(backend.generate({ ...request, allowed: bad })).rejects.toBeInstanceOf(ModelRequestError);
    await expect(backend.rank({ segments: request.segments, k: 3, allowed: bad })).rejects.toThrow(/stale.*expected 8263/);
    expect((await backend.generate(request)).items).toHaveLength(3);
  });
});

describe("ranking within a sub-catalog", () => {
  it("ranks only allowed items, with the probabilities a brute-force scoring of every allowed SID gives", async () => {
    const random = seededRandom(77);
    const chosen = new Set(Array.from({ length: 14 }, () => random.pick(catalog.items).sid));
    const excluded = catalog.get([...chosen][0]!)!;
    const allowed = allowedOf("tiny", chosen);
    const { turn } = buildUserTurn({ kind: "similar", items: [catalog.items[9]!] });
    const segments = renderChatML([turn]);
    const ranked = await backend.rank({ segments, k: 5, beamWidth: 64, allowed, exclude: [excluded] });

    // The oracle: every allowed SID but the excluded one, scored token by token on a context of its own.
    const context = await backend.model.createContext({ contextSize: 1024, sequences: 1, threads: 1 });
    const scored: { sid: string; probability: number }[] = [];
    try {
      const sequence = context.getSequence();
      const prompt = [...backend.tokenize(segments), backend.tokens.get("<|sid_start|>")];
      for (const sid of chosen) {
        if (sid === excluded.sid) continue;
        const codes = catalog.get(sid)!.codes;
        const path = codes.map((code, level) => backend.tokens.sid(level, code));
        await sequence.clearHistory();
        const asked = (token: Token) =>
          [token, { generateNext: { probabilities: true } }] as [Token, { generateNext: { probabilities: true } }];
        const input = [...prompt.slice(0, -1), asked(prompt.at(-1)!), ...path.slice(0, -1).map(asked)];
        const results = await sequence.controlledEvaluate(input);
        let probability = 1;
        for (const [level, token] of path.entries()) probability *= results[prompt.length - 1 + level]?.next.probabilities?.get(token) ?? 0;
        scored.push({ sid, probability });
      }
    } finally {
      await context.dispose();
    }
    scored.sort((a, b) => b.probability - a.probability);
    const expected = scored.slice(0, 5);
    expect(ranked.map((r) => r.item.sid)).toEqual(expected.map((e) => e.sid));
    for (const [i, r] of ranked.entries()) expect(r.probability / expected[i]!.probability).toBeCloseTo(1, 2);
  });

  it("returns fewer than K when the sub-catalog holds fewer, and none when it is used up", async () => {
    const two = [inSidOrder[10]!, inSidOrder[50_000]!];
    const allowed = allowedOf("two", new Set(two.map((it) => it.sid)));
    const { turn } = buildUserTurn({ kind: "similar", items: [catalog.items[3]!] });
    const segments = renderChatML([turn]);
    const ranked = await backend.rank({ segments, k: 5, allowed });
    expect(ranked.map((r) => r.item.sid).sort()).toEqual(two.map((it) => it.sid).sort());
    expect(await backend.rank({ segments, k: 5, allowed, exclude: two })).toEqual([]);
  });
});
