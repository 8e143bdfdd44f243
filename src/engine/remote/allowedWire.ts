/**
 * A sub-catalog ({@link AllowedItems}) in a remote job: jobs are JSON in Redis, so the bits
 * travel as base64 (11 KB for the 66k catalog). The worker counts the bits itself rather than
 * trusting a count sent with them.
 */
import type { AllowedItems } from "../catalog/AllowedItems.js";

export interface AllowedWire {
  key: string;
  /** The bits, base64. */
  bits: string;
}

export function allowedToWire(allowed: AllowedItems): AllowedWire {
  return { key: allowed.key, bits: Buffer.from(allowed.bits.buffer, allowed.bits.byteOffset, allowed.bits.byteLength).toString("base64") };
}

/** The sub-catalog back from a checked job (see parseJob). */
export function allowedFromWire(wire: AllowedWire): AllowedItems {
  const bits = new Uint8Array(Buffer.from(wire.bits, "base64"));
  let count = 0;
  for (const byte of bits) for (let b = byte; b !== 0; b &= b - 1) count++;
  return { key: wire.key, bits, count };
}
