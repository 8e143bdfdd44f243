/**
 * The token layout of semantic IDs (DESIGN.md §2): `levels` levels, level k uses the token numbers
 * `codesPerLevel*k … codesPerLevel*k + codesPerLevel-1`, written `<|sid_{n}|>` between
 * `<|sid_start|>` and `<|sid_end|>`.
 */
export const SID_START = "<|sid_start|>";
export const SID_END = "<|sid_end|>";

export interface SidLayoutOptions {
  /** Levels per SID. @defaultValue 4 */
  levels?: number;
  /** Codes per level. @defaultValue 256 */
  codesPerLevel?: number;
}

export type SidParseResult = { ok: true; codes: number[] } | { ok: false; reason: string };

const defaults = { levels: 4, codesPerLevel: 256 } as const satisfies Required<SidLayoutOptions>;

// One level token, canonical form only: ASCII digits without leading zeros.
const TOKEN = /<\|sid_(0|[1-9][0-9]*)\|>/y;

export class SidLayout {
  readonly levels: number;
  readonly codesPerLevel: number;

  constructor({ levels = defaults.levels, codesPerLevel = defaults.codesPerLevel }: SidLayoutOptions = {}) {
    if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`levels must be a positive integer, got ${levels}`);
    if (!Number.isInteger(codesPerLevel) || codesPerLevel < 2) {
      throw new RangeError(`codesPerLevel must be an integer ≥ 2, got ${codesPerLevel}`);
    }
    // Packed keys (see packCodes) must stay exact in a double.
    if (codesPerLevel ** levels > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`codesPerLevel^levels is too large (${codesPerLevel}^${levels})`);
    }
    this.levels = levels;
    this.codesPerLevel = codesPerLevel;
  }

  /** Number of distinct `<|sid_N|>` tokens this layout uses. */
  get tokenCount(): number {
    return this.levels * this.codesPerLevel;
  }

  /** Token number N of `<|sid_N|>` for a code at a level (0-based). */
  tokenNumber(level: number, code: number): number {
    return level * this.codesPerLevel + code;
  }

  /** `[8, 198, 118, 0]` → `<|sid_start|><|sid_8|><|sid_454|><|sid_630|><|sid_768|><|sid_end|>`. */
  format(codes: readonly number[]): string {
    let out = SID_START;
    for (let level = 0; level < codes.length; level++) out += `<|sid_${this.tokenNumber(level, codes[level]!)}|>`;
    return out + SID_END;
  }

  /**
   * Parses a canonical SID string. Invalid when a token is outside its level's range, the number
   * of levels is wrong, or the text is not exactly one SID.
   */
  parse(text: string): SidParseResult {
    if (!text.startsWith(SID_START) || !text.endsWith(SID_END)) {
      return { ok: false, reason: `must start with ${SID_START} and end with ${SID_END}` };
    }
    const end = text.length - SID_END.length;
    const codes: number[] = [];
    let pos = SID_START.length;
    while (pos < end) {
      TOKEN.lastIndex = pos;
      const m = TOKEN.exec(text);
      if (!m || m.index + m[0].length > end) return { ok: false, reason: `unexpected text at offset ${pos}` };
      const level = codes.length;
      const n = Number(m[1]);
      if (level >= this.levels) return { ok: false, reason: `has more than ${this.levels} levels` };
      const low = this.tokenNumber(level, 0);
      if (n < low || n >= low + this.codesPerLevel) {
        return { ok: false, reason: `level ${level + 1} token <|sid_${n}|> is outside ${low}…${low + this.codesPerLevel - 1}` };
      }
      codes.push(n - low);
      pos = m.index + m[0].length;
    }
    if (codes.length !== this.levels) return { ok: false, reason: `has ${codes.length} levels, expected ${this.levels}` };
    return { ok: true, codes };
  }

  isValid(text: string): boolean {
    return this.parse(text).ok;
  }

  /** Packs the first `depth` codes into one integer; equal prefixes ⇔ equal keys (per depth). */
  packCodes(codes: readonly number[], depth = codes.length): number {
    let key = 0;
    for (let i = 0; i < depth; i++) key = key * this.codesPerLevel + codes[i]!;
    return key;
  }
}
