/**
 * A sub-catalog: the items one request may answer with, as a bitset over SID order — the order
 * of {@link SidCodes} and of the SID trie, which the model's child process and remote workers
 * have too (they never see titles or platforms). `key` names the filter so that backends can
 * cache what they derive from it (per-node counts of allowed items); {@link allowedItemsFrom}
 * makes it a hash of the bits, so two bots or a restarted one cannot send one key for two sets.
 */
import { createHash } from "node:crypto";

export interface AllowedItems {
  /** Same key, same bits (a content hash when made by {@link allowedItemsFrom}). */
  readonly key: string;
  /** Bit `i` (byte `i >> 3`, mask `1 << (i & 7)`) set: the `i`-th SID in SID order is allowed. */
  readonly bits: Uint8Array;
  /** Number of bits set. */
  readonly count: number;
}

/** Whether the SID at `position` (SID order) is allowed. */
export function allows(allowed: AllowedItems, position: number): boolean {
  return ((allowed.bits[position >> 3] ?? 0) & (1 << (position & 7))) !== 0;
}

/** A short hash of the bits (128 bits of SHA-256): the key of these exact bits, whoever sends them. */
export function allowedBitsKey(bits: Uint8Array): string {
  return createHash("sha256").update(bits).digest("base64url").slice(0, 22);
}

// Bits set in each byte value.
const ONES = Uint8Array.from({ length: 256 }, (_, byte) => {
  let n = 0;
  for (let b = byte; b !== 0; b &= b - 1) n++;
  return n;
});

/** The sub-catalog these bits allow, keyed by their content. */
export function allowedItemsFrom(bits: Uint8Array): AllowedItems {
  let count = 0;
  for (const byte of bits) count += ONES[byte]!;
  return Object.freeze({ key: allowedBitsKey(bits), bits, count });
}

/** The sub-catalog of the SIDs (positions `0 … size-1` in SID order) that `allowedAt` accepts. */
export function allowedItemsWhere(size: number, allowedAt: (position: number) => boolean): AllowedItems {
  const bits = new Uint8Array(Math.ceil(size / 8));
  for (let position = 0; position < size; position++) if (allowedAt(position)) bits[position >> 3]! |= 1 << (position & 7);
  return allowedItemsFrom(bits);
}

/**
 * What is wrong with `bits` as a sub-catalog of `size` SIDs, or undefined: it must be exactly
 * `ceil(size / 8)` bytes, with no bit set past the last SID (bits from another catalog would
 * allow the wrong items silently).
 */
export function allowedBitsProblem(bits: Uint8Array, size: number): string | undefined {
  const bytes = Math.ceil(size / 8);
  if (bits.length !== bytes) return `has ${bits.length} bytes, expected ${bytes} for ${size} items`;
  const spare = size & 7;
  if (spare !== 0 && bits[bytes - 1]! >> spare !== 0) return `sets bits past the catalog's last item (${size - 1})`;
  return undefined;
}
