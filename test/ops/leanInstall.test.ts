/**
 * README "Install size and lean installs": on a host installed with --omit=optional (no prebuilt
 * llama.cpp binaries), a configured model is reported in one line and answers come from the catalog.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fixtureModel } from "../support/models.js";
import { tempDir } from "../support/tempDir.js";

const NO_BINARIES = fileURLToPath(new URL("../support/preload/noLlamaBinaries.mjs", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/sidbot.js", import.meta.url));

describe("a lean install (no llama.cpp binaries)", () => {
  it("answers from the catalog and says in one log line how to get the binaries", async () => {
    const modelPath = await fixtureModel(tempDir());
    const env = { ...process.env, REDIS_URL: "", LOG_LEVEL: "warn", MODEL_PATH: modelPath };
    const args = ["--import", NO_BINARIES, BIN, "chat", "--once", "games like halo 3", "--json"];
    // execFile rejects on a non-zero exit.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { env });
    const reply = JSON.parse(stdout) as { backend: string; items: { title: string }[] };
    expect(reply.backend).toBe("catalog");
    expect(reply.items.length).toBeGreaterThan(0);
    const logs = stderr.split("\n").flatMap((line) => (line.startsWith("{") ? [JSON.parse(line) as Record<string, unknown>] : []));
    const problems = logs.filter((l) => typeof l.level === "number" && l.level >= 40);
    expect(problems).toHaveLength(1);
    expect(JSON.stringify(problems[0])).toMatch(/--omit=optional/);
    expect(JSON.stringify(problems[0])).toMatch(/@node-llama-cpp\//);
  }, 60_000);
});
