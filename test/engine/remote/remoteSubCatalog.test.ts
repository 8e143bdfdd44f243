/**
 * Sub-catalogs and unconstrained generation through a real `sidbot worker` (the built CLI, the
 * fixture model) on a real Redis: the bits travel in the job as base64, the worker answers from
 * them only, and bits that do not fit its catalog are refused with a clear reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import type { AllowedItems } from "../../../src/engine/catalog/AllowedItems.js";
import { Engine } from "../../../src/engine/Engine.js";
import { RemoteModelError } from "../../../src/engine/model/modelErrors.js";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import type { RemoteModelBackend } from "../../../src/engine/remote/RemoteModelBackend.js";
import { Metrics } from "../../../src/ops/Metrics.js";
import { fixtureModel } from "../../support/models.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { startSidbot, type SidbotProcess } from "../../support/sidbotProcess.js";
import { tempDir } from "../../support/tempDir.js";

const redis = await requireRedis();
const dir = tempDir();
const processes: SidbotProcess[] = [];
const engines: Engine[] = [];
let modelPath = "";

beforeAll(async () => {
  modelPath = await fixtureModel(dir);
});
afterAll(async () => {
  for (const engine of engines) await engine.dispose();
  for (const p of processes) if (p.child.exitCode === null) p.child.kill("SIGKILL");
});

async function until(test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(redis)("sub-catalogs on remote model workers", () => {
  it("a worker answers from the allowed bits only, writes unconstrained SIDs as written, refuses bits for another catalog", async () => {
    const namespace = uniqueNamespace("remote-subcatalog");
    const worker = startSidbot({ REDIS_URL: SHARED_REDIS_URL, MEMORY_NAMESPACE: namespace, MODEL_PATH: modelPath }, { args: ["worker"] });
    processes.push(worker);
    await worker.waitForLog((l) => l.msg === "model worker ready", 30_000);
    const config = loadConfig({ env: { MEMORY_NAMESPACE: namespace, ENGINE_MODE: "remote" } });
    const engine = await Engine.create(config, { redisUrl: SHARED_REDIS_URL, metrics: new Metrics({ defaultMetrics: false }) });
    engines.push(engine);
    const remote = engine.modelBackend as RemoteModelBackend;
    await until(() => remote.available);

    const catalog = engine.catalog.catalog;
    const inSidOrder = [...catalog.inSidOrder()];
    // The oracle: every third SID in SID order, chosen here, its bits written here.
    const chosen = new Set(inSidOrder.filter((_, i) => i % 3 === 2).map((item) => item.sid));
    const bits = new Uint8Array(Math.ceil(inSidOrder.length / 8));
    inSidOrder.forEach((item, i) => {
      if (chosen.has(item.sid)) bits[i >> 3]! |= 1 << (i & 7);
    });
    const allowed: AllowedItems = { key: "every-third", bits, count: chosen.size };
    const { turn, plan } = buildUserTurn({ kind: "similar", items: [catalog.items[0]!], k: 3 });
    const request = {
      segments: [],
      conversation: { turns: [turn], systemPrompt: null, reserveTokens: 64 },
      plan,
      sampling: { temperature: 1, topK: 50, topP: 1 },
      maxTokens: 48,
    };
    for (let seed = 0; seed < 8; seed++) {
      const result = await remote.generate({ ...request, allowed, seed, requestId: `sub-${seed}` });
      expect(result.items).toHaveLength(3);
      for (const item of result.items) expect(chosen.has(item.sid), `seed ${seed}: ${item.sid}`).toBe(true);
    }
    const ranked = await remote.rank({ segments: [], conversation: request.conversation, k: 4, allowed, requestId: "sub-rank" });
    expect(ranked).toHaveLength(4);
    for (const r of ranked) expect(chosen.has(r.item.sid)).toBe(true);

    const known = new Set(catalog.items.map((item) => item.sid));
    const free = await remote.generate({ ...request, unconstrained: true, seed: 3, requestId: "sub-free" });
    expect(free.written).toHaveLength(3);
    for (const sid of free.written!) expect(sid).toMatch(/^<\|sid_start\|>(<\|sid_\d+\|>)*(<\|sid_end\|>)?$/);
    expect(free.items.map((item) => item.sid)).toEqual(free.written!.filter((sid) => known.has(sid)));

    const error = await remote
      .generate({ ...request, allowed: { key: "stale", bits: new Uint8Array(40), count: 1 }, requestId: "sub-bad" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteModelError);
    expect((error as Error).message).toBe(
      `model worker: malformed job: allowed.bits: has 40 bytes, expected ${bits.length} for ${inSidOrder.length} items`,
    );
    await worker.waitForLog((l) => l.msg === "refusing a malformed job" && String(l.problem).startsWith("allowed.bits"));
    worker.child.kill("SIGTERM");
    expect((await worker.exited()).code).toBe(0);
  }, 90_000);
});
