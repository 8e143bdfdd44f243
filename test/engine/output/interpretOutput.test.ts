import { describe, expect, it } from "vitest";
import { interpretOutput } from "../../../src/engine/output/interpretOutput.js";
import { demoCatalog, sidOf } from "../../support/catalogs.js";

describe("interpretOutput", async () => {
  const catalog = await demoCatalog();

  it("maps SIDs, de-duplicates, and keeps the explanation text", () => {
    const out = `<think>\n\n</think>\n\n${sidOf(139, 289, 534, 768)}, ${sidOf(139, 289, 534, 768)}\nIf you liked it, try this.<|im_end|>`;
    const { items, text } = interpretOutput(catalog, out);
    expect(items).toEqual([{ id: expect.any(String), sid: sidOf(139, 289, 534, 768), title: "Nights of Azure - PlayStation 4", match: "exact", platform: "PlayStation 4" }]);
    expect(text).toBe("If you liked it, try this.");
  });

  it("labels prefix matches and unknown SIDs", () => {
    const { items } = interpretOutput(catalog, `${sidOf(64, 313, 600, 768)}, ${sidOf(7, 300, 600, 768)}`);
    expect(items).toEqual([
      { id: expect.any(String), sid: sidOf(64, 313, 637, 768), title: "Halo 3 Limited Edition -Xbox 360", match: "L2", similarCount: 1, platform: "Xbox 360" },
      { id: "", sid: sidOf(7, 300, 600, 768), title: "[Unknown Item]", match: "unknown" },
    ]);
  });

  it("returns plain text untouched apart from control tokens", () => {
    expect(interpretOutput(catalog, "Xbox Racing Legends: NASCAR & Forza Collection<|im_end|>")).toEqual({ items: [], text: "Xbox Racing Legends: NASCAR & Forza Collection" });
  });
});
