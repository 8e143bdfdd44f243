import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/sidbot.js", import.meta.url));

export interface SidbotProcess {
  child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** The JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** Resolves with the first log line matching `test`. */
  waitForLog(test: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited: its code and how long after `since` (ms). */
  exited(since?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

/** Runs the built CLI (`bin/sidbot.js`) with `env` on top of the test's; optional `--import` preload. */
export function startSidbot(
  env: Record<string, string>,
  { args = [], preload }: { args?: string[]; preload?: string } = {},
): SidbotProcess {
  const child = spawn(process.execPath, [...(preload ? ["--import", preload] : []), BIN, ...args], {
    env: { ...process.env, REDIS_URL: "", MODEL_PATH: "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  const waiters: { test: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  const logs: Record<string, unknown>[] = [];
  let partial = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    partial += d.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      logs.push(parsed);
      for (const w of waiters.filter((w) => w.test(parsed))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  });
  const exit = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    stderr: () => stderr,
    logs: () => logs,
    waitForLog(test, timeoutMs = 15_000) {
      const seen = logs.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        setTimeout(() => reject(new Error(`no such log line; stderr so far:\n${stderr}`)), timeoutMs).unref();
      });
    },
    async exited(since = Date.now()) {
      const [code, signal] = await exit;
      return { code, signal, afterMs: Date.now() - since };
    },
  };
}
