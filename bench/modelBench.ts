/**
 * Model figures on the project's fixture GGUF with a 66,097-item catalog (CPU, threads 1):
 * recommend() vs raw generation of the same tokens, constrained vs unconstrained time per token,
 * 8 concurrent vs 8 serial requests, model load time. The fixture is tiny, so these ratios show
 * sidbot's own overhead around llama.cpp; absolute speed on the 8B model is the GPU's.
 */
import { cpuBackend } from "./cpuBackend.js";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Token } from "node-llama-cpp";
import { loadCatalog } from "../src/engine/catalog/loadCatalog.js";
import { writeFixtureModel } from "../src/engine/fixtures/fixtureModel.js";
import { LlamaBackend } from "../src/engine/model/LlamaBackend.js";
import { ModelProcess } from "../src/engine/model/ModelProcess.js";
import { buildUserTurn } from "../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../src/engine/prompts/renderChatML.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import type { Turn } from "../src/engine/types.js";
import { fmt, median, rssMb } from "./stats.js";

const run = promisify(execFile);

const GREEDY = { temperature: 0, topK: 20, topP: 0.7 };

export async function modelBench(dir: string, catalogPath: string, print: (line: string) => void): Promise<void> {
  const modelPath = join(dir, "bench-model.gguf");
  await writeFixtureModel(modelPath);
  const { catalog } = await loadCatalog(catalogPath, new SidLayout());
  // Every prompt evaluated in full, as raw generation does: prefix reuse is measured on its own below.
  const backend = await cpuBackend(modelPath, catalog, 8);
  print(`model: fixture qwen3 (hidden 64, 2 layers), CPU, threads 1; load ${fmt(backend.loadMs)} ms (includes getLlama)`);
  const raw = await backend.model.createContext({ contextSize: 1024, sequences: 1, threads: 1 });
  const rawSequence = raw.getSequence();
  try {
    /** Plain llama.cpp generation of exactly `count` tokens after `prompt`, no constraint. */
    const rawGenerate = async (prompt: Token[], count: number) => {
      await rawSequence.clearHistory();
      const started = performance.now();
      let n = 0;
      for await (const _ of rawSequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) if (++n >= count) break;
      return performance.now() - started;
    };
    const task = (i: number, k = 3) => buildUserTurn({ kind: "similar", items: [catalog.items[(i * 7919) % catalog.size]!], k });

    // recommend() (K=3) vs raw generation of the same number of tokens on the same prompt.
    const ours: number[] = [];
    const theirs: number[] = [];
    let tokens = 0;
    for (let i = 0; i < 30; i++) {
      const { turn, plan } = task(i);
      const segments = renderChatML([turn]);
      const started = performance.now();
      const result = await backend.generate({ segments, plan, sampling: GREEDY, maxTokens: 64 });
      ours.push(performance.now() - started);
      tokens = result.tokens;
      theirs.push(await rawGenerate(backend.tokenize(segments), result.tokens));
    }
    print(
      `  recommend (K=3, ${tokens} tokens): median ${fmt(median(ours), 2)} ms vs raw generation ` +
        `${fmt(median(theirs), 2)} ms → ×${fmt(median(ours) / median(theirs), 2)}`,
    );

    // Per token inside SIDs (catalog-constrained) vs free generation.
    const constrained: number[] = [];
    const free: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { turn, plan } = task(i, 20);
      const segments = renderChatML([turn]);
      const prompt = backend.tokenize(segments);
      const promptOnly = await rawGenerate(prompt, 1);
      const started = performance.now();
      const result = await backend.generate({ segments, plan, sampling: GREEDY, maxTokens: 400 });
      constrained.push((performance.now() - started - promptOnly) / result.tokens);
      free.push(((await rawGenerate(prompt, result.tokens)) - promptOnly) / result.tokens);
    }
    print(
      `  per token, ${catalog.size} SIDs: constrained ${fmt(median(constrained) * 1000, 0)} µs vs ` +
        `unconstrained ${fmt(median(free) * 1000, 0)} µs → ×${fmt(median(constrained) / median(free), 2)}`,
    );

    // 8 requests at once (8 sequences, batched by llama.cpp) vs one after another.
    const eight = () => Array.from({ length: 8 }, (_, i) => task(100 + i));
    let started = performance.now();
    for (const { turn, plan } of eight()) await backend.generate({ segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 64 });
    const serial = performance.now() - started;
    started = performance.now();
    await Promise.all(
      eight().map(({ turn, plan }) => backend.generate({ segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 64 })),
    );
    const concurrent = performance.now() - started;
    print(`  8 requests: serial ${fmt(serial)} ms, concurrent ${fmt(concurrent)} ms → throughput ×${fmt(serial / concurrent, 2)}`);
  } finally {
    await raw.dispose();
    await backend.dispose();
  }
  await prefixReuseBench(modelPath, catalog, print);
  await childMemoryBench(modelPath, catalogPath, catalog, print);
  await realVocabularyBench(dir, catalog, print);
}

/**
 * A follow-up turn with the conversation's prefix kept in its sequence vs the same prompt
 * evaluated from an empty sequence (the old behaviour, `reusePrefix: false`), same greedy answer.
 */
async function prefixReuseBench(
  modelPath: string,
  catalog: Awaited<ReturnType<typeof loadCatalog>>["catalog"],
  print: (line: string) => void,
) {
  const options = { modelPath, catalog, gpu: false as const, threads: 1, sequences: 2, contextSize: 2048 };
  const warm = await LlamaBackend.load(options);
  const cold = await LlamaBackend.load({ ...options, reusePrefix: false });
  try {
    const reused: number[] = [];
    const fresh: number[] = [];
    let promptTokens = 0;
    let reusedTokens = 0;
    for (let round = 0; round < 10; round++) {
      // Five turns of history, then the measured follow-up.
      const history: Turn[] = [];
      const conversationId = `bench-${round}`;
      for (let turn = 0; turn < 6; turn++) {
        const { turn: user, plan } = buildUserTurn({
          kind: "similar",
          items: [catalog.items[((round * 6 + turn) * 4099) % catalog.size]!],
          k: 5,
        });
        const segments = renderChatML([...history, user]);
        const request = { segments, plan, sampling: GREEDY, maxTokens: 64, conversationId };
        let started = performance.now();
        const result = await warm.generate(request);
        if (turn === 5) {
          reused.push(performance.now() - started);
          started = performance.now();
          await cold.generate(request);
          fresh.push(performance.now() - started);
          promptTokens = result.promptTokens;
          reusedTokens = result.reusedPromptTokens ?? 0;
        }
        history.push(user, { role: "assistant", parts: result.parts });
      }
    }
    print(
      `  follow-up turn (${promptTokens}-token prompt, ${reusedTokens} kept in the sequence): median ` +
        `${fmt(median(reused), 2)} ms vs cold re-evaluation ${fmt(median(fresh), 2)} ms → ` +
        `×${fmt(median(reused) / median(fresh), 2)}`,
    );
  } finally {
    await warm.dispose();
    await cold.dispose();
  }
}

/**
 * The constraint reads the model's probabilities over the whole vocabulary at each SID step;
 * with Qwen3's 152k-token vocabulary that copy is the main cost. Measured on the fixture padded
 * to the real token ids (hidden 8).
 */
async function realVocabularyBench(
  dir: string,
  catalog: Awaited<ReturnType<typeof loadCatalog>>["catalog"],
  print: (line: string) => void,
) {
  const modelPath = join(dir, "bench-model-real-ids.gguf");
  await writeFixtureModel(modelPath, { realTokenIds: true });
  const backend = await cpuBackend(modelPath, catalog);
  const raw = await backend.model.createContext({ contextSize: 1024, sequences: 1, threads: 1 });
  const sequence = raw.getSequence();
  try {
    const constrained: number[] = [];
    const free: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { turn, plan } = buildUserTurn({ kind: "similar", items: [catalog.items[i * 31]!], k: 10 });
      const segments = renderChatML([turn]);
      const result = await backend.generate({ segments, plan, sampling: GREEDY, maxTokens: 200 });
      const started = performance.now();
      await backend.generate({ segments, plan, sampling: GREEDY, maxTokens: 200 });
      constrained.push((performance.now() - started) / result.tokens);
      await sequence.clearHistory();
      const rawStart = performance.now();
      let n = 0;
      for await (const _ of sequence.evaluate(backend.tokenize(segments), { temperature: 0, yieldEogToken: true }))
        if (++n >= result.tokens) break;
      free.push((performance.now() - rawStart) / result.tokens);
    }
    print(
      `  with the real 152k vocabulary (fixture padded to Qwen3 ids): constrained ` +
        `${fmt(median(constrained) * 1000, 0)} µs/token vs unconstrained ${fmt(median(free) * 1000, 0)} ` +
        `µs/token → ×${fmt(median(constrained) / median(free), 2)}`,
    );
  } finally {
    await raw.dispose();
    await backend.dispose();
  }
}

/**
 * RSS of the model's child process after load with the bench catalog: today's child (the SID
 * codes from the parent) vs a child that loads its own copy of the catalog, as it used to.
 */
async function childMemoryBench(
  modelPath: string,
  catalogPath: string,
  catalog: Awaited<ReturnType<typeof loadCatalog>>["catalog"],
  print: (line: string) => void,
) {
  const load = {
    modelPath,
    levels: catalog.layout.levels,
    codesPerLevel: catalog.layout.codesPerLevel,
    gpu: false as const,
    threads: 1,
    contextSize: 1024,
    sequences: 2,
  };
  const child = await ModelProcess.start({ load, catalog });
  const lean = rssOfProcessMb(child.pid!);
  await child.dispose();
  // The old child: its own catalog, then the backend (built from this same dist/).
  const module = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const layoutJson = JSON.stringify({ levels: load.levels, codesPerLevel: load.codesPerLevel });
  const oldChild = `
    const { loadCatalog } = await import(${module("../src/engine/catalog/loadCatalog.js")});
    const { SidLayout } = await import(${module("../src/engine/sid/SidLayout.js")});
    const { LlamaBackend } = await import(${module("../src/engine/model/LlamaBackend.js")});
    const { catalog } = await loadCatalog(${JSON.stringify(catalogPath)}, new SidLayout(${layoutJson}));
    const backend = await LlamaBackend.load({ ...${JSON.stringify(load)}, catalog });
    console.log(process.memoryUsage().rss);
    await backend.dispose();`;
  // A script file, not `node -e`: node-llama-cpp tests its binding by re-running the process's own arguments.
  const script = join(dirname(modelPath), "old-model-child.mjs");
  writeFileSync(script, oldChild);
  const { stdout } = await run(process.execPath, [script]);
  const old = Number(stdout.trim().split("\n").at(-1)) / 1024 / 1024;
  print(
    `  model child RSS after load (${catalog.size} items): ${fmt(lean)} MB (SID codes from the parent) ` +
      `vs ${fmt(old)} MB with its own catalog → ×${fmt(lean / old, 2)}; bot ${fmt(rssMb())} MB (this bench ` +
      `process, catalog loaded)`,
  );
}

function rssOfProcessMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}
