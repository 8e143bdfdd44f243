/**
 * What a `sidbot` process loads, by command: the catalog commands and `chat --once` never load the
 * platform SDKs, the model runtime, pretty logging, queues, Redis or metrics clients; each of those
 * loads when its configuration asks for it (the controls, so no check passes because the trace saw
 * nothing). And a SIGTERM while the process is still starting is an orderly stop, exit 0.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sidOf } from "./support/catalogs.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "./support/redis.js";
import { startSidbot, type SidbotProcess } from "./support/sidbotProcess.js";
import { tempDir } from "./support/tempDir.js";

const TRACE = fileURLToPath(new URL("./support/preload/traceImports.mjs", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/sidbot.js", import.meta.url));
const redis = await requireRedis();

const HEAVY = [
  "discord.js",
  "@slack/bolt",
  "@slack/web-api",
  "node-llama-cpp",
  "pino-pretty",
  "bullmq",
  "ioredis",
  "@keyv/redis",
  "prom-client",
];
// Platform URLs nothing listens on: the adapters are imported and start connecting, nothing more.
const NOWHERE = { DISCORD_API_URL: "http://127.0.0.1:9/api", SLACK_API_URL: "http://127.0.0.1:9/api/" };

function importsOf(p: SidbotProcess): string[] {
  return p.logs().flatMap((l) => (typeof l.imported === "string" ? [l.imported] : []));
}

async function importsOfCommand(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const p = startSidbot({ LOG_LEVEL: "error", ...env }, { args, preload: TRACE });
  const exit = await p.exited();
  expect(exit, p.stderr()).toMatchObject({ code: 0 });
  return importsOf(p);
}

/** Starts the default command and stops it once `module` was imported; the modules it imported. */
async function importsOfBotUntil(module: string, env: Record<string, string>): Promise<string[]> {
  const p = startSidbot({ LOG_LEVEL: "error", ...NOWHERE, ...env }, { preload: TRACE });
  await p.waitForLog((l) => l.imported === module, 30_000);
  p.child.kill("SIGTERM");
  await p.exited();
  return importsOf(p);
}

describe("what each sidbot command imports", () => {
  it.each([
    ["--help", ["--help"]],
    ["map", ["map", sidOf(64, 313, 637, 768)]],
    ["find", ["find", "halo"]],
    ["catalog-info", ["catalog-info"]],
    ["chat --once", ["chat", "--once", "similar to Halo 3"]],
  ])("%s loads none of the platform, model, queue, Redis, metrics or pretty-log packages", async (_name, args) => {
    const imported = await importsOfCommand(args);
    expect(imported).toContain("commander");
    expect(imported.filter((m) => HEAVY.includes(m))).toEqual([]);
  });

  it("a JSONL catalog loads no CSV or Parquet reader; a CSV catalog loads the CSV reader (the control)", async () => {
    const jsonl = await importsOfCommand(["map", "x"]);
    expect(jsonl.filter((m) => ["csv-parse", "hyparquet", "hyparquet-compressors"].includes(m))).toEqual([]);
    const csv = join(tempDir(), "catalog.csv");
    writeFileSync(csv, `semantic_id,title\n"${sidOf(64, 313, 637, 768)}",Halo 3\n`);
    expect(await importsOfCommand(["map", "x"], { CATALOG_PATH: csv })).toContain("csv-parse");
  });

  it("map ignores REDIS_URL: no Redis client", async () => {
    const imported = await importsOfCommand(["map", "x"], { REDIS_URL: SHARED_REDIS_URL });
    expect(imported).not.toContain("@keyv/redis");
  });

  it(
    "controls: a Discord and Slack bot loads discord.js and Bolt; LOG_FORMAT=pretty loads pino-pretty; " + "HEALTH_PORT loads prom-client",
    async () => {
      const bot = await importsOfBotUntil("@slack/bolt", { DISCORD_TOKEN: "x", SLACK_BOT_TOKEN: "xoxb-x", SLACK_APP_TOKEN: "xapp-x" });
      expect(bot).toEqual(expect.arrayContaining(["discord.js", "@slack/bolt"]));
      expect(await importsOfCommand(["chat", "--once", "hi"], { LOG_FORMAT: "pretty" })).toContain("pino-pretty");
      expect(await importsOfCommand(["chat", "--once", "hi"], { HEALTH_PORT: "0" })).toContain("prom-client");
    },
  );

  it.runIf(redis)("control: chat with REDIS_URL loads the Redis client", async () => {
    const imported = await importsOfCommand(["chat", "--once", "hi"], {
      REDIS_URL: SHARED_REDIS_URL,
      MEMORY_NAMESPACE: uniqueNamespace("coldstart"),
    });
    expect(imported).toContain("@keyv/redis");
  });
});

/**
 * Runs `sidbot` with stdin kept open (the console chat waits for input) and sends SIGTERM as soon
 * as the process imports `module` — the trace makes "still starting" a precise moment.
 */
async function sigtermWhenImporting(module: string, args: string[] = []) {
  const child = spawn(process.execPath, ["--import", TRACE, BIN, ...args], {
    env: { ...process.env, REDIS_URL: "", MODEL_PATH: "", DISCORD_TOKEN: "", SLACK_BOT_TOKEN: "", LOG_LEVEL: "info" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  let signalled = false;
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (!signalled && stderr.includes(JSON.stringify({ imported: module }))) {
      signalled = true;
      child.kill("SIGTERM");
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  child.stdin.end();
  const messages = stderr.split("\n").flatMap((line) => {
    try {
      return [(JSON.parse(line) as { msg?: string }).msg];
    } catch {
      return [];
    }
  });
  return { code, signal, signalled, messages, stderr };
}

describe("SIGTERM while sidbot is still starting", () => {
  it.each([
    ["while the CLI itself loads", "commander"],
    ["while the catalog loads", "minisearch"],
  ])("%s: an orderly stop, exit 0 (not killed, 143)", async (_when, module) => {
    const exit = await sigtermWhenImporting(module);
    expect(exit.signalled, exit.stderr).toBe(true);
    expect({ code: exit.code, signal: exit.signal }, exit.stderr).toEqual({ code: 0, signal: null });
    expect(exit.messages).toEqual(expect.arrayContaining(["shutting down", "stopped before serving"]));
  });

  it("a one-shot command is still ended by the signal (it is not held back)", async () => {
    const exit = await sigtermWhenImporting("commander", ["find", "halo"]);
    expect(exit.signalled, exit.stderr).toBe(true);
    expect(exit.signal).toBe("SIGTERM");
  });
});
