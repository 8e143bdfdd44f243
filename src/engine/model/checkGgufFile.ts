/**
 * Checks a GGUF file before its weights are loaded, with node-llama-cpp's own reader
 * (readGgufFileInfo reads the header and metadata only): a missing, foreign, corrupt or cut
 * file gets one clear reason, and a model without the semantic-ID tokens the catalog layout
 * needs is refused before gigabytes of weights are read.
 */
import { open } from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";
import { ModelLoadError } from "../../errors.js";
import type { SidLayout } from "../sid/SidLayout.js";
import { missingTokenMessage, requiredTokens } from "./ModelTokens.js";

const SUPPORTED_VERSIONS = new Set([2, 3]);
const HEADER_BYTES = 24; // magic, version u32, tensor count u64, metadata key count u64
// Counts beyond these are a corrupt header; the reader would try to read them all.
const MAX_TENSORS = 1_000_000n;
const MAX_KEYS = 100_000n;

/** Throws a {@link ModelLoadError} saying why `path` cannot be the semantic-ID model; resolves when it looks right. */
export async function checkGgufFile(path: string, layout: SidLayout): Promise<void> {
  const fail = (reason: string, cause?: unknown) =>
    new ModelLoadError(path, `cannot load model ${path}: ${reason}`, cause === undefined ? undefined : { cause });
  const { size, version, tensors, keys } = await headerOf(path).catch((error: unknown) => {
    throw fail((error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : describe(error), error);
  });
  if (version === undefined) throw fail("not a GGUF file (wrong magic bytes)");
  // node-llama-cpp reads an unknown version as v3, and can then hang on garbage: refuse it first.
  if (!SUPPORTED_VERSIONS.has(version)) throw fail(`unsupported GGUF version ${version} (file corrupt?)`);
  if (tensors === 0n || tensors > MAX_TENSORS || keys > MAX_KEYS) throw fail(`corrupt GGUF header (${tensors} tensors, ${keys} keys)`);
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  } catch (error) {
    throw fail(`corrupt GGUF header (${describe(error)})`, error);
  }
  // The reader pads a cut file with nothing: its header and metadata must end inside the file.
  if (info.infoEndOffset !== undefined && info.infoEndOffset > size) throw fail("file is truncated");
  const vocabulary = new Set(info.metadata.tokenizer?.ggml?.tokens ?? []);
  if (vocabulary.size === 0) return; // no vocabulary in the metadata: llama.cpp has the last word
  const missing = requiredTokens(layout).find((token) => !vocabulary.has(token));
  if (missing) throw new ModelLoadError(path, missingTokenMessage(path, missing));
}

/** File size and GGUF version (undefined when the magic bytes are wrong). */
async function headerOf(path: string): Promise<{ size: number; version: number | undefined; tensors: bigint; keys: bigint }> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(header, 0, HEADER_BYTES, 0);
    const isGguf = bytesRead === HEADER_BYTES && header.toString("latin1", 0, 4) === "GGUF";
    if (!isGguf) return { size, version: undefined, tensors: 0n, keys: 0n };
    return { size, version: header.readUInt32LE(4), tensors: header.readBigUInt64LE(8), keys: header.readBigUInt64LE(16) };
  } finally {
    await file.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
