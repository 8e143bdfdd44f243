import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { loadConfig, loadSecrets } from "../src/config.js";
import { ConfigError } from "../src/errors.js";
import { tempDir } from "./support/tempDir.js";

const dir = tempDir();
const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.split("\n")).toHaveLength(1);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};

describe("config", () => {
  it("loads the defaults from config/default.json", () => {
    const config = loadConfig({ env: {} });
    expect(config.catalog).toEqual({ path: null, metadataPath: null, allowPath: null, denyPath: null, levels: 4, codesPerLevel: 256 });
    expect(config.model).toMatchObject({ path: null, temperature: 0.3, topP: 0.7, topK: 20, isolation: "process" });
  });

  it("lets the environment override non-secret keys", () => {
    const config = loadConfig({
      env: { CATALOG_PATH: "/x.parquet", MODEL_PATH: "/m.gguf", MODEL_THREADS: "4", MEMORY_NAMESPACE: "team-a" },
    });
    expect([config.catalog.path, config.model.path, config.model.threads, config.memory.namespace]).toEqual([
      "/x.parquet",
      "/m.gguf",
      4,
      "team-a",
    ]);
  });

  it.each([
    [{ model: { temperature: 5 } }, /^config: model\.temperature \(in .*bad\.json\): Too big: expected number to be <=2, got 5$/],
    [{ catalog: { levels: "four" } }, /^config: catalog\.levels \(in .*bad\.json\): .*expected number.*, got "four"$/],
    [
      { discord: { allowedChannels: ["general"] } },
      /^config: discord\.allowedChannels\.0 \(in .*bad\.json\): expected a channel id, got "general"$/,
    ],
    [{ model: { colour: "blue" } }, /^config: model \(in .*bad\.json\): .*colour/],
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
    // A blank cache folder would create a folder named with spaces (review finding).
    expect(() => loadConfig({ env: { TITLE_INDEX_CACHE_DIR: "   " } })).toThrow(
      /^config: titles\.indexCacheDir \(env TITLE_INDEX_CACHE_DIR\): /,
    );
    expect(loadConfig({ env: { TITLE_INDEX_CACHE_DIR: " /tmp/x " } }).titles.indexCacheDir).toBe("/tmp/x");
    expect(loadConfig({ env: { TITLE_INDEX_CACHE_DIR: "OFF" } }).titles.indexCacheDir).toBe(false);
    expect(() => loadConfig({ env: { MODEL_THREADS: "many" } })).toThrow(/^config: model\.threads \(env MODEL_THREADS\): .*, got "many"$/);
    expect(() => loadConfig({ env: { MODEL_GPU: "tpu" } })).toThrow(
      /^config: model\.gpu \(env MODEL_GPU\): .*expected one of .*"off", got "tpu"$/,
    );
    // The variable wins over the file, so it is the one to blame even when the file sets the key too.
    const ok = file("gpu-ok.json", { model: { gpu: "off" } });
    expect(() => loadConfig({ env: { SIDBOT_CONFIG: ok, MODEL_GPU: "tpu" } })).toThrow(/^config: model\.gpu \(env MODEL_GPU\): /);
  });

  // Every key with an environment override, with a bad value in the file and (where one exists) in the variable.
  it.each([
    ["catalog.path", "CATALOG_PATH", { catalog: { path: 5 } }, undefined],
    ["model.path", "MODEL_PATH", { model: { path: false } }, undefined],
    ["model.gpu", "MODEL_GPU", { model: { gpu: "banana" } }, "tpu"],
    ["model.threads", "MODEL_THREADS", { model: { threads: 0 } }, "0"],
    ["model.timeoutMs", "MODEL_TIMEOUT_MS", { model: { timeoutMs: "soon" } }, "-5"],
    ["memory.namespace", "MEMORY_NAMESPACE", { memory: { namespace: "" } }, "x".repeat(65)],
  ] as const)("blames %s on the file, and on %s only when it is set", (key, envName, content, badEnvValue) => {
    const path = file(`${key}.json`, content);
    const keyPattern = key.replace(".", "\\.");
    const fromFile = (env: NodeJS.ProcessEnv) => messageOf(() => loadConfig({ env: { SIDBOT_CONFIG: path, ...env } }));
    // SIDBOT_CONFIG or an explicit file: the message names the key and the file, not the variable.
    for (const message of [fromFile({}), messageOf(() => loadConfig({ env: {}, file: path }))]) {
      expect(message).toMatch(new RegExp(`^config: ${keyPattern} \\(in ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\): .+, got .+$`));
      expect(message).not.toContain(envName);
    }
    // Another override set does not change who is blamed.
    const other = envName === "MODEL_THREADS" ? { MODEL_GPU: "off" } : { MODEL_THREADS: "2" };
    expect(fromFile(other)).toMatch(new RegExp(`^config: ${keyPattern} \\(in .*\\): `));
    if (badEnvValue !== undefined) {
      const message = messageOf(() => loadConfig({ env: { [envName]: badEnvValue } }));
      // (long values are cut short)
      expect(message).toMatch(new RegExp(`^config: ${keyPattern} \\(env ${envName}\\): .+, got "${badEnvValue.slice(0, 20)}[^"]*"?…?$`));
    }
  });

  it("the CLI blames a bad model.gpu in the SIDBOT_CONFIG file on the file, not MODEL_GPU", async () => {
    let err = "";
    const path = file("gpu.json", { model: { gpu: "banana" } });
    const code = await main(
      ["chat", "--once", "hi"],
      { out: () => {}, err: (t) => (err += t), readStdin: async () => "" },
      { SIDBOT_CONFIG: path },
    );
    expect(code).toBe(1);
    expect(err).toBe(
      `sidbot: config: model.gpu (in ${path}): Invalid option: expected one of "auto"|"cuda"|"vulkan"|"metal"|"off", got "banana"\n`,
    );
  });

  it("reports an unreadable config file", () => {
    expect(() => loadConfig({ env: {}, file: file("broken.json", "{ nope") })).toThrow(
      /^config: cannot read .*broken\.json: not valid JSON \(.*\); expected a JSON object of settings$/,
    );
    expect(() => loadConfig({ env: { SIDBOT_CONFIG: join(dir, "missing.json") } })).toThrow(
      /^config: cannot read .*missing\.json \(env SIDBOT_CONFIG\): file not found$/,
    );
    expect(() => loadConfig({ env: {}, file: join(dir, "missing.json") })).toThrow(/^config: cannot read .*missing\.json: file not found$/);
  });

  it("takes secrets only from the environment, and checks ports", () => {
    expect(loadSecrets({ DISCORD_TOKEN: " abc ", REDIS_URL: "", HEALTH_PORT: "9090" })).toMatchObject({
      discordToken: "abc",
      redisUrl: undefined,
      healthPort: 9090,
    });
    expect(() => loadSecrets({ SLACK_PORT: "http" })).toThrow(/^config: SLACK_PORT: expected a port number 0–65535, got "http"$/);
  });

  it("reads the operator lists' paths from the file or CATALOG_ALLOW_PATH / CATALOG_DENY_PATH", () => {
    const env = loadConfig({ env: { CATALOG_ALLOW_PATH: "/srv/in-stock.txt", CATALOG_DENY_PATH: "/srv/recalled.txt" } });
    expect([env.catalog.allowPath, env.catalog.denyPath]).toEqual(["/srv/in-stock.txt", "/srv/recalled.txt"]);
    const fromFile = loadConfig({ env: {}, file: file("lists.json", { catalog: { allowPath: "a.txt", denyPath: null } }) });
    expect([fromFile.catalog.allowPath, fromFile.catalog.denyPath]).toEqual(["a.txt", null]);
  });

  it.each([
    [{ catalog: { allowPath: 42 } }, /^config: catalog\.allowPath \(in .*lists-bad\.json\): .*expected string.*, got 42$/],
    [{ catalog: { allowPath: "  " } }, /^config: catalog\.allowPath \(in .*lists-bad\.json\): expected a file path or null, got " {2}"$/],
    [{ catalog: { denyPath: true } }, /^config: catalog\.denyPath \(in .*lists-bad\.json\): .*expected string.*, got true$/],
  ])("a bad operator list setting fails with one line naming the key: %j", (content, message) => {
    expect(messageOf(() => loadConfig({ env: {}, file: file("lists-bad.json", content) }))).toMatch(message);
  });

  it('an empty list path is null (no list): CATALOG_ALLOW_PATH="" turns off a list the file configures', () => {
    const lists = file("lists-on.json", { catalog: { allowPath: "in-stock.txt", denyPath: "recalled.txt" } });
    const off = loadConfig({ env: { CATALOG_ALLOW_PATH: "", CATALOG_DENY_PATH: "" }, file: lists });
    expect([off.catalog.allowPath, off.catalog.denyPath]).toEqual([null, null]);
    const fromFile = loadConfig({ env: {}, file: file("lists-empty.json", { catalog: { allowPath: "", denyPath: "" } }) });
    expect([fromFile.catalog.allowPath, fromFile.catalog.denyPath]).toEqual([null, null]);
    // Other empty variables still mean "not set".
    expect(loadConfig({ env: { CATALOG_PATH: "" }, file: lists }).catalog.allowPath).toBe("in-stock.txt");
  });

  it("blames CATALOG_ALLOW_PATH when the environment set the bad value", () => {
    expect(messageOf(() => loadConfig({ env: { CATALOG_ALLOW_PATH: " " } }))).toMatch(
      /^config: catalog\.allowPath \(env CATALOG_ALLOW_PATH\): expected a file path or null, got " "$/,
    );
  });

  it("stops start-up with one line naming catalog.allowPath when the list file is missing", async () => {
    let err = "";
    const missing = join(dir, "no-such-allow-list.txt");
    const code = await main(
      ["chat", "--once", "hi"],
      { out: () => {}, err: (t) => (err += t), readStdin: async () => "" },
      { CATALOG_ALLOW_PATH: missing },
    );
    expect(code).toBe(1);
    expect(err).toBe(`sidbot: config: catalog.allowPath: cannot read ${missing}: file not found\n`);
  });

  it("makes the CLI stop with that one line", async () => {
    let err = "";
    const code = await main(
      ["chat", "--once", "hi"],
      { out: () => {}, err: (t) => (err += t), readStdin: async () => "" },
      { SIDBOT_CONFIG: file("bad2.json", { model: { topK: 0 } }) },
    );
    expect(code).toBe(1);
    expect(err).toMatch(/^sidbot: config: model\.topK \(in .*bad2\.json\): .*\n$/);
  });
});
