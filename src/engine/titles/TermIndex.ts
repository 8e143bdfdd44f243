/**
 * A compact inverted index of title words (typed arrays, one row of postings per term) that scores
 * exactly as MiniSearch does — BM25+ with its parameters, its prefix and fuzzy weights, its
 * combination of terms and its order among equal scores — but walks posting lists into flat score
 * arrays instead of allocating a result object per matching document. At 66k titles a frequent
 * word ("edition", "2") has ~14k postings: MiniSearch spends tens of milliseconds on them, this a
 * fraction of one. Terms are expanded (prefix, fuzzy) with MiniSearch's own radix tree.
 */
import { LRUCache } from "lru-cache";
import SearchableMap from "minisearch/SearchableMap";
import { buildTermIndexData } from "./termIndexBuilder.js";

/** One field's postings: term `t`'s documents (ascending) and frequencies sit at `starts[t]…starts[t + 1]`. */
export interface FieldPostings {
  starts: Int32Array;
  docs: Int32Array;
  freqs: Uint16Array;
  /** Distinct terms per document (MiniSearch's field length). */
  lengths: Uint16Array;
  averageLength: number;
}

/** Everything the index is made of, in plain arrays (what the index cache stores). */
export interface TermIndexData {
  /** Term ids are positions; terms in first-seen order (the radix tree is filled in that order). */
  terms: string[];
  fields: FieldPostings[];
  documentCount: number;
}

export interface TermSearch {
  /** Field numbers searched, in order. */
  fields: readonly number[];
  /** Multiplies the scores of field number `f` by `fieldBoosts[f]` (MiniSearch's `boost`); 1 when absent. */
  fieldBoosts?: readonly number[];
  combineWith: "AND" | "OR";
  /** Whether query term `i` also matches longer words. */
  prefix: (term: string, i: number, all: readonly string[]) => boolean;
  /** Fuzziness of a query term: a fraction of its length (as MiniSearch), or false. */
  fuzzy: (term: string) => number | false;
  /** Multiplies a document's score; 0 leaves it out. */
  boost: (doc: number) => number;
  limit: number;
}

export interface TermHit {
  doc: number;
  score: number;
  /** Distinct query terms the document matched. */
  matched: number;
}

// MiniSearch's defaults (SearchOptions.bm25, weights, maxFuzzy).
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const MAX_FUZZY = 6;

/** A query term's matching index terms (exact, then prefix, then fuzzy) and their weights. */
interface Expansion {
  ids: Int32Array;
  weights: Float64Array;
}

export class TermIndex {
  private readonly ids: SearchableMap<number>;
  private readonly expansions = new LRUCache<string, Expansion>({ max: 4096 });
  // Scratch space reused by every search (searches are synchronous): marks hold a pass number.
  private readonly passScore: Float64Array;
  private readonly passMark: Int32Array;
  private readonly passDocs: Int32Array;
  private readonly total: Float64Array;
  private readonly searchMark: Int32Array;
  private readonly alive: Int32Array;
  private readonly order: Int32Array;
  private readonly matched: Uint16Array;
  private readonly touched: Int32Array;
  private readonly member: Int32Array;
  /** A document's boost, computed once per search (the boost is a function of the document alone). */
  private readonly boostMark: Int32Array;
  private readonly boostValue: Float64Array;
  /** Per field and document, BM25's length part `k × (1 − b + b × length / average)`, as MiniSearch computes it. */
  private readonly lengthNorms: Float64Array[];
  private searchId = 0;
  private pass = 0;

  private constructor(readonly data: TermIndexData) {
    this.ids = new SearchableMap<number>();
    data.terms.forEach((term, id) => {
      this.ids.set(term, id);
    });
    const n = data.documentCount;
    this.passScore = new Float64Array(n);
    this.passMark = new Int32Array(n);
    this.passDocs = new Int32Array(n);
    this.total = new Float64Array(n);
    this.searchMark = new Int32Array(n);
    this.alive = new Int32Array(n);
    this.order = new Int32Array(n);
    this.matched = new Uint16Array(n);
    this.touched = new Int32Array(n);
    this.member = new Int32Array(n);
    this.boostMark = new Int32Array(n);
    this.boostValue = new Float64Array(n);
    const { k, b } = BM25;
    this.lengthNorms = data.fields.map((field) =>
      Float64Array.from(field.lengths, (length) => k * (1 - b + (b * length) / field.averageLength)),
    );
  }

  static fromData(data: TermIndexData): TermIndex {
    return new TermIndex(data);
  }

  /** Indexes `documents[doc][field]`, each a list of terms as tokenised (repeats count). */
  static build(documents: readonly (readonly (readonly string[])[])[], fieldCount: number): TermIndex {
    return new TermIndex(buildTermIndexData(documents.length, fieldCount, (doc) => documents[doc]!));
  }

  /** Indexes `documentCount` documents whose fields' terms `termsOf` gives one document at a time. */
  static buildFrom(documentCount: number, fieldCount: number, termsOf: (doc: number) => readonly (readonly string[])[]): TermIndex {
    return new TermIndex(buildTermIndexData(documentCount, fieldCount, termsOf));
  }

  /** Whether `term` is a word of `field` in some document. */
  has(field: number, term: string): boolean {
    const id = this.ids.get(term);
    const starts = this.data.fields[field]?.starts;
    return id !== undefined && starts !== undefined && starts[id + 1]! > starts[id]!;
  }

  /**
   * The best `limit` documents for `queryTerms`, best first, as MiniSearch would rank them: the
   * sum of each term's BM25+ scores (matching words weighted by prefix or fuzzy distance) times the
   * document's boost, times the number of distinct query terms matched; equal scores in
   * MiniSearch's order (the order in which the documents were first reached).
   */
  search(queryTerms: readonly string[], options: TermSearch): TermHit[] {
    const n = this.data.documentCount;
    if (queryTerms.length === 0 || n === 0 || options.limit <= 0) return [];
    if (this.pass > 2 ** 30) this.resetMarks();
    const searchId = ++this.pass;
    this.searchId = searchId;
    const and = options.combineWith === "AND";
    let touchedCount = 0;
    let sequence = 0;
    // Documents each repeated query term reached already: a term counts once per document.
    const reachedBy = new Map<string, Set<number>>();
    let previousPass = 0;
    const expansions = queryTerms.map((term, i) => this.expand(term, options.prefix(term, i, queryTerms), options.fuzzy(term)));
    // AND: find the documents every term reaches first (rarest term first, no scoring), then score only those.
    const within = and ? this.intersect(expansions, options.fields) : 0;
    if (and && within === 0) return [];

    for (let qi = 0; qi < queryTerms.length; qi++) {
      const term = queryTerms[qi]!;
      const repeated =
        queryTerms.indexOf(term) !== qi || queryTerms.lastIndexOf(term) !== qi ? (reachedBy.get(term) ?? new Set<number>()) : undefined;
      if (repeated) reachedBy.set(term, repeated);
      const passId = ++this.pass;
      const passCount = this.scorePass(expansions[qi]!, options, passId, within);
      if (and && passCount === 0) return [];
      let survivors = 0;
      for (let i = 0; i < passCount; i++) {
        const doc = this.passDocs[i]!;
        const first = this.searchMark[doc] !== searchId;
        if (and && qi > 0 && (first || this.alive[doc] !== previousPass)) continue;
        if (first) {
          this.searchMark[doc] = searchId;
          this.total[doc] = this.passScore[doc]!;
          this.matched[doc] = 0;
          this.order[doc] = sequence++;
          this.touched[touchedCount++] = doc;
        } else this.total[doc] = this.total[doc]! + this.passScore[doc]!;
        if (!repeated?.has(doc)) this.matched[doc]!++;
        repeated?.add(doc);
        // AND keeps the order of the last term's results (MiniSearch's combinator walks them).
        if (and) {
          this.alive[doc] = passId;
          this.order[doc] = i;
        }
        survivors++;
      }
      if (and && survivors === 0) return [];
      previousPass = passId;
    }
    return this.best(touchedCount, and ? previousPass : 0, options.limit);
  }

  /**
   * The documents every expansion reaches, as the mark they hold in `member` (0 when there are
   * none). Membership only, rarest expansion first, so a typo ends the search after one short list.
   */
  private intersect(expansions: readonly Expansion[], fields: readonly number[]): number {
    const sized = expansions.map((e) => ({ e, size: this.postingCount(e, fields) })).sort((a, b) => a.size - b.size);
    let previous = 0;
    for (const { e, size } of sized) {
      if (size === 0) return 0;
      const mark = ++this.pass;
      let reached = 0;
      for (let i = 0; i < e.ids.length; i++) {
        for (const f of fields) {
          const { starts, docs } = this.data.fields[f]!;
          for (let p = starts[e.ids[i]!]!, end = starts[e.ids[i]! + 1]!; p < end; p++) {
            const doc = docs[p]!;
            // First list: every document once; later lists: only those still in.
            if (previous === 0 ? this.member[doc] === mark : this.member[doc] !== previous) continue;
            this.member[doc] = mark;
            reached++;
          }
        }
      }
      if (reached === 0) return 0;
      previous = mark;
    }
    return previous;
  }

  private postingCount(e: Expansion, fields: readonly number[]): number {
    let count = 0;
    for (let i = 0; i < e.ids.length; i++)
      for (const f of fields) count += this.data.fields[f]!.starts[e.ids[i]! + 1]! - this.data.fields[f]!.starts[e.ids[i]!]!;
    return count;
  }

  /**
   * Scores one query term's expansion into `passScore` (only documents marked `within`, when not
   * 0); returns how many documents it reached (listed in `passDocs`, first reached first).
   */
  private scorePass(expansion: Expansion, options: TermSearch, passId: number, within: number): number {
    const { documentCount } = this.data;
    const { k, d } = BM25;
    let count = 0;
    for (let e = 0; e < expansion.ids.length; e++) {
      const id = expansion.ids[e]!;
      const weight = expansion.weights[e]!;
      for (const f of options.fields) {
        const field = this.data.fields[f]!;
        const fieldBoost = options.fieldBoosts?.[f] ?? 1;
        const start = field.starts[id]!;
        const end = field.starts[id + 1]!;
        const matching = end - start;
        if (matching === 0) continue;
        const idf = Math.log(1 + (documentCount - matching + 0.5) / (matching + 0.5));
        const lengthNorm = this.lengthNorms[f]!;
        const { docs, freqs } = field;
        for (let p = start; p < end; p++) {
          const doc = docs[p]!;
          if (within !== 0 && this.member[doc] !== within) continue;
          let boost: number;
          if (this.boostMark[doc] === this.searchId) boost = this.boostValue[doc]!;
          else {
            boost = options.boost(doc);
            this.boostMark[doc] = this.searchId;
            this.boostValue[doc] = boost;
          }
          if (!boost) continue;
          const tf = freqs[p]!;
          const raw = idf * (d + (tf * (k + 1)) / (tf + lengthNorm[doc]!));
          // MiniSearch's order of factors: term weight, field boost, document boost, BM25+.
          const score = weight * fieldBoost * boost * raw;
          if (this.passMark[doc] !== passId) {
            this.passMark[doc] = passId;
            this.passScore[doc] = score;
            this.passDocs[count++] = doc;
          } else this.passScore[doc] = this.passScore[doc]! + score;
        }
      }
    }
    return count;
  }

  /** The top `limit` touched documents by score × matched terms; ties by first reach. */
  private best(touchedCount: number, alivePass: number, limit: number): TermHit[] {
    const top: TermHit[] = [];
    const ranks: number[] = [];
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i]!;
      if (alivePass !== 0 && this.alive[doc] !== alivePass) continue;
      const score = this.total[doc]! * this.matched[doc]!;
      const rank = this.order[doc]!;
      if (top.length === limit && !before(score, rank, top[limit - 1]!.score, ranks[limit - 1]!)) continue;
      let at = Math.min(top.length, limit - 1);
      while (at > 0 && before(score, rank, top[at - 1]!.score, ranks[at - 1]!)) at--;
      top.splice(at, 0, { doc, score, matched: this.matched[doc]! });
      ranks.splice(at, 0, rank);
      if (top.length > limit) {
        top.pop();
        ranks.pop();
      }
    }
    return top;
  }

  /** Index terms matching `term`: itself, longer words when `prefix`, near words when `fuzzy` (MiniSearch's rules and weights). */
  private expand(term: string, prefix: boolean, fuzzy: number | false): Expansion {
    const maxDistance = fuzzy === false ? 0 : fuzzy < 1 ? Math.min(MAX_FUZZY, Math.round(term.length * fuzzy)) : fuzzy;
    const key = `${prefix ? 1 : 0}${maxDistance} ${term}`;
    const cached = this.expansions.get(key);
    if (cached) return cached;
    const ids: number[] = [];
    const weights: number[] = [];
    const exact = this.ids.get(term);
    if (exact !== undefined) {
      ids.push(exact);
      weights.push(1);
    }
    const near = maxDistance > 0 ? this.ids.fuzzyGet(term, maxDistance) : undefined;
    if (prefix) {
      for (const [word, id] of this.ids.atPrefix(term)) {
        const distance = word.length - term.length;
        if (distance === 0) continue;
        // A word both longer and near counts as a prefix match only.
        near?.delete(word);
        ids.push(id);
        weights.push((PREFIX_WEIGHT * word.length) / (word.length + 0.3 * distance));
      }
    }
    if (near) {
      for (const [word, [id, distance]] of near) {
        if (distance === 0) continue;
        ids.push(id);
        weights.push((FUZZY_WEIGHT * word.length) / (word.length + distance));
      }
    }
    const expansion = { ids: Int32Array.from(ids), weights: Float64Array.from(weights) };
    this.expansions.set(key, expansion);
    return expansion;
  }

  private resetMarks(): void {
    for (const marks of [this.passMark, this.searchMark, this.alive, this.member, this.boostMark]) marks.fill(0);
    this.pass = 0;
  }
}

/** Whether (score, rank) sorts before (otherScore, otherRank): higher score, then reached earlier. */
function before(score: number, rank: number, otherScore: number, otherRank: number): boolean {
  return score > otherScore || (score === otherScore && rank < otherRank);
}
