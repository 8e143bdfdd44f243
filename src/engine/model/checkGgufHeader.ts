/**
 * A quick sanity check of a GGUF file's header before handing it to node-llama-cpp, whose
 * reader can hang on garbage (it tries to read a file with a nonsense version as v3). Catches
 * wrong files and corrupt headers with a clear reason; llama.cpp reports truncated data itself.
 */
import { open } from "node:fs/promises";

const MAGIC = "GGUF";
const HEADER_BYTES = 24; // magic, version u32, tensor count u64, KV count u64
const MAX_TENSORS = 1_000_000;
const MAX_KEYS = 100_000;

/** Returns why the file is not a plausible GGUF model, or undefined when the header looks right. */
export async function checkGgufHeader(path: string): Promise<string | undefined> {
  let file;
  try {
    file = await open(path, "r");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
  }
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES || header.toString("latin1", 0, 4) !== MAGIC) return "not a GGUF file (wrong magic bytes)";
    const version = header.readUInt32LE(4);
    if (version !== 2 && version !== 3) return `unsupported GGUF version ${version} (file corrupt?)`;
    const tensors = header.readBigUInt64LE(8);
    const keys = header.readBigUInt64LE(16);
    if (tensors === 0n || tensors > BigInt(MAX_TENSORS) || keys > BigInt(MAX_KEYS)) return `corrupt GGUF header (${tensors} tensors, ${keys} keys)`;
    if (size < HEADER_BYTES + Number(keys) * 8) return "file is truncated";
    return undefined;
  } finally {
    await file.close();
  }
}
