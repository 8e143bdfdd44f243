/**
 * The one-rule grammars of the constrained decoder, `root ::= <[id]> | <[id]> …` over the codes
 * still open at a trie level. A grammar depends only on the level and the open codes, so
 * requests share them, partly used nodes included; the cache is bounded (least recently used
 * goes first) because a long-running bot meets many exclusion patterns — and sub-catalogs
 * (GenerateRequest.allowed), which leave most nodes below the root partly open: a new filter
 * builds grammars as it goes (measured in `npm run bench -- subcatalog`), a filter used again
 * finds them here.
 */
import { LRUCache } from "lru-cache";
import { LlamaGrammar, type Llama } from "node-llama-cpp";
import type { ModelTokens } from "./ModelTokens.js";

// The root's grammar is used by every SID; a few thousand covers the busy nodes below it.
const DEFAULT_MAX_GRAMMARS = 4096;

export class LevelGrammars {
  private readonly cache: LRUCache<string, LlamaGrammar>;

  constructor(
    private readonly llama: Llama,
    private readonly tokens: ModelTokens,
    max = DEFAULT_MAX_GRAMMARS,
  ) {
    this.cache = new LRUCache({ max });
  }

  /** Grammars held now (bounded by the constructor's `max`). */
  get size(): number {
    return this.cache.size;
  }

  /**
   * The grammar allowing exactly `open` (codes at `level`) below `node`: keyed by the node while
   * all its children are open (`complete`), by the open codes themselves otherwise.
   */
  for(level: number, open: readonly number[], node: number, complete: boolean): LlamaGrammar {
    const key = complete ? `node:${node}` : `${level}:${open.join(",")}`;
    let grammar = this.cache.get(key);
    if (!grammar) {
      grammar = new LlamaGrammar(this.llama, {
        grammar: `root ::= ${open.map((code) => `<[${this.tokens.sid(level, code)}]>`).join(" | ")}`,
      });
      this.cache.set(key, grammar);
    }
    return grammar;
  }
}
