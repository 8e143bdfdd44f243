/**
 * Code spans in markdown the model wrote, found the way CommonMark finds them: a backtick run
 * opens a span that the next run of the same length closes (a run with none stays literal), and
 * a backslash-escaped backtick opens nothing. Used to leave the model's code as written.
 */

export interface Segment {
  text: string;
  code: boolean;
}

export interface Scan {
  segments: Segment[];
  /** Where the first backtick run with no closing run starts (text.length when none). */
  firstUnclosed: number;
  /** Lengths of the backtick runs with no closing run. */
  unclosedLengths: Set<number>;
}

/** Splits text into code spans and the rest, as CommonMark does (a backslash-escaped backtick opens nothing). */
export function scanCodeSpans(text: string): Scan {
  const segments: Segment[] = [];
  const unclosedLengths = new Set<number>();
  let firstUnclosed = text.length;
  let plainStart = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] === "\\") {
      i += 2;
      continue;
    }
    if (text[i] !== "`") {
      i++;
      continue;
    }
    const run = runLength(text, i);
    const close = closingRun(text, i + run, run);
    if (close < 0) {
      unclosedLengths.add(run);
      firstUnclosed = Math.min(firstUnclosed, i);
      i += run;
      continue;
    }
    if (i > plainStart) segments.push({ text: text.slice(plainStart, i), code: false });
    segments.push({ text: text.slice(i, close + run), code: true });
    i = plainStart = close + run;
  }
  if (plainStart < text.length) segments.push({ text: text.slice(plainStart), code: false });
  return { segments, firstUnclosed, unclosedLengths };
}

function runLength(text: string, at: number): number {
  let end = at;
  while (text[end] === "`") end++;
  return end - at;
}

/** Start of the next backtick run of exactly `length` from `from`, or -1 (inside code, backslashes are literal). */
function closingRun(text: string, from: number, length: number): number {
  let i = text.indexOf("`", from);
  while (i >= 0) {
    const run = runLength(text, i);
    if (run === length) return i;
    i = text.indexOf("`", i + run);
  }
  return -1;
}
