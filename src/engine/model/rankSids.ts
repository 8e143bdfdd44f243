/** Top-K catalog items by exact model probability: a beam search over the SID trie on one sequence. */
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import type { CatalogItem } from "../catalog/Catalog.js";
import type { SidLayout } from "../sid/SidLayout.js";
import type { RankedItem } from "./ModelBackend.js";
import type { ModelTokens } from "./ModelTokens.js";
import type { SidExclusions, SidTrie, SidTrieNode } from "./SidTrie.js";

export interface BeamSearch {
  sequence: LlamaContextSequence;
  /** Prompt tokens the sequence has not evaluated yet, ending with `<|sid_start|>`. */
  pending: Token[];
  k: number;
  beamWidth: number;
  exclusions: SidExclusions;
  trie: SidTrie;
  tokens: ModelTokens;
  layout: SidLayout;
  signal?: AbortSignal | undefined;
  itemAt: (index: number) => CatalogItem;
}

export async function rankSids({
  sequence,
  pending,
  k,
  beamWidth,
  exclusions,
  trie,
  tokens,
  layout,
  signal,
  itemAt,
}: BeamSearch): Promise<RankedItem[]> {
  const first = await probabilitiesAfter(sequence, pending);
  const base = sequence.nextTokenIndex;
  let beam = [{ codes: [] as number[], node: trie.root as SidTrieNode, logp: 0, probabilities: first }];
  for (let level = 0; level < layout.levels; level++) {
    signal?.throwIfAborted();
    const candidates: typeof beam = [];
    for (const entry of beam) {
      for (const code of exclusions.open(entry.node)) {
        const p = entry.probabilities.get(tokens.sid(level, code)) ?? 0;
        candidates.push({
          codes: [...entry.codes, code],
          node: trie.child(entry.node, code)!,
          logp: entry.logp + Math.log(p),
          probabilities: new Map(),
        });
      }
    }
    candidates.sort((a, b) => b.logp - a.logp);
    beam = candidates.slice(0, level === layout.levels - 1 ? k : beamWidth);
    if (level === layout.levels - 1) break;
    for (const entry of beam) {
      const path = entry.codes.map((code, l) => tokens.sid(l, code));
      entry.probabilities = await probabilitiesAfter(sequence, path);
      await sequence.eraseContextTokenRanges([{ start: base, end: sequence.nextTokenIndex }]);
    }
  }
  return beam.flatMap((e) => {
    const index = trie.itemIndex(e.node);
    return index === undefined ? [] : [{ item: itemAt(index), probability: Math.exp(e.logp) }];
  });
}

async function probabilitiesAfter(sequence: LlamaContextSequence, tokens: Token[]): Promise<Map<Token, number>> {
  const input = [
    ...tokens.slice(0, -1),
    [tokens.at(-1)!, { generateNext: { probabilities: true } }] as [Token, { generateNext: { probabilities: true } }],
  ];
  const results = await sequence.controlledEvaluate(input);
  return results.at(-1)?.next.probabilities ?? new Map();
}
