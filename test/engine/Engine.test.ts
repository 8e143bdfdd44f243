import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../src/config.js";
import { Engine } from "../../src/engine/Engine.js";
import { openCatalog } from "../../src/engine/catalog/openCatalog.js";
import type { GenerateRequest, ModelBackend, RankRequest } from "../../src/engine/model/ModelBackend.js";
import { fixtureModel } from "../support/models.js";
import { tempDir } from "../support/tempDir.js";

const dir = tempDir();
const config = (overrides: Record<string, string> = {}): Config => loadConfig({ env: overrides });
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.dispose();
});
async function engine(overrides: Record<string, string> = {}) {
  const e = await Engine.create(config(overrides));
  engines.push(e);
  return e;
}
const byTitle = async (e: Engine, title: string) => e.catalog.titles.search(title)[0]!.item;

describe("Engine with the catalog backend (no model)", async () => {
  const e = await engine();

  it("answers similar-to from SID neighbours (deeper shared prefix first), one edition per game, labelled", async () => {
    const halo = await byTitle(e, "Halo 3");
    const result = await e.run({ kind: "similar", items: [halo] });
    expect(result.backend).toBe("catalog");
    // Halo Reach shares two SID levels with Halo 3; its Legendary Edition is the same game, not a second pick.
    expect(result.items.map((i) => i.title)).toEqual([
      "Halo Reach - Limited Edition -Xbox 360",
      "Fallout: New Vegas - Xbox 360 Ultimate Edition",
      "Tales of Vesperia - Xbox 360",
    ]);
    expect(result.items.every((i) => i.match === "exact")).toBe(true);
    expect(result.turns.user.parts).toEqual([
      { text: "Customers who bought " },
      { sid: halo.sid },
      { text: " also bought:\n" },
      { rec: true },
    ]);
  });

  it("steers by platform family", async () => {
    const kart = await byTitle(e, "Mario Kart");
    const result = await e.run({ kind: "similar", items: [kart], platform: "Xbox" });
    expect(result.items.length).toBe(3);
    expect(result.items.every((i) => i.platform?.startsWith("Xbox"))).toBe(true);
  });

  it("matches tastes against titles and metadata", async () => {
    const result = await e.run({ kind: "tastes", text: "I like cute animal games" });
    expect(result.items.map((i) => i.title)).toContain("Animal Crossing: New Leaf");
    const racing = await e.run({ kind: "tastes", text: "racing games for xbox", platform: "Xbox" });
    expect(racing.items.length).toBeGreaterThan(0);
    expect(racing.items.every((i) => i.platform === "Xbox 360")).toBe(true);
  });

  it("explains and names bundles without a model", async () => {
    const dq = await byTitle(e, "Dragon Quest Heroes II");
    const explained = await e.run({ kind: "explain", items: [dq] });
    expect(explained.items).toHaveLength(1);
    expect(explained.text).toMatch(/^If you liked Dragon Quest Heroes II, try /);
    const racers = e.catalog.titles
      .search("xbox 360")
      .filter((h) => /Forza|NASCAR|Need for Speed/.test(h.item.title))
      .map((h) => h.item);
    const bundle = await e.run({ kind: "bundle", items: racers });
    expect(bundle.text).toMatch(/^Xbox 360 Racing Collection — three racing games for Xbox 360: /);
  });

  it("returns nothing (not an error) when nothing matches", async () => {
    const result = await e.run({ kind: "tastes", text: "zzqx plorb" });
    expect(result.items).toEqual([]);
  });
});

describe("Engine with the fixture model", async () => {
  const modelPath = await fixtureModel(dir);

  it("answers with the model and reports timings", async () => {
    const e = await engine({ MODEL_PATH: modelPath, MODEL_GPU: "off" });
    expect(e.backend).toBe("llama");
    const halo = await byTitle(e, "Halo 3");
    const first = await e.run({ kind: "similar", items: [halo] }, { seed: 1 });
    expect(first.backend).toBe("llama");
    expect(first.items).toHaveLength(3);
    expect(first.items.some((i) => i.sid === halo.sid)).toBe(false);
    expect(first.timings.modelLoadMs).toBeGreaterThan(0);
    expect(first.timings.tokens).toBeGreaterThan(0);
    const second = await e.run({ kind: "similar", items: [halo], ranked: true });
    expect(second.items.every((i) => typeof i.score === "number")).toBe(true);
    expect(second.timings.modelLoadMs).toBeUndefined();
  });

  it("falls back to the catalog when the model exceeds its time budget", async () => {
    const e = await engine({ MODEL_PATH: modelPath, MODEL_GPU: "off", MODEL_TIMEOUT_MS: "1" });
    const halo = await byTitle(e, "Halo 3");
    const result = await e.run({ kind: "similar", items: [halo] });
    expect(result.backend).toBe("catalog");
    expect(result.notices.join(" ")).toMatch(/took too long/);
    expect(result.items).toHaveLength(3);
  });

  it("answers from the catalog when the model file is missing or corrupt", async () => {
    const e = await engine({ MODEL_PATH: `${dir}/nope.gguf` });
    expect(e.backend).toBe("catalog");
    expect(e.modelError).toMatch(/nope\.gguf: file not found/);
    const result = await e.run({ kind: "tastes", text: "racing" });
    expect(result.backend).toBe("catalog");
    expect(result.items.length).toBeGreaterThan(0);
  });
});

describe("Engine and the model's conversation hint", () => {
  it("tells the model which conversation a request belongs to, for generation and ranking", async () => {
    const seen: (GenerateRequest | RankRequest)[] = [];
    const model: ModelBackend = {
      loadMs: 1,
      sequences: 1,
      contextSize: 4096,
      available: true,
      generate: async (request) => {
        seen.push(request);
        return { parts: [{ sid: request.exclude![0]!.sid }], items: [], answer: [], text: "", tokens: 1, promptTokens: 1 };
      },
      rank: async (request) => {
        seen.push(request);
        return [];
      },
      countTokens: async () => 10,
      dispose: async () => {},
    };
    const e = new Engine({ catalog: await openCatalog(config()), model, settings: config().model });
    const halo = await byTitle(e, "Halo 3");
    await e.run({ kind: "similar", items: [halo] }, { conversationId: "discord:g1:c1" });
    await e.run({ kind: "similar", items: [halo], ranked: true }, { conversationId: "discord:g1:c1" });
    await e.run({ kind: "similar", items: [halo] });
    expect(seen.map((r) => r.conversationId)).toEqual(["discord:g1:c1", "discord:g1:c1", undefined]);
  });
});
