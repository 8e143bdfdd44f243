import { describe, expect, it } from "vitest";
import { splitText, truncateText } from "../../src/adapters/splitText.js";
import { seededRandom } from "../../src/util/random.js";

describe("splitText", () => {
  it("keeps short text whole", () => {
    expect(splitText("hello world", 2000)).toEqual(["hello world"]);
  });

  it("splits at paragraph, line and word boundaries within the limit", () => {
    const text = `${"word ".repeat(300)}\n\n${"next ".repeat(300)}`;
    const chunks = splitText(text, 2000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(2000);
    expect(chunks.join(" ").replace(/\s+/g, " ").trim()).toBe(text.replace(/\s+/g, " ").trim());
    for (const c of chunks) expect(c).not.toMatch(/wor$|^ord/);
  });

  it("never leaves a code fence or bold marker open", () => {
    const text = `**bold ${"x ".repeat(50)}**\n\`\`\`ts\n${"const a = 1;\n".repeat(200)}\`\`\`\nafter`;
    const chunks = splitText(text, 500);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(500);
      expect((c.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(chunks[1]).toMatch(/^```ts\n/);
  });

  it("holds the limit on random text (property)", () => {
    const random = seededRandom(2);
    const alphabet = ["a", "b", " ", "\n", "*", "`", "_", "~", "é", "💥", "```"];
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: random.int(6000) }, () => random.pick(alphabet)).join("");
      const limit = 100 + random.int(1900);
      for (const c of splitText(text, limit)) expect(c.length).toBeLessThanOrEqual(limit);
    }
  });

  it("truncates at a word with an ellipsis", () => {
    expect(truncateText("one two three four", 12)).toBe("one two…");
    expect(truncateText("short", 12)).toBe("short");
  });
});
