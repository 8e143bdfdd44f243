import { describe, expect, it } from "vitest";
import { titleTerms } from "../../../src/engine/titles/normalizeTitle.js";

describe("titleTerms", () => {
  it("joins hyphenated words as one more term", () => {
    expect(titleTerms("Sci-Fi Shooter")).toEqual(["sci", "fi", "shooter", "scifi"]);
  });

  it("never yields an empty term: letters that normalise to nothing around a hyphen add no term", () => {
    // U+FF9E (halfwidth voiced mark) and U+037A (ypogegrammeni) are letters that NFKD turns into combining marks.
    for (const title of ["Kana \uFF9E-\uFF9E Quest - PC", "ab \u037A-\u037A Saga"]) {
      const terms = titleTerms(title);
      expect(terms.filter((t) => t === "" || t.includes(" "))).toEqual([]);
    }
  });
});
