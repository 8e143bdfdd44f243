/**
 * Remote model workers (engine.mode "remote") on the fixture model and the built-in catalog:
 * throughput with one `sidbot worker` vs two (same run, same requests), and the latency a
 * request pays for going through BullMQ and Redis vs the same model in the bot's process.
 * Needs Redis on 127.0.0.1:6379 (skipped otherwise); uses its own key namespace and removes it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { loadConfig } from "../src/config.js";
import { Engine } from "../src/engine/Engine.js";
import { writeFixtureModel } from "../src/engine/fixtures/fixtureModel.js";
import type { Task } from "../src/engine/types.js";
import { fmt, median } from "./stats.js";

const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const BIN = fileURLToPath(new URL("../../bin/sidbot.js", import.meta.url));
const REQUESTS = 48;

export async function remoteBench(dir: string, print: (line: string) => void): Promise<void> {
  const probe = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
  } catch {
    print(`remote workers: skipped (no Redis at ${REDIS_URL})`);
    return;
  }
  const namespace = `sidbot-bench-${randomUUID().slice(0, 8)}`;
  const modelPath = join(dir, "remote-bench-model.gguf");
  await writeFixtureModel(modelPath);
  const workers: ChildProcess[] = [];
  const engines: Engine[] = [];
  try {
    const env = { MODEL_PATH: modelPath, MEMORY_NAMESPACE: namespace, MODEL_GPU: "off", MODEL_THREADS: "1" };
    const remoteConfig = loadConfig({ env: { ...env, ENGINE_MODE: "remote", MODEL_PATH: "" } });
    remoteConfig.limits.maxQueue = 1000;
    const remote = await Engine.create(remoteConfig, { redisUrl: REDIS_URL });
    engines.push(remote);
    const items = remote.catalog.catalog.items;
    const task = (i: number): Task => ({ kind: "similar", items: [items[i % items.length]!], k: 3 });

    workers.push(await startWorker({ ...env, REDIS_URL }));
    await until(() => readiness(remote) === 1);
    await runAll(remote, task, 8); // warm-up
    const one = await throughput(remote, task);
    workers.push(await startWorker({ ...env, REDIS_URL }));
    await until(() => readiness(remote) === 2);
    await runAll(remote, task, 8);
    const two = await throughput(remote, task);
    print(`remote workers (fixture model, ${REQUESTS} concurrent requests, 2 sequences per worker, this machine's cores shared by all):`);
    print(`  1 worker ${fmt(one, 1)} req/s, 2 workers ${fmt(two, 1)} req/s → ×${fmt(two / one, 2)}`);

    // One request at a time: through a worker vs the same model inside this process.
    const local = await Engine.create(loadConfig({ env: { ...env, MODEL_PATH: modelPath } }), {});
    engines.push(local);
    const viaQueue: number[] = [];
    const inProcess: number[] = [];
    for (let i = 0; i < 30; i++) {
      viaQueue.push(await timed(() => remote.run(task(i), { seed: i })));
      inProcess.push(await timed(() => local.run(task(i), { seed: i })));
    }
    const overhead = median(viaQueue) - median(inProcess);
    print(
      `  one request: via worker median ${fmt(median(viaQueue), 1)} ms vs model in the bot's process ` +
        `(child process) ${fmt(median(inProcess), 1)} ms → ×${fmt(median(viaQueue) / median(inProcess), 2)} ` +
        `(+${fmt(overhead, 1)} ms)`,
    );
  } finally {
    for (const engine of engines) await engine.dispose();
    for (const worker of workers) {
      worker.kill("SIGTERM");
      if (worker.exitCode === null) await once(worker, "exit");
    }
    for await (const keys of probe.scanStream({ match: `${namespace}:*`, count: 500 }))
      if ((keys as string[]).length) await probe.del(...(keys as string[]));
    probe.disconnect();
  }
}

function readiness(engine: Engine): number {
  const details = engine.modelBackend?.readiness?.() as { workers?: { available: number } } | undefined;
  return details?.workers?.available ?? 0;
}

async function throughput(engine: Engine, task: (i: number) => Task): Promise<number> {
  const started = performance.now();
  const answers = await runAll(engine, task, REQUESTS);
  const fromModel = answers.filter((a) => a.backend === "llama").length;
  if (fromModel !== REQUESTS) throw new Error(`only ${fromModel} of ${REQUESTS} answers came from the workers`);
  return REQUESTS / ((performance.now() - started) / 1000);
}

function runAll(engine: Engine, task: (i: number) => Task, n: number) {
  return Promise.all(Array.from({ length: n }, (_, i) => engine.run(task(i), { seed: i })));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "worker"], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
      if (log.includes('"model worker ready"')) resolve();
    });
    child.once("exit", (code) => reject(new Error(`sidbot worker exited (${code}): ${log}`)));
  });
  return child;
}

async function until(test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error("workers did not register in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
