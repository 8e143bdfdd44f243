import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { shardEnv, shardOfProcess, wantsShardManager } from "../../../src/adapters/discord/sharding.js";
import { loadConfig } from "../../../src/config.js";
import { ConfigError } from "../../../src/errors.js";
import { FakeDiscord } from "../../support/fakes/FakeDiscord.js";

describe("discord.shards", () => {
  it("defaults to 1 (no sharding); DISCORD_SHARDS takes a count or auto", () => {
    expect(loadConfig({ env: {} }).discord.shards).toBe(1);
    expect(loadConfig({ env: { DISCORD_SHARDS: "3" } }).discord.shards).toBe(3);
    expect(loadConfig({ env: { DISCORD_SHARDS: "auto" } }).discord.shards).toBe("auto");
    expect(loadConfig({ env: {} }).discord.shardSpawnDelayMs).toBe(5500);
  });

  it.each(["0", "two", "1.5", "-2", "5000"])("DISCORD_SHARDS=%s fails with one line naming the key and the variable", (value) => {
    let error: unknown;
    try {
      loadConfig({ env: { DISCORD_SHARDS: value } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^config: discord\.shards \(env DISCORD_SHARDS\): /);
    expect(message).not.toContain("\n");
  });

  it("a bad value in the config file names the key and the file", () => {
    const file = `${tmpdir()}/sidbot-shards-${process.pid}.json`;
    writeFileSync(file, JSON.stringify({ discord: { shards: "many" } }));
    expect(() => loadConfig({ env: {}, file })).toThrow(
      /^config: discord\.shards \(in .*sidbot-shards-\d+\.json\): expected "auto" or a whole number of shards from 1 to 1024, got "many"$/,
    );
  });
});

describe("shard processes", () => {
  const secrets = { discordToken: "t" };
  it("the manager runs only with a Discord token, shards ≠ 1, and not inside a shard process", () => {
    const sharded = loadConfig({ env: { DISCORD_SHARDS: "2" } });
    expect(wantsShardManager(sharded, secrets, {})).toBe(true);
    expect(wantsShardManager(loadConfig({ env: {} }), secrets, {})).toBe(false);
    expect(wantsShardManager(sharded, {}, {})).toBe(false);
    expect(wantsShardManager(sharded, secrets, { SHARDING_MANAGER: "true", SHARDS: "1", SHARD_COUNT: "2" })).toBe(false);
    expect(shardOfProcess({ SHARDING_MANAGER: "true", SHARDS: "1", SHARD_COUNT: "2" })).toEqual({ id: 1, count: 2 });
    expect(shardOfProcess({})).toBeUndefined();
  });

  it("Slack settings go to shard 0 only; HEALTH_PORT becomes one port per shard", () => {
    const env = {
      SLACK_BOT_TOKEN: "xoxb",
      SLACK_APP_TOKEN: "xapp",
      SLACK_SIGNING_SECRET: "s",
      SLACK_PORT: "3000",
      HEALTH_PORT: "9100",
      REDIS_URL: "redis://r",
    };
    const zero = shardEnv(env, 0, 2, "tok");
    const one = shardEnv(env, 1, 2, "tok");
    expect(zero).toMatchObject({ ...env, SHARDS: "0", SHARD_COUNT: "2", DISCORD_TOKEN: "tok", SHARDING_MANAGER: "true" });
    expect(one).toMatchObject({ SHARDS: "1", SHARD_COUNT: "2", HEALTH_PORT: "9101", REDIS_URL: "redis://r" });
    for (const name of ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_PORT"]) expect(one[name]).toBeUndefined();
    expect(shardEnv({ HEALTH_PORT: "0" }, 1, 2, "tok").HEALTH_PORT).toBe("0");
  });

  it("FakeDiscord maps guilds to shards with Discord's formula", () => {
    // (id >> 22) % count, on a 64-bit id.
    expect(FakeDiscord.shardOf("175928847299117063", 2)).toBe(Number((175928847299117063n >> 22n) % 2n));
    expect(FakeDiscord.shardOf("4194304", 2)).toBe(1);
    expect(FakeDiscord.shardOf("8388608", 2)).toBe(0);
  });
});
