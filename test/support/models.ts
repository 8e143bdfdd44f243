import { join } from "node:path";
import { writeFixtureModel, type FixtureModelOptions } from "../../src/engine/fixtures/fixtureModel.js";

/** Writes the project's tiny GGUF into `dir` and returns its path (never committed). */
export async function fixtureModel(dir: string, options: FixtureModelOptions = {}): Promise<string> {
  const path = join(dir, `fixture${options.realTokenIds ? "-real-ids" : ""}-${options.seed ?? 1}.gguf`);
  await writeFixtureModel(path, options);
  return path;
}

export const GREEDY = { temperature: 0, topK: 20, topP: 0.7 } as const;
export const CARD_SAMPLING = { temperature: 0.3, topK: 20, topP: 0.7 } as const;
