import { join } from "node:path";
import type { Catalog } from "../../src/engine/catalog/Catalog.js";
import { writeFixtureModel, type FixtureModelOptions } from "../../src/engine/fixtures/fixtureModel.js";

/** Writes the project's tiny GGUF into `dir` and returns its path (never committed). */
export async function fixtureModel(dir: string, options: FixtureModelOptions = {}): Promise<string> {
  const path = join(dir, `fixture${options.realTokenIds ? "-real-ids" : ""}-${options.seed ?? 1}.gguf`);
  await writeFixtureModel(path, options);
  return path;
}

export const GREEDY = { temperature: 0, topK: 20, topP: 0.7 } as const;
export const CARD_SAMPLING = { temperature: 0.3, topK: 20, topP: 0.7 } as const;

/** The fixture GGUF loaded in this process on the CPU, one thread and one sequence (DESIGN §4), for `catalog`. */
export async function fixtureBackend(dir: string, catalog: Catalog, { contextSize = 1024 }: { contextSize?: number } = {}) {
  // Imported here: files that only want the sampling constants never load node-llama-cpp.
  const { LlamaBackend } = await import("../../src/engine/model/LlamaBackend.js");
  return LlamaBackend.load({ modelPath: await fixtureModel(dir), catalog, gpu: false, threads: 1, sequences: 1, contextSize });
}
