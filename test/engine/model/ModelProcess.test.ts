import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_CATALOG, loadConfig } from "../../../src/config.js";
import { openCatalog, type OpenedCatalog } from "../../../src/engine/catalog/openCatalog.js";
import { Engine, MODEL_RESTARTING } from "../../../src/engine/Engine.js";
import { ModelProcess } from "../../../src/engine/model/ModelProcess.js";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../../../src/engine/prompts/renderChatML.js";
import { ModelLoadError, ModelUnavailableError } from "../../../src/errors.js";
import type { AllowedItems } from "../../../src/engine/catalog/AllowedItems.js";
import { fixtureModel, GREEDY } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
let catalog: OpenedCatalog;
let modelPath: string;
const processes: ModelProcess[] = [];
beforeAll(async () => {
  catalog = await openCatalog(loadConfig({ env: {} }));
  modelPath = await fixtureModel(dir);
});
afterAll(async () => {
  for (const p of processes) await p.dispose();
});

async function start(extra: Partial<Parameters<typeof ModelProcess.start>[0]> = {}) {
  const p = await ModelProcess.start({
    load: {
      modelPath,
      catalogPath: BUILTIN_CATALOG,
      levels: 4,
      codesPerLevel: 256,
      gpu: false,
      threads: 1,
      contextSize: 1024,
      sequences: 2,
    },
    catalog: catalog.catalog,
    maxRestartDelayMs: 200,
    ...extra,
  });
  processes.push(p);
  return p;
}
const halo = () => catalog.titles.search("Halo 3")[0]!.item;
const until = async (test: () => boolean, ms = 10_000) => {
  for (let waited = 0; !test() && waited < ms; waited += 50) await new Promise((r) => setTimeout(r, 50));
  expect(test()).toBe(true);
};

describe("ModelProcess: the model in a child process", () => {
  it("generates, streams, ranks and counts tokens like the in-process backend", async () => {
    const p = await start();
    expect(p.pid).toBeGreaterThan(0);
    const { turn, plan } = buildUserTurn({ kind: "similar", items: [halo()] });
    const result = await p.generate({ segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 40, exclude: [halo()] });
    expect(result.items).toHaveLength(3);
    expect(result.items.every((i) => catalog.catalog.get(i.sid) === i)).toBe(true);
    const ranked = await p.rank({ segments: renderChatML([turn]), k: 4 });
    expect(ranked).toHaveLength(4);
    expect(await p.countTokens(renderChatML([turn]))).toBeGreaterThan(10);
    const chunks: string[] = [];
    const bundle = buildUserTurn({ kind: "bundle", items: result.items });
    const named = await p.generate({
      segments: renderChatML([bundle.turn]),
      plan: bundle.plan,
      sampling: GREEDY,
      maxTokens: 20,
      onText: (c) => chunks.push(c),
    });
    expect(chunks.length).toBeGreaterThan(0);
    // The structured answer crosses the process boundary: free text and the SIDs written in it.
    expect(named.answer.length).toBeGreaterThan(0);
    expect(named.answer.flatMap((a) => ("sid" in a ? [a.sid] : []))).toEqual(named.items.map((i) => i.sid));
  });

  it("honours a sub-catalog and unconstrained generation across the process boundary", async () => {
    const p = await start();
    const inSidOrder = [...catalog.catalog.inSidOrder()];
    // The oracle: every third SID in SID order, chosen here.
    const chosen = new Set(inSidOrder.filter((_, i) => i % 3 === 1).map((item) => item.sid));
    const bits = new Uint8Array(Math.ceil(inSidOrder.length / 8));
    inSidOrder.forEach((item, i) => {
      if (chosen.has(item.sid)) bits[i >> 3]! |= 1 << (i & 7);
    });
    const allowed: AllowedItems = { key: "every-third", bits, count: chosen.size };
    const { turn, plan } = buildUserTurn({ kind: "similar", items: [halo()], k: 3 });
    const segments = renderChatML([turn]);
    for (let seed = 0; seed < 20; seed++) {
      const sampling = { temperature: 1, topK: 50, topP: 1 };
      const result = await p.generate({ segments, plan, sampling, maxTokens: 40, allowed, exclude: [halo()], seed });
      expect(result.items).toHaveLength(3);
      for (const item of result.items) expect(chosen.has(item.sid), `seed ${seed}: ${item.sid}`).toBe(true);
      expect(result.written).toBeUndefined();
    }
    const ranked = await p.rank({ segments, k: 4, allowed });
    expect(ranked).toHaveLength(4);
    for (const r of ranked) expect(chosen.has(r.item.sid)).toBe(true);

    const known = new Set(catalog.catalog.items.map((item) => item.sid));
    const free = await p.generate({ segments, plan, sampling: GREEDY, maxTokens: 60, allowed, unconstrained: true, seed: 1 });
    expect(free.written).toHaveLength(3);
    for (const sid of free.written!) expect(sid).toMatch(/^<\|sid_start\|>(<\|sid_\d+\|>)*(<\|sid_end\|>)?$/);
    expect(free.items.map((item) => item.sid)).toEqual(free.written!.filter((sid) => known.has(sid)));

    // Bits built for another catalog: a clear error, and the process goes on serving.
    const error = await p
      .generate({ segments, plan, sampling: GREEDY, maxTokens: 40, allowed: { key: "stale", bits: new Uint8Array(40), count: 1 } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "model_request_invalid" });
    expect((error as Error).message).toMatch(/stale.*has 40 bytes, expected 3/);
    expect((await p.generate({ segments, plan, sampling: GREEDY, maxTokens: 40 })).items).toHaveLength(3);
  });

  it("reports a model that cannot load as one clear error", async () => {
    const error = await ModelProcess.start({
      load: {
        modelPath: `${dir}/missing.gguf`,
        catalogPath: BUILTIN_CATALOG,
        levels: 4,
        codesPerLevel: 256,
        gpu: false,
        threads: 1,
        contextSize: 512,
        sequences: 1,
      },
      catalog: catalog.catalog,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/missing\.gguf: file not found/);
  });

  it("survives the model process crashing: pending requests fail fast, the process comes back", async () => {
    const p = await start();
    const { turn, plan } = buildUserTurn({ kind: "bundle" });
    const pending = p.generate({ segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 4000 });
    const pid = p.pid!;
    process.kill(pid, "SIGKILL");
    await expect(pending).rejects.toBeInstanceOf(ModelUnavailableError);
    expect(p.available).toBe(false);
    await until(() => p.available && p.pid !== pid);
    const again = buildUserTurn({ kind: "similar", items: [halo()] });
    expect(
      (await p.generate({ segments: renderChatML([again.turn]), plan: again.plan, sampling: GREEDY, maxTokens: 40 })).items,
    ).toHaveLength(3);
  });

  it("kills and restarts a model that does not stop after its time budget", async () => {
    const p = await start({ killAfterMs: 300 });
    const pid = p.pid!;
    process.kill(pid, "SIGSTOP"); // a native call that never returns
    const { turn, plan } = buildUserTurn({ kind: "similar", items: [halo()] });
    const started = Date.now();
    const error = await p
      .generate({ segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 40, signal: AbortSignal.timeout(200) })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(3000);
    await until(() => p.available && p.pid !== pid);
  });
});

describe("Engine with the model in a child process", () => {
  it("answers from the catalog while the model process is down, then from the model again", async () => {
    const model = await start();
    const engine = new Engine({ catalog, model, settings: loadConfig({ env: {} }).model });
    expect((await engine.run({ kind: "similar", items: [halo()] })).backend).toBe("llama");
    process.kill(model.pid!, "SIGKILL");
    await until(() => !model.available);
    const during = await engine.run({ kind: "similar", items: [halo()] });
    expect(during.backend).toBe("catalog");
    expect(during.items.length).toBeGreaterThan(0);
    expect(during.notices).toContain(MODEL_RESTARTING);
    await until(() => model.available);
    expect((await engine.run({ kind: "similar", items: [halo()] })).backend).toBe("llama");
  });
});
