/**
 * `discord.userInstall`: validated at start-up (a bad value stops with one line naming the key), and
 * `sidbot register-commands` declares what it says, against the fake Discord's command route.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { loadConfig } from "../../../src/config.js";
import { ConfigError } from "../../../src/errors.js";
import { FakeDiscord, nextId } from "../../support/fakes/FakeDiscord.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const configFile = (name: string, discord: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ discord }));
  return path;
};

let fake: FakeDiscord;
beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
});
afterAll(async () => {
  await fake?.stop();
});

async function registerWith(config: string, args: string[] = []) {
  let out = "";
  let err = "";
  const code = await main(
    ["register-commands", ...args],
    { out: (t) => (out += t), err: (t) => (err += t), readStdin: async () => "" },
    { SIDBOT_CONFIG: config, DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl },
  );
  return { code, out, err };
}

describe("discord.userInstall", () => {
  it("defaults to true", () => {
    expect(loadConfig({ env: {} }).discord.userInstall).toBe(true);
  });

  it("a value that is not true or false stops the start with one line naming the key", async () => {
    const path = configFile("bad.json", { userInstall: "yes" });
    const error = (() => {
      try {
        loadConfig({ env: { SIDBOT_CONFIG: path } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.split("\n")).toHaveLength(1);
    expect((error as Error).message).toMatch(/^config: discord\.userInstall \(in .*bad\.json\): .*boolean.*, got "yes"$/);

    const cli = await registerWith(path);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(/^sidbot: config: discord\.userInstall \(in .*bad\.json\): .*\n$/);
  });

  it("register-commands declares user installs by default, and server installs only when it is false", async () => {
    const on = await registerWith(configFile("on.json", {}));
    expect(on.code).toBe(0);
    expect(on.out).toMatch(/registered 5 commands globally.*own account/);
    const route = `/applications/${fake.applicationId}/commands`;
    const declared = () => fake.registeredCommands.get(route) as { integration_types: number[]; contexts: number[] }[];
    expect(declared().map((c) => c.integration_types)).toEqual(Array(5).fill([0, 1]));

    const off = await registerWith(configFile("off.json", { userInstall: false }));
    expect(off.code).toBe(0);
    expect(off.out).toMatch(/server installs only/);
    expect(declared().map((c) => c.integration_types)).toEqual(Array(5).fill([0]));
    expect(declared().map((c) => c.contexts)).toEqual(Array(5).fill([0, 1]));
  });

  it("register-commands --guild does not promise user installs (Discord applies them to global commands only)", async () => {
    const guildId = nextId();
    const cli = await registerWith(configFile("guild.json", {}), ["--guild", guildId]);
    expect(cli.code).toBe(0);
    expect(fake.registeredCommands.has(`/applications/${fake.applicationId}/guilds/${guildId}/commands`)).toBe(true);
    expect(cli.out).toMatch(new RegExp(`registered 5 commands in server ${guildId}`));
    expect(cli.out).not.toMatch(/own account/);
    expect(cli.out).toMatch(/register globally/);
  });
});
