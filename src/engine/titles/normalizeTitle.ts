/**
 * Normalisation shared by the title index and its queries: accents folded, lower case, `&` → and,
 * apostrophes dropped ("Assassin's" → "assassins"), punctuation to spaces, Roman numerals II–X as
 * digits so "Dragon Quest Heroes 2" finds "… II".
 */
const ROMAN: Readonly<Record<string, string>> = {
  ii: "2",
  iii: "3",
  iv: "4",
  v: "5",
  vi: "6",
  vii: "7",
  viii: "8",
  ix: "9",
  x: "10",
};

export function normalizeTitle(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’`´]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Terms of a normalised text, Roman numerals as digits; hyphenated words also joined ("sci-fi" → sci, fi, scifi). */
export function titleTerms(text: string): string[] {
  const normalized = normalizeTitle(text);
  if (normalized === "") return [];
  const terms = normalized.split(" ").map((term) => (Object.hasOwn(ROMAN, term) ? ROMAN[term]! : term));
  for (const m of text.matchAll(/(\p{L}+)-(\p{L}+)/gu)) {
    // Letters that normalise to combining marks ("ﾞ-ﾞ") leave nothing, or more than one word, to join.
    const joined = normalizeTitle(m[1]! + m[2]!);
    if (joined !== "" && !joined.includes(" ")) terms.push(joined);
  }
  return terms;
}
