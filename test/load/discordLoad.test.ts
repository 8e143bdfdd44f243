import { describe, expect, it } from "vitest";
import { writeFixtureModel } from "../../src/engine/fixtures/fixtureModel.js";
import { discordLoad } from "../support/discordLoad.js";
import { tempDir } from "../support/tempDir.js";

describe("load: 100 concurrent slash commands with a slow model", () => {
  it("defers every interaction within 3 s, answers or politely refuses all, keeps the queue bounded and memory flat", { timeout: 240_000 }, async () => {
    const modelPath = `${tempDir()}/slow.gguf`;
    await writeFixtureModel(modelPath, { hidden: 512, layers: 8 }); // ~100 ms an answer on one CPU thread
    const result = await discordLoad({ modelPath, requests: 100, rounds: 2 });
    expect(result.answered + result.refused).toBe(100);
    expect(result.errors).toBe(0);
    expect(result.answered).toBeGreaterThanOrEqual(32);
    expect(result.deferMs.at(-1)!).toBeLessThan(3000);
    expect(result.maxQueue).toBeLessThanOrEqual(32);
    // Second round against the first: no growth beyond noise.
    expect(result.heapAfterMb - result.heapBeforeMb).toBeLessThan(30);
  });
});
