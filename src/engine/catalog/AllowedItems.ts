/**
 * A sub-catalog: the items one request may answer with, as a bitset over SID order — the order
 * of {@link SidCodes} and of the SID trie, which the model's child process and remote workers
 * have too (they never see titles or platforms). `key` names the filter so that backends can
 * cache what they derive from it (per-node counts of allowed items).
 */
export interface AllowedItems {
  /** Same key, same bits (within one catalog). */
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
