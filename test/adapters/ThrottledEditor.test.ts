import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ThrottledEditor } from "../../src/adapters/ThrottledEditor.js";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe("ThrottledEditor", () => {
  it("edits at most once per interval, always with the whole text so far", async () => {
    const edits: { at: number; text: string }[] = [];
    const editor = new ThrottledEditor(1000, async (text) => void edits.push({ at: Date.now(), text }));
    const start = Date.now();
    for (let i = 0; i < 50; i++) {
      editor.push(`w${i} `);
      await vi.advanceTimersByTimeAsync(100); // a token every 100 ms for 5 s
    }
    await vi.advanceTimersByTimeAsync(1000);
    await editor.finish();
    expect(edits.length).toBeGreaterThanOrEqual(4);
    expect(edits.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < edits.length; i++) expect(edits[i]!.at - edits[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(edits[0]!.at - start).toBeLessThan(200); // the first words show at once
    expect(edits.at(-1)!.text).toBe(Array.from({ length: 50 }, (_, i) => `w${i} `).join(""));
  });

  it("keeps going after a failed edit and reports it", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const editor = new ThrottledEditor(
      100,
      async () => {
        if (++calls === 1) throw new Error("429");
      },
      (e) => errors.push(e),
    );
    editor.push("a");
    await vi.advanceTimersByTimeAsync(10);
    editor.push("b");
    await vi.advanceTimersByTimeAsync(200);
    await editor.finish();
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
  });
});
