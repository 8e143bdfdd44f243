/**
 * Builds a term index's arrays ({@link TermIndexData}) from documents read one at a time: each
 * document's terms are counted and appended to a flat forward list (term, frequency), then the list
 * is turned into per-term postings. Memory stays a few bytes per posting — no array per term, and
 * the tokenised documents are never all held at once (product text gives ~100 distinct words per
 * item, millions of postings at 66k items).
 */
import type { FieldPostings, TermIndexData } from "./TermIndex.js";

/**
 * Term ids in first-seen order (document by document, field by field, word by word: the order in
 * which MiniSearch meets them); a field's length is its number of distinct terms.
 */
export function buildTermIndexData(
  documentCount: number,
  fieldCount: number,
  termsOf: (doc: number) => readonly (readonly string[])[],
): TermIndexData {
  const idOf = new Map<string, number>();
  const terms: string[] = [];
  const forward = Array.from({ length: fieldCount }, () => new ForwardList());
  const lengths = Array.from({ length: fieldCount }, () => new Uint16Array(documentCount));
  const averages = new Array<number>(fieldCount).fill(0);
  const freq = new Map<number, number>();
  for (let doc = 0; doc < documentCount; doc++) {
    const fields = termsOf(doc);
    for (let f = 0; f < fieldCount; f++) {
      freq.clear();
      for (const term of fields[f] ?? []) {
        let id = idOf.get(term);
        if (id === undefined) {
          id = terms.push(term) - 1;
          idOf.set(term, id);
        }
        freq.set(id, (freq.get(id) ?? 0) + 1);
      }
      lengths[f]![doc] = freq.size;
      // MiniSearch's running average, so scores match to the last bit.
      averages[f] = (averages[f]! * doc + freq.size) / (doc + 1);
      forward[f]!.push(doc, freq);
    }
  }
  const fields = forward.map((list, f): FieldPostings => {
    const { starts, docs, freqs } = list.invert(terms.length);
    return { starts, docs, freqs, lengths: lengths[f]!, averageLength: averages[f]! };
  });
  return { terms, fields, documentCount };
}

/** One field's (document, term, frequency) triples in document order, in growable typed arrays. */
class ForwardList {
  private docs = new Int32Array(1024);
  private ids = new Int32Array(1024);
  private freqs = new Uint16Array(1024);
  private size = 0;

  push(doc: number, freq: ReadonlyMap<number, number>): void {
    if (this.size + freq.size > this.ids.length) this.grow(this.size + freq.size);
    for (const [id, n] of freq) {
      this.docs[this.size] = doc;
      this.ids[this.size] = id;
      this.freqs[this.size] = n;
      this.size++;
    }
  }

  /** Postings per term: term `t`'s documents (ascending) and frequencies at `starts[t]…starts[t + 1]`. */
  invert(termCount: number): { starts: Int32Array; docs: Int32Array; freqs: Uint16Array } {
    const starts = new Int32Array(termCount + 1);
    for (let i = 0; i < this.size; i++) starts[this.ids[i]! + 1]!++;
    for (let t = 0; t < termCount; t++) starts[t + 1]! += starts[t]!;
    const next = starts.slice(0, termCount);
    const docs = new Int32Array(this.size);
    const freqs = new Uint16Array(this.size);
    // Triples are in document order, so each term's documents come out ascending.
    for (let i = 0; i < this.size; i++) {
      const at = next[this.ids[i]!]!++;
      docs[at] = this.docs[i]!;
      freqs[at] = this.freqs[i]!;
    }
    return { starts, docs, freqs };
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.ids.length * 2);
    const grown = <T extends Int32Array | Uint16Array>(old: T, make: (n: number) => T): T => {
      const array = make(capacity);
      array.set(old.subarray(0, this.size));
      return array;
    };
    this.docs = grown(this.docs, (n) => new Int32Array(n));
    this.ids = grown(this.ids, (n) => new Int32Array(n));
    this.freqs = grown(this.freqs, (n) => new Uint16Array(n));
  }
}
