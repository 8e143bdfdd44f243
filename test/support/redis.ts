import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, Socket } from "node:net";
import { once } from "node:events";
import { afterAll } from "vitest";

export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const created = new Set<string>();
const privateServers = new Set<PrivateRedis>();
// Keys a test file wrote to the shared Redis are removed after it; its private servers are stopped.
afterAll(async () => {
  for (const server of privateServers) await server.stop();
  if (created.size === 0 || !(await redisAnswers())) return;
  for (const namespace of created) await dropNamespace(namespace);
  created.clear();
});

/** A key prefix no other test (or test run) uses; its keys on the shared Redis are deleted after the test file. */
export function uniqueNamespace(label: string): string {
  const namespace = `sidbot-test-${label}-${randomUUID().slice(0, 8)}`;
  created.add(namespace);
  return namespace;
}

/** Deletes every key of a test namespace (both the current and the legacy key layout). */
export async function dropNamespace(namespace: string, url = SHARED_REDIS_URL): Promise<void> {
  const { createClient } = await import("@keyv/redis");
  const client = createClient({ url });
  await client.connect();
  try {
    for (const pattern of [`${namespace}:*`, `${namespace}::*`]) {
      for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}

/** Whether something answers PING on host:port. */
export async function redisAnswers(port = 6379, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/** Real-Redis tests run in CI always; on a laptop without Redis they are skipped (loudly). */
export async function requireRedis(): Promise<boolean> {
  if (await redisAnswers()) return true;
  if (process.env.CI === "true") throw new Error("CI=true but no Redis answers on 127.0.0.1:6379 (.ci/run starts one)");
  console.warn("⚠ Redis is not running on 127.0.0.1:6379: skipping the real-Redis tests");
  return false;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, "close");
  return port;
}

export function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A private redis-server on a free port, persisting to `dir` so a restart keeps the data. */
export class PrivateRedis {
  private process: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    privateServers.add(this);
    this.process = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100 && !(await redisAnswers(this.port)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!(await redisAnswers(this.port))) throw new Error(`private redis-server did not start on ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGTERM"); // redis-server flushes its append-only file on SIGTERM
    await once(child, "exit");
    this.process = undefined;
  }
}
