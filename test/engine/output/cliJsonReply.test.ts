/** `sidbot chat --once … --json`: every reply carries `backend` and `timings`, clarifications included (issue 11). */
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";

async function once(text: string, env: NodeJS.ProcessEnv = {}) {
  let out = "";
  const code = await main(
    ["chat", "--json", "--conversation", `json-${text}`, "--once", text],
    { out: (t) => (out += t), err: () => {}, readStdin: async () => "" },
    env,
  );
  return {
    code,
    reply: JSON.parse(out) as { kind: string; backend?: unknown; timings?: { totalMs: number; backendMs: number; tokens: number } },
  };
}

describe("sidbot chat --once --json", () => {
  it("always has backend and timings: answers, help and clarifying questions alike", async () => {
    const kinds = new Set<string>();
    for (const text of ["help", "more like #1", "why #2?", "similar to Halo 3"]) {
      const { code, reply } = await once(text);
      expect(code, text).toBe(0);
      kinds.add(reply.kind);
      expect(reply.backend, `${text} (${reply.kind})`).toBe("catalog");
      expect(reply.timings, `${text} (${reply.kind})`).toMatchObject({
        totalMs: expect.any(Number),
        backendMs: expect.any(Number),
        tokens: expect.any(Number),
      });
      expect(reply.timings!.totalMs).toBeGreaterThanOrEqual(0);
    }
    // The engine did not answer at least one of them: the reply still says what would have.
    expect(
      [...kinds].some((k) => k !== "answer"),
      [...kinds].join(),
    ).toBe(true);
  });
});
