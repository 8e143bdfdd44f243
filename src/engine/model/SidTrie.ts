import type { Catalog, CatalogItem } from "../catalog/Catalog.js";

/** A node of the SID trie: children by code at the next level; leaves hold their item. */
export interface SidTrieNode {
  readonly children: Map<number, SidTrieNode>;
  /** Items below this node. */
  leafCount: number;
  item?: CatalogItem;
}

/**
 * Prefix trie of the catalog's SIDs (by code per level): what a constrained decoder may write
 * next, and how many items remain below each choice so K answers can be kept distinct.
 */
export class SidTrie {
  readonly root: SidTrieNode = { children: new Map(), leafCount: 0 };

  constructor(catalog: Catalog) {
    for (const item of catalog.inSidOrder()) {
      let node = this.root;
      node.leafCount++;
      for (const code of item.codes) {
        let child = node.children.get(code);
        if (!child) {
          child = { children: new Map(), leafCount: 0 };
          node.children.set(code, child);
        }
        child.leafCount++;
        node = child;
      }
      node.item = item;
    }
  }

  /** The node for a code prefix, or undefined when no catalog SID starts with it. */
  find(codes: readonly number[]): SidTrieNode | undefined {
    let node: SidTrieNode | undefined = this.root;
    for (const code of codes) {
      node = node.children.get(code);
      if (!node) return undefined;
    }
    return node;
  }
}

/**
 * Tracks items already chosen (or excluded) in one answer. A child is open while some item
 * below it is still free, so every SID the decoder completes is new.
 */
export class SidExclusions {
  private readonly used = new Map<SidTrieNode, number>();

  constructor(private readonly trie: SidTrie) {}

  /** Marks the item with these codes as taken; unknown codes are ignored. */
  add(codes: readonly number[]): void {
    const path: SidTrieNode[] = [this.trie.root];
    for (const code of codes) {
      const next = path.at(-1)!.children.get(code);
      if (!next) return;
      path.push(next);
    }
    if (!path.at(-1)!.item || this.remaining(path.at(-1)!) === 0) return;
    for (const node of path) this.used.set(node, (this.used.get(node) ?? 0) + 1);
  }

  /** Items below `node` not yet taken. */
  remaining(node: SidTrieNode): number {
    return node.leafCount - (this.used.get(node) ?? 0);
  }

  /** Codes that may follow `node`, each with at least one free item below. */
  open(node: SidTrieNode): number[] {
    const out: number[] = [];
    for (const [code, child] of node.children) if (this.remaining(child) > 0) out.push(code);
    return out;
  }
}
