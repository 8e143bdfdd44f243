import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { loadConfig, loadSecrets } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import { tempDir } from "./support/tempDir.js";

const dir = tempDir();
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};

describe("config", () => {
  it("loads the defaults from config/default.json", () => {
    const config = loadConfig({ env: {} });
    expect(config.catalog).toEqual({ path: null, levels: 4, codesPerLevel: 256 });
    expect(config.model).toMatchObject({ path: null, temperature: 0.3, topP: 0.7, topK: 20, isolation: "process" });
  });

  it("lets the environment override non-secret keys", () => {
    const config = loadConfig({ env: { CATALOG_PATH: "/x.parquet", MODEL_PATH: "/m.gguf", MODEL_THREADS: "4", MEMORY_NAMESPACE: "team-a" } });
    expect([config.catalog.path, config.model.path, config.model.threads, config.memory.namespace]).toEqual(["/x.parquet", "/m.gguf", 4, "team-a"]);
  });

  it.each([
    [{ model: { temperature: 5 } }, /^config: model\.temperature: Too big: expected number to be <=2$/],
    [{ catalog: { levels: "four" } }, /^config: catalog\.levels: .*expected number/],
    [{ discord: { allowedChannels: ["general"] } }, /^config: discord\.allowedChannels\.0: expected a channel id$/],
    [{ model: { colour: "blue" } }, /^config: model: .*colour/],
  ])("fails with one line naming the key: %j", (content, message) => {
    const error = (() => {
      try {
        loadConfig({ env: {}, file: file("bad.json", content) });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.split("\n")).toHaveLength(1);
  });

  it("names the environment variable when it is the culprit", () => {
    expect(() => loadConfig({ env: { MODEL_THREADS: "many" } })).toThrow(/^config: model\.threads \(env MODEL_THREADS\): /);
    expect(() => loadConfig({ env: { MODEL_GPU: "tpu" } })).toThrow(/model\.gpu \(env MODEL_GPU\)/);
  });

  it("reports an unreadable config file", () => {
    expect(() => loadConfig({ env: {}, file: file("broken.json", "{ nope") })).toThrow(/^config: cannot read .*broken\.json/);
  });

  it("takes secrets only from the environment, and checks ports", () => {
    expect(loadSecrets({ DISCORD_TOKEN: " abc ", REDIS_URL: "", HEALTH_PORT: "9090" })).toMatchObject({ discordToken: "abc", redisUrl: undefined, healthPort: 9090 });
    expect(() => loadSecrets({ SLACK_PORT: "http" })).toThrow(/^config: SLACK_PORT: expected a port number 0–65535, got "http"$/);
  });

  it("makes the CLI stop with that one line", async () => {
    let err = "";
    const code = await main(["chat", "--once", "hi"], { out: () => {}, err: (t) => (err += t), readStdin: async () => "" }, { SIDBOT_CONFIG: file("bad2.json", { model: { topK: 0 } }) });
    expect(code).toBe(1);
    expect(err).toMatch(/^sidbot: config: model\.topK: .*\n$/);
  });
});
