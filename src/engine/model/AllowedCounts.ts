/**
 * How many items of a sub-catalog ({@link AllowedItems}) lie in any run of SID order: a prefix
 * sum over its bits, built once per filter (one pass over the bits) and then O(1) per question.
 * The items below a SID trie node are such a run, so this is what lets the decoder skip a
 * subtree with nothing allowed in it. Memory: 4 bytes per catalog item (264 KB for 66k).
 */
import { allowedBitsProblem, type AllowedItems } from "../catalog/AllowedItems.js";
import { ModelRequestError } from "./modelErrors.js";

export class AllowedCounts {
  /** `prefix[i]`: allowed items among positions `0 … i-1`. */
  private readonly prefix: Uint32Array;

  /** Fails with a {@link ModelRequestError} when the bits do not fit a catalog of `size` items. */
  constructor(allowed: AllowedItems, size: number) {
    const problem = allowedBitsProblem(allowed.bits, size);
    if (problem) throw new ModelRequestError(`the allowed items (${allowed.key}) ${problem}`);
    const prefix = new Uint32Array(size + 1);
    const { bits } = allowed;
    let total = 0;
    for (let position = 0; position < size; position++) {
      total += (bits[position >> 3]! >> (position & 7)) & 1;
      prefix[position + 1] = total;
    }
    this.prefix = prefix;
  }

  /** Allowed items in all. */
  get total(): number {
    return this.prefix[this.prefix.length - 1]!;
  }

  /** Allowed items among positions `first … first + count - 1`. */
  within(first: number, count: number): number {
    return this.prefix[first + count]! - this.prefix[first]!;
  }

  /** Bytes held (for cache sizing). */
  get bytes(): number {
    return this.prefix.byteLength;
  }
}
