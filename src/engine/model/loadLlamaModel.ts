/**
 * Loading a GGUF model with node-llama-cpp: the file is checked first (a clear reason for a
 * missing, foreign or corrupt file), then the prebuilt llama.cpp binding, the weights and one
 * context with a sequence per concurrent conversation. Any failure is one {@link ModelLoadError}.
 */
import { getLlama, LlamaLogLevel, NoBinaryFoundError, type Llama, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { ModelLoadError } from "../../errors.js";
import type { Logger } from "../../util/logger.js";
import type { SidLayout } from "../sid/SidLayout.js";
import { checkGgufFile } from "./checkGgufFile.js";
import { cpuBinaryPackage } from "./llamaBinaryPackage.js";
import type { GpuSetting } from "./ModelBackend.js";
import { ModelTokens } from "./ModelTokens.js";

export interface LoadedModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  tokens: ModelTokens;
}

export interface ModelLoadOptions {
  modelPath: string;
  layout: SidLayout;
  gpu: GpuSetting;
  threads: number;
  contextSize: number;
  sequences: number;
  signal?: AbortSignal | undefined;
  logger: Logger;
}

export async function loadLlamaModel({
  modelPath,
  layout,
  gpu,
  threads,
  contextSize,
  sequences,
  signal,
  logger,
}: ModelLoadOptions): Promise<LoadedModel> {
  await checkGgufFile(modelPath, layout);
  let llama: Llama | undefined;
  try {
    // Never build or download at run time: the prebuilt binaries ship in the npm package.
    llama = await getLlama({
      gpu,
      build: "never",
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.warn,
      // llama.cpp's own lines go to our log (debug): the load error we throw says what matters.
      logger: (level, message) => logger.debug({ level, source: "llama.cpp" }, message.trim()),
    });
    const model = await llama.loadModel({ modelPath, loadSignal: signal });
    try {
      const tokens = new ModelTokens(model, layout, modelPath);
      const context = await model.createContext({ contextSize, sequences, threads, createSignal: signal });
      return { llama, model, context, tokens };
    } catch (error) {
      await model.dispose();
      throw error;
    }
  } catch (error) {
    await llama?.dispose().catch(() => {});
    if (error instanceof ModelLoadError) throw error;
    throw new ModelLoadError(modelPath, `cannot load model ${modelPath}: ${describeLoadError(error)}`, { cause: error });
  }
}

// node-llama-cpp reports load failures as plain Errors: their text is all there is to go on.
function describeLoadError(error: unknown): string {
  if (error instanceof NoBinaryFoundError) {
    return (
      `no prebuilt llama.cpp binary for ${process.platform}-${process.arch}: this install left out node-llama-cpp's optional packages ` +
      `(npm ci --omit=optional). Run a full npm ci, or add ${cpuBinaryPackage()}@3.21.1 (README "Install size and lean installs")`
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT|no such file|does not exist/i.test(message)) return "file not found";
  if (/magic|gguf|invalid|failed to load/i.test(message)) return `not a valid GGUF model (${message})`;
  return message;
}
