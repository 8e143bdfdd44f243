/**
 * Install size: this checkout's node_modules against the lean installs the README describes, each
 * made for real from the registry in a temporary copy of the committed tree, then run once.
 * Skipped with SIDBOT_BENCH_INSTALL=0 (it downloads packages) or outside a git checkout.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuBinaryPackage } from "../src/engine/model/llamaBinaryPackage.js";
import { fmt } from "./stats.js";

const LEAN_TARGET_MB = 300;

export async function installBench(print: (line: string) => void): Promise<void> {
  const root = process.cwd();
  print(`install: full npm ci here: ${fmt(sizeMb(join(root, "node_modules")), 0)} MB of node_modules`);
  if (process.env.SIDBOT_BENCH_INSTALL === "0") return print("  lean installs skipped (SIDBOT_BENCH_INSTALL=0)");
  const dir = mkdtempSync(join(tmpdir(), "sidbot-lean-"));
  try {
    try {
      execFileSync("sh", ["-c", `git -C "${root}" archive HEAD | tar -x -C "${dir}"`], { stdio: "ignore" });
    } catch {
      return print("  lean installs skipped (not a git checkout)");
    }
    // NODE_LLAMA_CPP_SKIP_DOWNLOAD: npm ≤ 10 runs node-llama-cpp's postinstall, which would compile llama.cpp.
    const npm = (...args: string[]) =>
      execFileSync("npm", [...args, "--no-audit", "--no-fund"], {
        cwd: dir,
        stdio: "ignore",
        env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: "true" },
      });
    const chat = (env: NodeJS.ProcessEnv = {}) => {
      const out = execFileSync(process.execPath, ["bin/sidbot.js", "chat", "--once", "games like halo 3", "--json"], {
        cwd: dir,
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      return (JSON.parse(out) as { backend: string }).backend;
    };

    let started = performance.now();
    npm("ci", "--omit=optional");
    const leanMb = sizeMb(join(dir, "node_modules"));
    const lean =
      `bot-only (npm ci --omit=optional): ${fmt(leanMb, 0)} MB in ` +
      `${fmt((performance.now() - started) / 1000)} s, answers from the ${chat()}`;
    print(`  ${lean} — target < ${LEAN_TARGET_MB} MB: ${leanMb < LEAN_TARGET_MB ? "met" : "NOT met"}`);

    // A CPU-only host adds the one llama.cpp build for its platform.
    const binary = cpuBinaryPackage();
    started = performance.now();
    npm("install", "--no-save", "--omit=optional", `${binary}@3.21.1`);
    const cpuMb = sizeMb(join(dir, "node_modules"));
    execFileSync(process.execPath, ["bin/sidbot.js", "fixture-model", "--out", join(dir, "fixture.gguf")], { cwd: dir, stdio: "ignore" });
    const backend = chat({ MODEL_PATH: join(dir, "fixture.gguf") });
    print(
      `  CPU-only (+ ${binary}): ${fmt(cpuMb, 0)} MB in ${fmt((performance.now() - started) / 1000)} s more, answers from the ${backend}`,
    );
  } catch (error) {
    print(`  lean installs failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sizeMb(path: string): number {
  try {
    return Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]) / 1024;
  } catch {
    return NaN;
  }
}
