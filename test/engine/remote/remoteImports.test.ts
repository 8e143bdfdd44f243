/** A bot in remote mode never loads node-llama-cpp (a worker host does; a bot host may not even have it). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fixtureModel } from "../../support/models.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { startSidbot } from "../../support/sidbotProcess.js";
import { tempDir } from "../../support/tempDir.js";

const redis = await requireRedis();
const TRACE = fileURLToPath(new URL("../../support/preload/traceImports.mjs", import.meta.url));

async function importsOf(env: Record<string, string>): Promise<string[]> {
  const p = startSidbot({ LOG_LEVEL: "error", ...env }, { args: ["chat", "--once", "games like halo 3", "--json"], preload: TRACE });
  expect((await p.exited()).code).toBe(0);
  return p.logs().flatMap((l) => (typeof l.imported === "string" ? [l.imported] : []));
}

describe.runIf(redis)("what a bot process loads", () => {
  it("in remote mode: BullMQ, not node-llama-cpp; with the model inline: node-llama-cpp, not BullMQ", async () => {
    const remote = await importsOf({ ENGINE_MODE: "remote", REDIS_URL: SHARED_REDIS_URL, MEMORY_NAMESPACE: uniqueNamespace("imports") });
    expect(remote).toContain("bullmq");
    expect(remote).not.toContain("node-llama-cpp");
    // The control: the same trace sees node-llama-cpp when the model runs inside the bot.
    const dir = tempDir();
    const config = join(dir, "inline.json");
    writeFileSync(config, JSON.stringify({ model: { isolation: "inline", gpu: "off" } }));
    const inline = await importsOf({ MODEL_PATH: await fixtureModel(dir), SIDBOT_CONFIG: config });
    expect(inline).toContain("node-llama-cpp");
    expect(inline).not.toContain("bullmq");
  }, 60_000);
});
