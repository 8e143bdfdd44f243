import { describe, expect, it } from "vitest";
import { ProgressBar } from "../../../src/engine/eval/ProgressBar.js";

describe("ProgressBar", () => {
  it("draws on a terminal and clears itself", () => {
    let out = "";
    const bar = new ProgressBar({ write: (t) => (out += t), tty: true, width: 10 });
    bar.update(5, 10, "catalog");
    expect(out).toBe("\r\x1b[2K[#####-----] 5/10 catalog");
    bar.update(5, 10, "catalog"); // nothing changed: no redraw
    expect(out).toBe("\r\x1b[2K[#####-----] 5/10 catalog");
    bar.clear();
    expect(out.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("writes nothing at all when the stream is not a terminal", () => {
    let out = "";
    const bar = new ProgressBar({ write: (t) => (out += t), tty: false });
    for (let i = 0; i <= 10; i++) bar.update(i, 10, "catalog");
    bar.clear();
    expect(out).toBe("");
  });
});
