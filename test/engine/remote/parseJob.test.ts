import { describe, expect, it } from "vitest";
import { allowedFromWire, allowedToWire } from "../../../src/engine/remote/allowedWire.js";
import { parseJob } from "../../../src/engine/remote/parseJob.js";

const SIZE = 1003; // 126 bytes, the last one with 3 spare bits
const job = (allowed?: unknown) => ({
  kind: "rank",
  prompt: { turns: [{ role: "user", parts: [{ text: "hello" }] }], systemPrompt: null, reserveTokens: 64 },
  exclude: [],
  k: 3,
  deadline: 1,
  budgetMs: 1,
  catalog: "c",
  ...(allowed === undefined ? {} : { allowed }),
});

describe("parseJob: the allowed items of a remote job", () => {
  it("takes bits of exactly ceil(n/8) bytes, base64, and gives back the same bits and count", () => {
    const bits = new Uint8Array(126);
    bits[0] = 0b1010_0001;
    bits[125] = 0b0000_0100; // position 1002, the last item
    const wire = allowedToWire({ key: "k", bits, count: 4 });
    expect(wire.bits).toBe(Buffer.from(bits).toString("base64"));
    const parsed = parseJob(job(wire), SIZE);
    expect(typeof parsed).toBe("object");
    const back = allowedFromWire((parsed as { allowed: typeof wire }).allowed);
    expect(Array.from(back.bits)).toEqual(Array.from(bits));
    expect(back.count).toBe(4);
    expect(parseJob(job(), SIZE)).toMatchObject({ kind: "rank" });
  });

  it("refuses bits of the wrong size, set past the last item, not base64, or with unknown fields, saying which", () => {
    const b64 = (bytes: number[]) => Buffer.from(bytes).toString("base64");
    expect(parseJob(job({ key: "k", bits: b64(new Array(125).fill(0)) }), SIZE)).toBe(
      "allowed.bits: has 125 bytes, expected 126 for 1003 items",
    );
    expect(parseJob(job({ key: "k", bits: b64(new Array(127).fill(0)) }), SIZE)).toMatch(/^allowed\.bits: has 127 bytes/);
    expect(parseJob(job({ key: "k", bits: b64([...new Array(125).fill(0), 0b0000_1000]) }), SIZE)).toBe(
      "allowed.bits: sets bits past the catalog's last item (1002)",
    );
    expect(parseJob(job({ key: "k", bits: "not base64!" }), SIZE)).toMatch(/^allowed\.bits: /);
    expect(parseJob(job({ key: "k", bits: b64([0]), count: 3 }), SIZE)).toMatch(/^allowed: /);
    expect(parseJob(job({ bits: b64([0]) }), SIZE)).toMatch(/^allowed\.key: /);
  });
});
