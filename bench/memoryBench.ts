/**
 * Memory of a running bot: `sidbot` in the terminal chat with the 66k catalog and the fixture model
 * in its child process, after a similar-to request and a taste request (which builds the topic
 * index). RSS of both processes from /proc (Linux only); the tiny fixture's weights and context are
 * a few MB, so the sum is close to "excluding model weights and the llama.cpp context".
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFixtureModel } from "../src/engine/fixtures/fixtureModel.js";
import { fmt } from "./stats.js";

const TARGET_MB = 250;
const REQUESTS = ["something similar to vikgar empire 3", "I like cozy farming games"];
// V8 gives back the garbage of a burst (loading, indexing) after some seconds of idle (its memory
// reducer): figures are read once the bot has idled, as a running bot between requests does.
const SETTLE_MS = 25_000;

export async function memoryBench(dir: string, catalogPath: string, print: (line: string) => void): Promise<void> {
  if (!existsSync("/proc/self/status")) return print("memory: skipped (needs /proc)");
  const modelPath = join(dir, "memory.gguf");
  await writeFixtureModel(modelPath);
  const env = { ...process.env, CATALOG_PATH: catalogPath, MODEL_PATH: modelPath, TITLE_INDEX_CACHE_DIR: "off", LOG_LEVEL: "error" };
  const bot = spawn(process.execPath, ["bin/sidbot.js"], { env, stdio: ["pipe", "pipe", "inherit"] });
  try {
    let output = "";
    bot.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    // The chat prints a "you> " prompt after the banner and after each reply.
    const prompts = () => output.split("you> ").length - 1;
    const waitFor = async (test: () => boolean) => {
      while (!test()) {
        if (bot.exitCode !== null) throw new Error(`sidbot exited (${bot.exitCode}): ${output.slice(-300)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitFor(() => output.includes("model loaded") && prompts() >= 1);
    const settled = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await settled();
    const rows = [`  after start-up: ${describe(bot.pid!)}`];
    for (const [i, request] of REQUESTS.entries()) {
      bot.stdin.write(`${request}\n`);
      await waitFor(() => prompts() >= i + 2);
      await settled();
      rows.push(`  after "${request}": ${describe(bot.pid!)}`);
    }
    print(
      `memory: sidbot terminal chat, ${catalogPath.split("/").at(-1)}, fixture model in a child process, ` +
        `RSS ${SETTLE_MS / 1000} s after each step (target < ${TARGET_MB} MB)`,
    );
    for (const row of rows) print(row);
  } finally {
    bot.kill("SIGTERM");
  }
}

function describe(pid: number): string {
  const child = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  const botMb = rssMb(pid);
  const childMb = child.reduce((sum, p) => sum + rssMb(p), 0);
  const total = botMb + childMb;
  const verdict = total < TARGET_MB ? "meets" : "misses";
  return `bot ${fmt(botMb)} MB + model child ${fmt(childMb)} MB = ${fmt(total)} MB (${verdict} < ${TARGET_MB} MB)`;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.match(/\d+/)?.[0] ?? NaN) / 1024;
}
