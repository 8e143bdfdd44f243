/** The bench's model: the fixture GGUF on the CPU, one thread (DESIGN §4), no prompt reuse, so every figure is a fresh evaluation. */
import type { Catalog } from "../src/engine/catalog/Catalog.js";
import { LlamaBackend } from "../src/engine/model/LlamaBackend.js";

export function cpuBackend(modelPath: string, catalog: Catalog, sequences = 1): Promise<LlamaBackend> {
  return LlamaBackend.load({ modelPath, catalog, gpu: false, threads: 1, sequences, contextSize: 1024, reusePrefix: false });
}
