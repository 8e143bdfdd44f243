/**
 * Discord sharding (`discord.shards` ≠ 1): this process becomes discord.js's ShardingManager and
 * starts one full sidbot process per shard (the same CLI, with SHARDS / SHARD_COUNT in its
 * environment, which discord.js's Client reads itself). The manager loads neither the catalog nor
 * the model; it respawns a shard process that dies, forwards SIGTERM / SIGINT to the shards and
 * exits once they have stopped. Slack (and its HTTP port) runs in shard 0 only; a HEALTH_PORT
 * becomes one port per shard (HEALTH_PORT + shard id).
 */
import { setTimeout as delay } from "node:timers/promises";
import { once } from "node:events";
import type { ChildProcess } from "node:child_process";
import { REST, Routes, ShardingManager, type Shard } from "discord.js";
import { PROJECT_ROOT, type Config, type Secrets } from "../../config.js";
import { ConfigError, PlatformStartError, SidbotError, describeError } from "../../errors.js";
import { ProcessLifecycle } from "../../ops/ProcessLifecycle.js";
import type { Logger } from "../../util/logger.js";

/** The shard this process serves, when a shard manager started it. */
export function shardOfProcess(env: NodeJS.ProcessEnv = process.env): { id: number; count: number } | undefined {
  if (!env.SHARDING_MANAGER || env.SHARDS === undefined || env.SHARD_COUNT === undefined) return undefined;
  const id = Number(env.SHARDS);
  const count = Number(env.SHARD_COUNT);
  return Number.isInteger(id) && Number.isInteger(count) ? { id, count } : undefined;
}

/** Whether `sidbot` should run the shard manager instead of a bot. */
export function wantsShardManager(settings: Config, secrets: Secrets, env: NodeJS.ProcessEnv): boolean {
  return secrets.discordToken !== undefined && settings.discord.shards !== 1 && shardOfProcess(env) === undefined;
}

/** Platform settings only shard 0 gets: one Slack connection (and one listener on SLACK_PORT) for the whole bot. */
const SHARD_ZERO_ONLY = ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_PORT"];

/** The environment of one shard process. */
export function shardEnv(env: NodeJS.ProcessEnv, id: number, count: number, token: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    ...env,
    SHARDING_MANAGER: "true",
    SHARDING_MANAGER_MODE: "process",
    SHARDS: String(id),
    SHARD_COUNT: String(count),
    DISCORD_TOKEN: token,
  };
  if (id !== 0) for (const name of SHARD_ZERO_ONLY) delete out[name];
  const health = Number(env.HEALTH_PORT);
  if (env.HEALTH_PORT && Number.isInteger(health) && health > 0) out.HEALTH_PORT = String(health + id);
  return out;
}

/** Discord's recommended shard count (GET /gateway/bot), through `apiUrl` when set. */
export async function recommendedShards(token: string, apiUrl?: string): Promise<number> {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  try {
    const answer = (await rest.get(Routes.gatewayBot())) as { shards?: unknown };
    const shards = Number(answer.shards);
    if (!Number.isInteger(shards) || shards < 1)
      throw new SidbotError("shard_count_missing", `no shard count in the answer (${JSON.stringify(answer).slice(0, 80)})`);
    return shards;
  } catch (error) {
    throw new PlatformStartError(
      "discord",
      `discord.shards is "auto" but Discord's recommended shard count could not be read: ${describeError(error)}`,
      { cause: error },
    );
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

export interface ShardManagerOptions {
  settings: Config;
  secrets: Secrets;
  env: NodeJS.ProcessEnv;
  /** CLI arguments every shard process gets (e.g. `--catalog`). */
  args: string[];
  logger: Logger;
  /** Longest an orderly stop of one shard process may take. */
  shardStopBudgetMs: number;
  /** The CLI launcher shards run. @defaultValue bin/sidbot.js */
  file?: string;
  /** Longest a shard may take to connect. @defaultValue 60 s */
  readyTimeoutMs?: number;
}

/**
 * Runs the shards until SIGTERM / SIGINT; resolves with the exit code (0 when every shard stopped
 * cleanly). A shard that cannot connect at start-up stops the others and fails the start.
 */
export async function runShardManager(options: ShardManagerOptions): Promise<number> {
  const { settings, secrets, logger } = options;
  const token = secrets.discordToken!;
  const log = logger.child({ platform: "discord", role: "shard manager" });
  if (!secrets.redisUrl) {
    throw new ConfigError(
      "REDIS_URL",
      `config: discord.shards is ${JSON.stringify(settings.discord.shards)}: sharding runs one process per ` +
        `shard, which share conversations, de-duplication and rate limits only through Redis — set REDIS_URL ` +
        `(or set discord.shards to 1)`,
    );
  }
  const lifecycle = new ProcessLifecycle({ logger: log, stopBudgetMs: options.shardStopBudgetMs + 5000 });
  try {
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    const count = settings.discord.shards === "auto" ? await recommendedShards(token, secrets.discordApiUrl) : settings.discord.shards;
    log.info({ shards: count, requested: settings.discord.shards }, "starting Discord shards");
    const manager = new ShardingManager(options.file ?? `${PROJECT_ROOT}bin/sidbot.js`, {
      token,
      totalShards: count,
      mode: "process",
      respawn: true,
      shardArgs: options.args,
      execArgv: process.execArgv,
    });
    // While the shards start, a shard that dies before it ever connected fails the start (a wrong
    // token would otherwise be retried forever); one that had connected is started again. After
    // that, discord.js respawns every shard process that dies.
    manager.respawn = false;
    const connectedOnce = new Set<number>();
    const lastExit = new Map<number, { code: number | null; signal: NodeJS.Signals | null }>();
    manager.on("shardCreate", (shard: Shard) => {
      shard.env = shardEnv(options.env, shard.id, count, token);
      shard.on("spawn", (child) => log.info({ shard: shard.id, pid: (child as ChildProcess).pid }, "shard process started"));
      shard.on("ready", () => {
        connectedOnce.add(shard.id);
        log.info({ shard: shard.id }, "shard connected");
      });
      shard.on("death", (died) => {
        const child = died as ChildProcess | null;
        lastExit.set(shard.id, { code: child?.exitCode ?? null, signal: child?.signalCode ?? null });
        if (lifecycle.stopping.aborted) return;
        const fields = { shard: shard.id, pid: child?.pid, code: child?.exitCode, signal: child?.signalCode };
        if (manager.respawn) {
          log.warn(fields, "shard process died; respawning");
        } else if (connectedOnce.has(shard.id)) {
          log.warn(fields, "shard process died; respawning");
          // discord.js clears the shard's process right after this event: spawn once it has.
          setImmediate(() => shard.spawn(readyTimeoutMs).catch((error: unknown) => shard.emit("error", error)));
        }
      });
      shard.on("error", (error: unknown) => log.error({ shard: shard.id, err: error }, "shard process could not be respawned"));
    });

    const stopped = new Promise<void>((resolve) => lifecycle.stopping.addEventListener("abort", () => resolve(), { once: true }));
    let startError: unknown;
    for (let id = 0; id < count && !lifecycle.stopping.aborted; id++) {
      if (id > 0 && settings.discord.shardSpawnDelayMs > 0) {
        // stopping ends the wait
        await delay(settings.discord.shardSpawnDelayMs, undefined, { signal: lifecycle.stopping }).catch(() => {});
      }
      if (lifecycle.stopping.aborted) break;
      const shard = manager.createShard(id);
      try {
        await Promise.race([shard.spawn(readyTimeoutMs), stopped]);
      } catch (error) {
        const exit = lastExit.get(id);
        const why = exit ? `its process exited (${exit.signal ?? `code ${exit.code}`}; its error is above)` : `${describeError(error)}`;
        startError = new PlatformStartError("discord", `Discord shard ${id} of ${count} did not connect: ${why}`, { cause: error });
        lifecycle.stop(1);
      }
    }
    if (!lifecycle.stopping.aborted) {
      manager.respawn = true;
      log.info({ shards: count }, "all shards started");
    }
    await stopped;

    // No respawns from here on; every shard process gets SIGTERM and stops in order.
    manager.respawn = false;
    const codes = await Promise.all([...manager.shards.values()].map((shard) => stopShard(shard)));
    log.info({ codes }, "shards stopped");
    if (startError !== undefined) throw startError;
    return Math.max(lifecycle.exitCode, codes.some((c) => c !== 0) ? 1 : 0);
  } finally {
    lifecycle.dispose();
  }
}

/** SIGTERM to a shard's process; resolves with its exit code (0 when it was not running). */
async function stopShard(shard: Shard): Promise<number> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return 0;
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill("SIGTERM");
  const [code] = await exited;
  return code ?? 1;
}
