import type { AllowedCounts } from "./AllowedCounts.js";
import type { SidCodes } from "./SidCodes.js";

/** A node of the SID trie, by number: 0 is the root. */
export type SidTrieNode = number;

/**
 * Prefix trie of the catalog's SIDs (by code per level): what a constrained decoder may write
 * next, and how many items remain below each choice so K answers can be kept distinct.
 *
 * Stored as typed arrays, one entry per node (a few MB for 66k SIDs): the SIDs below a node
 * are a contiguous run of the sorted {@link SidCodes}, and a node's children are contiguous
 * nodes, sorted by code.
 */
export class SidTrie {
  readonly root: SidTrieNode = 0;
  /** First SID (index into the codes) below each node. */
  private readonly first: Uint32Array;
  /** SIDs below each node. */
  private readonly below: Uint32Array;
  private readonly firstChild: Uint32Array;
  private readonly childCount: Uint32Array;
  /** The code that leads to each node from its parent. */
  private readonly code: Uint16Array;
  private readonly depth: Uint8Array;

  constructor(private readonly sids: SidCodes) {
    const levels = sids.layout.levels;
    const capacity = 1 + sids.size * levels;
    const first = new Uint32Array(capacity);
    const below = new Uint32Array(capacity);
    const firstChild = new Uint32Array(capacity);
    const childCount = new Uint32Array(capacity);
    const code = new Uint16Array(capacity);
    const depth = new Uint8Array(capacity);
    below[0] = sids.size;
    let nodes = 1;
    // Breadth first: the children of each node are created one after another.
    for (let node = 0; node < nodes; node++) {
      const level = depth[node]!;
      if (level === levels) continue;
      firstChild[node] = nodes;
      const end = first[node]! + below[node]!;
      for (let i = first[node]!; i < end; ) {
        const value = sids.code(i, level);
        let j = i + 1;
        while (j < end && sids.code(j, level) === value) j++;
        first[nodes] = i;
        below[nodes] = j - i;
        code[nodes] = value;
        depth[nodes] = level + 1;
        nodes++;
        i = j;
      }
      childCount[node] = nodes - firstChild[node]!;
    }
    this.first = first.slice(0, nodes);
    this.below = below.slice(0, nodes);
    this.firstChild = firstChild.slice(0, nodes);
    this.childCount = childCount.slice(0, nodes);
    this.code = code.slice(0, nodes);
    this.depth = depth.slice(0, nodes);
  }

  /** Items below this node. */
  leafCount(node: SidTrieNode): number {
    return this.below[node]!;
  }

  /** Items below this node that a sub-catalog allows (O(1): they are one run of SID order). */
  allowedCount(node: SidTrieNode, allowed: AllowedCounts): number {
    return allowed.within(this.first[node]!, this.below[node]!);
  }

  /** The child reached by `code`, or undefined when no catalog SID continues that way. */
  child(node: SidTrieNode, code: number): SidTrieNode | undefined {
    let low = this.firstChild[node]!;
    let high = low + this.childCount[node]! - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.code[mid]!;
      if (value === code) return mid;
      if (value < code) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  /** The children of `node` are the nodes `first` to `first + count - 1`, by code. */
  childRange(node: SidTrieNode): { first: SidTrieNode; count: number } {
    return { first: this.firstChild[node]!, count: this.childCount[node]! };
  }

  /** The code that leads to `node` from its parent. */
  codeOf(node: SidTrieNode): number {
    return this.code[node]!;
  }

  /** Children as [code, node], by code. */
  children(node: SidTrieNode): [number, SidTrieNode][] {
    const { first, count } = this.childRange(node);
    return Array.from({ length: count }, (_, i) => [this.code[first + i]!, first + i]);
  }

  /** The SID (index into the codes) a leaf stands for; undefined above the last level. */
  itemIndex(node: SidTrieNode): number | undefined {
    return this.depth[node] === this.sids.layout.levels ? this.first[node] : undefined;
  }

  /** The node for a code prefix, or undefined when no catalog SID starts with it. */
  find(codes: readonly number[]): SidTrieNode | undefined {
    let node: SidTrieNode | undefined = this.root;
    for (const code of codes) {
      node = this.child(node, code);
      if (node === undefined) return undefined;
    }
    return node;
  }
}

/**
 * Tracks items already chosen (or excluded) in one answer, within an optional sub-catalog. A
 * child is open while some allowed item below it is still free, so every SID the decoder
 * completes is new and allowed.
 */
export class SidExclusions {
  private readonly used = new Map<SidTrieNode, number>();

  /** `allowed`: the sub-catalog to stay in; absent = every item. */
  constructor(
    private readonly trie: SidTrie,
    private readonly allowed?: AllowedCounts,
  ) {}

  /** Marks the item with these codes as taken; unknown codes and items not allowed are ignored. */
  add(codes: readonly number[]): void {
    const path: SidTrieNode[] = [this.trie.root];
    for (const code of codes) {
      const next = this.trie.child(path.at(-1)!, code);
      if (next === undefined) return;
      path.push(next);
    }
    const leaf = path.at(-1)!;
    if (this.trie.itemIndex(leaf) === undefined || this.remaining(leaf) === 0) return;
    for (const node of path) this.used.set(node, (this.used.get(node) ?? 0) + 1);
  }

  /** Allowed items below `node` not yet taken. */
  remaining(node: SidTrieNode): number {
    const below = this.allowed ? this.trie.allowedCount(node, this.allowed) : this.trie.leafCount(node);
    return below - (this.used.get(node) ?? 0);
  }

  /** Codes that may follow `node`, each with at least one free allowed item below. */
  open(node: SidTrieNode): number[] {
    const out: number[] = [];
    const { first, count } = this.trie.childRange(node);
    for (let child = first; child < first + count; child++) if (this.remaining(child) > 0) out.push(this.trie.codeOf(child));
    return out;
  }
}
