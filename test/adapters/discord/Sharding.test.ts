import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { FakeDiscord } from "../../support/fakes/FakeDiscord.js";
import { FakeSlack } from "../../support/fakes/FakeSlack.js";
import { requireRedis, SHARED_REDIS_URL, uniqueNamespace } from "../../support/redis.js";
import { startSidbot, type SidbotProcess } from "../../support/sidbotProcess.js";

const redis = await requireRedis();
// Shards start back to back in tests (Discord wants 5 s between IDENTIFYs; the fake does not).
const dir = mkdtempSync(join(tmpdir(), "sidbot-shards-"));
const CONFIG = join(dir, "config.json");
writeFileSync(CONFIG, JSON.stringify({ discord: { shardSpawnDelayMs: 0 } }));
const SLOW_CONFIG = join(dir, "slow.json");
writeFileSync(SLOW_CONFIG, JSON.stringify({ discord: { shardSpawnDelayMs: 3000 } }));

const fakes: { stop(): Promise<void> }[] = [];
const processes: SidbotProcess[] = [];
const childPids = new Set<number>();
afterAll(async () => {
  for (const pid of childPids) killQuietly(pid);
  for (const p of processes) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  for (const f of fakes) await f.stop();
});

function killQuietly(pid: number, signal: NodeJS.Signals | 0 = "SIGKILL"): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function until(test: () => boolean, timeoutMs = 15_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startFake(): Promise<FakeDiscord> {
  const fake = new FakeDiscord();
  await fake.start();
  fakes.push(fake);
  return fake;
}

function startSharded(fake: FakeDiscord, env: Record<string, string>): SidbotProcess {
  const p = startSidbot({
    DISCORD_TOKEN: fake.token,
    DISCORD_API_URL: fake.apiUrl,
    REDIS_URL: SHARED_REDIS_URL,
    MEMORY_NAMESPACE: uniqueNamespace("shards"),
    SIDBOT_CONFIG: CONFIG,
    ...env,
  });
  processes.push(p);
  return p;
}

/** Pids of the shard processes the manager started, by shard id (latest last). */
function shardPids(p: SidbotProcess, shard: number): number[] {
  const pids = p
    .logs()
    .filter((l) => l.msg === "shard process started" && l.shard === shard)
    .map((l) => l.pid as number);
  for (const pid of pids) childPids.add(pid);
  return pids;
}

/** Asks the bot in `channelId` (a mention opens a thread); resolves with the thread's answers once one arrived and a second could have. */
async function askInChannel(fake: FakeDiscord, channelId: string, text: string) {
  const mention = fake.message(text, { mentionBot: true, channelId });
  fake.dispatch("MESSAGE_CREATE", mention);
  await fake.waitFor((r) => r.method === "POST" && r.path === `/channels/${channelId}/messages/${mention.id}/threads`, 15_000);
  const threadId = fake.threadsByMessage.get(mention.id)!;
  const answers = () =>
    fake.requests.filter((r) => r.method === "POST" && r.path === `/channels/${threadId}/messages` && r.body.embeds?.length > 0);
  await until(() => answers().length >= 1, 15_000, `an answer in thread ${threadId}`);
  await new Promise((r) => setTimeout(r, 700));
  return answers();
}

const sortShards = (shards: ([number, number] | undefined)[]) => [...shards].sort((a, b) => (a?.[0] ?? -1) - (b?.[0] ?? -1));

describe.runIf(redis)("Discord sharding (the built CLI as shard manager, real discord.js, fake Discord)", () => {
  it("DISCORD_SHARDS=2: one process per shard, each answers its guilds once; a killed shard is respawned; " +
    "SIGTERM stops all with 0", async () => {
    const fake = await startFake();
    const guild0 = fake.addGuild(0, 2);
    const guild1 = fake.addGuild(1, 2);
    const manager = startSharded(fake, { DISCORD_SHARDS: "2" });
    await manager.waitForLog((l) => l.msg === "all shards started", 40_000);

    expect(sortShards(fake.connectedShards)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(sortShards(fake.identifyLog.map((i) => i.shard))).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // The manager loads no catalog (and so no model): only the two shard processes do.
    expect(manager.logs().filter((l) => l.msg === "catalog loaded")).toHaveLength(2);
    // Each shard's own log line travels through its stderr: it may land just after the manager's.
    await vi.waitFor(
      () =>
        expect(
          manager
            .logs()
            .filter((l) => l.msg === "connected to Discord")
            .map((l) => l.shard),
        ).toEqual(expect.arrayContaining([0, 1])),
      { timeout: 10_000 },
    );

    // Each guild's events reach only its shard, which answers once.
    expect(await askInChannel(fake, guild0.channelId, "similar to Halo 3")).toHaveLength(1);
    expect(await askInChannel(fake, guild1.channelId, "similar to Mario Kart")).toHaveLength(1);

    // A shard process that dies is started again and serves its guilds.
    const [firstPid] = shardPids(manager, 1);
    expect(firstPid).toBeGreaterThan(0);
    process.kill(firstPid!, "SIGKILL");
    await manager.waitForLog((l) => l.msg === "shard process died; respawning" && l.shard === 1 && l.signal === "SIGKILL");
    await until(() => fake.identifyLog.filter((i) => i.shard?.[0] === 1).length === 2, 20_000, "shard 1 to identify again");
    await until(
      () => manager.logs().filter((l) => l.msg === "shard connected" && l.shard === 1).length === 2,
      20_000,
      "shard 1 ready again",
    );
    const pids1 = shardPids(manager, 1);
    expect(pids1).toHaveLength(2);
    expect(pids1[1]).not.toBe(firstPid);
    expect(await askInChannel(fake, guild1.channelId, "similar to Forza Motorsport 2")).toHaveLength(1);

    const shardProcesses = [...shardPids(manager, 0), pids1[1]!];
    manager.child.kill("SIGTERM");
    const exit = await manager.exited();
    expect(exit.code).toBe(0);
    // Every shard process is gone, and none was respawned on the way out.
    for (const pid of shardProcesses) expect(killQuietly(pid, 0)).toBe(false);
    expect(shardPids(manager, 0)).toHaveLength(1);
    expect(shardPids(manager, 1)).toHaveLength(2);
  }, 90_000);

  it("DISCORD_SHARDS=auto takes Discord's recommended count; Slack runs in shard 0 only; shards stop when " +
    "their manager is killed", async () => {
    const fake = await startFake();
    fake.recommendedShards = 2;
    const slack = new FakeSlack();
    await slack.start();
    fakes.push(slack);
    const manager = startSharded(fake, {
      DISCORD_SHARDS: "auto",
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
    });
    await manager.waitForLog((l) => l.msg === "all shards started", 40_000);
    expect(fake.requestsTo("GET", /^\/gateway\/bot$/).length).toBeGreaterThanOrEqual(1);
    expect(manager.logs().find((l) => l.msg === "starting Discord shards")).toMatchObject({ shards: 2, requested: "auto" });
    expect(sortShards(fake.connectedShards)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // One Socket Mode connection for the whole bot: shard 0's.
    await slack.socketReady();
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.sockets.size).toBe(1);
    expect(manager.logs().filter((l) => l.msg === "connected to Slack")).toHaveLength(1);
    await slack.send("slash_commands", slack.slashCommand("similar to Mario Kart", { channel: "C7000" }));
    await slack.waitFor((c) => c.method === "chat.update" && c.args.channel === "C7000" && Array.isArray(c.args.blocks), 15_000);

    // A manager killed outright leaves no shard running on its own: each stops in order.
    const pids = [...shardPids(manager, 0), ...shardPids(manager, 1)];
    expect(pids).toHaveLength(2);
    manager.child.kill("SIGKILL");
    await manager.exited();
    await until(() => pids.every((pid) => !killQuietly(pid, 0)), 20_000, "the shard processes to stop without their manager");
    expect(manager.logs().filter((l) => l.msg === "the shard manager is gone; stopping")).toHaveLength(2);
  }, 90_000);

  it("a shard that cannot connect at start (wrong token) stops the others: its error, one line from the " +
    "manager, exit 1, not retried", async () => {
    const fake = await startFake();
    const manager = startSharded(fake, { DISCORD_SHARDS: "2", DISCORD_TOKEN: "wrong-token" });
    const exit = await manager.exited();
    expect(exit.code).toBe(1);
    const lines = manager
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("sidbot:"));
    expect(lines).toEqual([
      expect.stringMatching(/^sidbot: Discord rejected DISCORD_TOKEN/),
      "sidbot: Discord shard 0 of 2 did not connect: its process exited (code 1; its error is above)",
    ]);
    const pids = shardPids(manager, 0);
    expect(pids).toHaveLength(1);
    for (const pid of pids) expect(killQuietly(pid, 0)).toBe(false);
    expect(shardPids(manager, 1)).toHaveLength(0);
  }, 30_000);

  it("a shard that had connected and dies while the next one waits to start is started again", async () => {
    const fake = await startFake();
    const manager = startSharded(fake, { DISCORD_SHARDS: "2", SIDBOT_CONFIG: SLOW_CONFIG });
    await manager.waitForLog((l) => l.msg === "shard connected" && l.shard === 0, 20_000);
    const [first] = shardPids(manager, 0);
    process.kill(first!, "SIGKILL");
    await manager.waitForLog((l) => l.msg === "shard process died; respawning" && l.shard === 0);
    await manager.waitForLog((l) => l.msg === "all shards started", 30_000);
    await until(
      () => manager.logs().filter((l) => l.msg === "shard connected" && l.shard === 0).length === 2,
      20_000,
      "shard 0 connected again",
    );
    expect(fake.identifyLog.filter((i) => i.shard?.[0] === 0)).toHaveLength(2);
    expect(sortShards(fake.connectedShards)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    manager.child.kill("SIGTERM");
    expect((await manager.exited()).code).toBe(0);
  }, 60_000);

  it("refuses sharding without REDIS_URL in one line, before starting any shard", async () => {
    const fake = await startFake();
    const manager = startSharded(fake, { DISCORD_SHARDS: "2", REDIS_URL: "" });
    const exit = await manager.exited();
    expect(exit.code).toBe(1);
    const lines = manager
      .stderr()
      .split("\n")
      .filter((l) => l.startsWith("sidbot:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/discord\.shards is 2.*REDIS_URL/);
    expect(manager.logs().filter((l) => l.msg === "shard process started")).toHaveLength(0);
    expect(fake.identifyLog).toHaveLength(0);
  }, 30_000);
});
