/**
 * Sub-catalogs in the decoder (issue 15), on the fixture GGUF and the 66,097-item bench catalog
 * (CPU, threads 1): the time per SID and per token of catalog-constrained decoding within a
 * random 10% sub-catalog vs the full trie, same run, same prompts, interleaved; and the one-off
 * cost of a new filter (its bits, then the per-node counts the decoder caches by key).
 */
import type { Token } from "node-llama-cpp";
import { allowedItemsWhere } from "../src/engine/catalog/AllowedItems.js";
import { loadCatalog } from "../src/engine/catalog/loadCatalog.js";
import { writeFixtureModel } from "../src/engine/fixtures/fixtureModel.js";
import { AllowedCounts } from "../src/engine/model/AllowedCounts.js";
import { LlamaBackend } from "../src/engine/model/LlamaBackend.js";
import { buildUserTurn } from "../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../src/engine/prompts/renderChatML.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import { seededRandom } from "../src/util/random.js";
import { join } from "node:path";
import { fmt, median } from "./stats.js";

const GREEDY = { temperature: 0, topK: 20, topP: 0.7 };
const PROMPTS = 20;
const K = 10;

export async function subCatalogBench(dir: string, catalogPath: string, print: (line: string) => void): Promise<void> {
  const modelPath = join(dir, "bench-subcatalog-model.gguf");
  await writeFixtureModel(modelPath);
  const { catalog } = await loadCatalog(catalogPath, new SidLayout());
  const backend = await LlamaBackend.load({
    modelPath,
    catalog,
    gpu: false,
    threads: 1,
    sequences: 1,
    contextSize: 1024,
    reusePrefix: false,
  });
  const raw = await backend.model.createContext({ contextSize: 1024, sequences: 1, threads: 1 });
  const rawSequence = raw.getSequence();
  try {
    const size = backend.sids.size;
    const random = seededRandom(15);
    const inFilter = new Uint8Array(size).map(() => (random.chance(0.1) ? 1 : 0));

    // One-off cost of a new filter: its bits (the catalog side), then the counts (first request).
    const bitsMs: number[] = [];
    const countsMs: number[] = [];
    let counts: AllowedCounts | undefined;
    for (let i = 0; i < 20; i++) {
      let started = performance.now();
      const allowed = allowedItemsWhere(`bench-${i}`, size, (position) => inFilter[position] === 1);
      bitsMs.push(performance.now() - started);
      started = performance.now();
      counts = new AllowedCounts(allowed, size);
      countsMs.push(performance.now() - started);
    }
    const allowed = allowedItemsWhere("bench-10", size, (position) => inFilter[position] === 1);

    /** Time to evaluate the prompt alone (plus one token), to take out of the per-SID figures. */
    const promptOnly = async (prompt: Token[]) => {
      await rawSequence.clearHistory();
      const started = performance.now();
      for await (const _ of rawSequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) break;
      return performance.now() - started;
    };
    const requests = Array.from({ length: PROMPTS }, (_, i) => {
      const { turn, plan } = buildUserTurn({ kind: "similar", items: [catalog.items[(i * 7919) % catalog.size]!], k: K });
      return { segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 200 };
    });
    const pass = async () => {
      const full = { sid: [] as number[], token: [] as number[] };
      const sub = { sid: [] as number[], token: [] as number[] };
      for (const request of requests) {
        const prompt = await promptOnly(backend.tokenize(request.segments));
        for (const [into, extra] of [
          [full, {}],
          [sub, { allowed }],
        ] as const) {
          const started = performance.now();
          const result = await backend.generate({ ...request, ...extra });
          const ms = performance.now() - started - prompt;
          into.sid.push(ms / result.items.length);
          into.token.push(ms / result.tokens);
        }
      }
      return { full, sub };
    };
    const line = (label: string, { full, sub }: Awaited<ReturnType<typeof pass>>) => {
      const perSid = (x: typeof full) => `${fmt(median(x.sid), 2)} ms/SID (${fmt(median(x.token) * 1000, 0)} µs/token)`;
      return `  ${label}: sub-catalog 10%: ${perSid(sub)} vs full ${perSid(full)} (ratio ${fmt(median(sub.sid) / median(full.sid), 2)})`;
    };
    print(
      `sub-catalogs (${size} SIDs, a random 10% = ${allowed.count} allowed; K=${K}, greedy, ${PROMPTS} prompts, prompt time excluded):`,
    );
    print(line("first pass (grammars for the filter being built)", await pass()));
    print(line("same prompts again (grammars cached)", await pass()));
    print(
      `  one-off per new filter: bits ${fmt(median(bitsMs), 2)} ms, per-node counts ${fmt(median(countsMs), 2)} ms ` +
        `(${fmt((counts?.bytes ?? 0) / 1024, 0)} KB each, up to 16 filters cached per model process)`,
    );
  } finally {
    await raw.dispose();
    await backend.dispose();
  }
}
