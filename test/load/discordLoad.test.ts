import { describe, expect, it } from "vitest";
import { writeFixtureModel } from "../../src/engine/fixtures/fixtureModel.js";
import { discordLoad } from "../support/discordLoad.js";
import { tempDir } from "../support/tempDir.js";

// Behaviour only: how fast the defers come and how the heap grows are figures of `npm run bench`
// (load section), where they are measured with `--expose-gc` on a quiet machine.
describe("load: 100 concurrent slash commands with a slow model", () => {
  it("defers every interaction, answers or politely refuses each, keeps the queue bounded", { timeout: 240_000 }, async () => {
    const modelPath = `${tempDir()}/slow.gguf`;
    await writeFixtureModel(modelPath, { hidden: 512, layers: 8 }); // ~100 ms an answer on one CPU thread
    const result = await discordLoad({ modelPath, requests: 100, rounds: 2 });
    expect(result.deferred).toBe(100);
    expect(result.answered + result.refused).toBe(100);
    expect(result.errors).toBe(0);
    expect(result.answered).toBeGreaterThanOrEqual(32);
    expect(result.maxQueue).toBeLessThanOrEqual(32);
  });
});
