/**
 * The one place that reads configuration: non-secret defaults from config/default.json (or the
 * file named by SIDBOT_CONFIG), overridden by environment variables; secrets only from the
 * environment. Validated with zod; a bad setting fails with one line naming the key, where it
 * was set (the file, or the environment variable when one overrides it) and what was expected.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ConfigError } from "./errors.js";

// This file runs as src/config.ts (tests) or as <outDir>/src/config.js (dist/ built, .bench/ for the bench).
export const PROJECT_ROOT = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "../" : "../../", import.meta.url));
export const DEFAULT_CONFIG_FILE = `${PROJECT_ROOT}config/default.json`;
export const BUILTIN_CATALOG = `${PROJECT_ROOT}config/demo-catalog.jsonl`;

const positiveInt = z.number().int().positive();
/** An operator list's file: "" is the same as null (no list); only blanks is a mistake, not "no list". */
const listPath = z
  .preprocess((v) => (v === "" ? null : v), z.string().trim().min(1, "expected a file path or null").nullable())
  .default(null);

export const ConfigSchema = z
  .object({
    catalog: z
      .object({
        /** SID → title mapping (.jsonl, .csv, .parquet); null = built-in demo catalog. Env CATALOG_PATH. */
        path: z.string().min(1).nullable().default(null),
        /** Product metadata (Amazon Reviews 2023 meta_* JSONL) joined on parent_asin; null = none. Env CATALOG_METADATA_PATH. */
        metadataPath: z.string().min(1).nullable().default(null),
        /**
         * Operator allow-list: a text file of SIDs or parent_asins, one a line; only these are recommended. Re-read
         * when it changes. null (or "", so `CATALOG_ALLOW_PATH=` turns a configured list off) = every item; blanks
         * alone are a mistake. Env CATALOG_ALLOW_PATH.
         */
        allowPath: listPath,
        /** Operator deny-list, same format: these are never recommended. null or "" = none. Env CATALOG_DENY_PATH. */
        denyPath: listPath,
        levels: positiveInt.max(8).default(4),
        codesPerLevel: positiveInt.min(2).max(4096).default(256),
      })
      .strict()
      .prefault({}),
    titles: z
      .object({
        maxResults: positiveInt.max(25).default(10),
        /**
         * Where built title indexes of large catalogs are kept, one file per catalog content; null =
         * $XDG_CACHE_HOME/sidbot (else ~/.cache/sidbot); false = never cached. Env TITLE_INDEX_CACHE_DIR ("off" = false).
         */
        indexCacheDir: z
          .union([z.string().trim().min(1, "expected a folder path or false"), z.literal(false)])
          .nullable()
          .default(null),
      })
      .strict()
      .prefault({}),
    model: z
      .object({
        /** GGUF file; null = no model (catalog backend). Env MODEL_PATH. */
        path: z.string().min(1).nullable().default(null),
        gpu: z.enum(["auto", "cuda", "vulkan", "metal", "off"]).default("auto"),
        threads: positiveInt.max(256).default(1),
        contextSize: positiveInt.min(256).max(131072).default(4096),
        sequences: positiveInt.max(64).default(2),
        temperature: z.number().min(0).max(2).default(0.3),
        topP: z.number().gt(0).max(1).default(0.7),
        topK: positiveInt.max(1000).default(20),
        maxTokens: positiveInt.max(4096).default(256),
        timeoutMs: positiveInt.default(60_000),
        systemPrompt: z.string().nullable().default(null),
        /** "process": the model runs in a child process that is restarted if it crashes or hangs; "inline": in the bot's process. */
        isolation: z.enum(["process", "inline"]).default("process"),
      })
      .strict()
      .prefault({}),
    engine: z
      .object({
        /**
         * "embedded": this process runs the model (model.path); "remote": `sidbot worker` processes do, through a BullMQ queue on
         * REDIS_URL. Env ENGINE_MODE.
         */
        mode: z.enum(["embedded", "remote"]).default("embedded"),
        /** BullMQ queue name shared by bots and model workers. Env ENGINE_QUEUE. */
        queue: z
          .string()
          .regex(/^[A-Za-z0-9_.-]{1,64}$/, "expected a queue name (letters, digits, _ . -)")
          .default("sidbot-generate"),
      })
      .strict()
      .prefault({}),
    memory: z
      .object({
        /** Keys are `{namespace}:{platform}:{scope}:{id}` in Redis. */
        namespace: z.string().min(1).max(64).default("sidbot"),
        /** A conversation is forgotten this long after its last message. */
        ttlSeconds: positiveInt.default(7 * 24 * 3600),
        /** Most turns kept (user + assistant each count), before the token budget applies. */
        maxTurns: positiveInt.max(200).default(40),
      })
      .strict()
      .prefault({}),
    discord: z
      .object({
        /** Channel ids the bot answers in (threads count by their parent); empty = everywhere. */
        allowedChannels: z.array(z.string().regex(/^\d+$/, "expected a channel id")).default([]),
        /** User ids that may reset other people's conversations (besides members with Manage Server). */
        adminUserIds: z.array(z.string().regex(/^\d+$/, "expected a user id")).default([]),
        /** Ask for the privileged Message Content intent (needed to read thread follow-ups without a mention). */
        messageContentIntent: z.boolean().default(true),
        /** Shortest time between edits of a streaming message. */
        streamEditIntervalMs: positiveInt.min(250).default(1000),
        /**
         * People may add sidbot to their own account and use it in any server, group DM or DM (the allow-list governs
         * only servers that installed the bot). false = only server installs (and the bot's own DMs); run
         * `register-commands` again after changing it.
         */
        userInstall: z.boolean().default(true),
        /**
         * Gateway shards: 1 = one process, no sharding; N or "auto" (Discord's recommended count) =
         * `sidbot` runs a shard manager that starts one bot process per shard (needs REDIS_URL). Env DISCORD_SHARDS.
         */
        shards: z
          .union([z.literal("auto"), z.number().int().min(1).max(1024)], {
            error: 'expected "auto" or a whole number of shards from 1 to 1024',
          })
          .default(1),
        /** Wait between starting shard processes (Discord allows one IDENTIFY per 5 s per bucket). */
        shardSpawnDelayMs: z.number().int().min(0).max(60_000).default(5500),
      })
      .strict()
      .prefault({}),
    slack: z
      .object({
        /** Shortest time between updates of a streaming message. */
        streamEditIntervalMs: positiveInt.min(250).default(1000),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        /** Longest message read; longer ones are cut (and the user told). */
        maxInputChars: positiveInt.max(100_000).default(2000),
        /** Requests waiting for the engine before new ones are told the bot is busy. */
        maxQueue: positiveInt.max(10_000).default(32),
        /** Requests one user may make per window. */
        userRequests: positiveInt.default(10),
        userWindowSeconds: positiveInt.default(60),
        /** On shutdown, how long running requests may take before they are cancelled politely. */
        shutdownGraceMs: positiveInt.default(10_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variables that override a config key (non-secret ones); empty ones are unset unless `empty` says what they mean. */
const ENV_OVERRIDES: Readonly<Record<string, { path: readonly string[]; parse: (value: string) => unknown; empty?: null }>> = {
  CATALOG_PATH: { path: ["catalog", "path"], parse: (v) => v },
  CATALOG_METADATA_PATH: { path: ["catalog", "metadataPath"], parse: (v) => v },
  CATALOG_ALLOW_PATH: { path: ["catalog", "allowPath"], parse: (v) => v, empty: null },
  CATALOG_DENY_PATH: { path: ["catalog", "denyPath"], parse: (v) => v, empty: null },
  TITLE_INDEX_CACHE_DIR: { path: ["titles", "indexCacheDir"], parse: (v) => (v.trim().toLowerCase() === "off" ? false : v) },
  MODEL_PATH: { path: ["model", "path"], parse: (v) => v },
  MODEL_GPU: { path: ["model", "gpu"], parse: (v) => v },
  MODEL_THREADS: { path: ["model", "threads"], parse: Number },
  MODEL_TIMEOUT_MS: { path: ["model", "timeoutMs"], parse: Number },
  MEMORY_NAMESPACE: { path: ["memory", "namespace"], parse: (v) => v },
  ENGINE_MODE: { path: ["engine", "mode"], parse: (v) => v },
  ENGINE_QUEUE: { path: ["engine", "queue"], parse: (v) => v },
  DISCORD_SHARDS: { path: ["discord", "shards"], parse: (v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : v.trim()) },
};

/** Settings that come only from the environment (secrets, and where services are). */
export interface Secrets {
  redisUrl?: string | undefined;
  discordToken?: string | undefined;
  discordApplicationId?: string | undefined;
  discordApiUrl?: string | undefined;
  slackBotToken?: string | undefined;
  slackAppToken?: string | undefined;
  slackSigningSecret?: string | undefined;
  slackApiUrl?: string | undefined;
  slackPort?: number | undefined;
  healthPort?: number | undefined;
  logLevel?: string | undefined;
}

export function loadSecrets(env: NodeJS.ProcessEnv = process.env): Secrets {
  const value = (name: string) => (env[name] && env[name]!.trim() !== "" ? env[name]!.trim() : undefined);
  const port = (name: string) => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new ConfigError(name, `config: ${name}: expected a port number 0–65535, got "${raw}"`);
    return n;
  };
  return {
    redisUrl: value("REDIS_URL"),
    discordToken: value("DISCORD_TOKEN"),
    discordApplicationId: value("DISCORD_APPLICATION_ID"),
    discordApiUrl: value("DISCORD_API_URL"),
    slackBotToken: value("SLACK_BOT_TOKEN"),
    slackAppToken: value("SLACK_APP_TOKEN"),
    slackSigningSecret: value("SLACK_SIGNING_SECRET"),
    slackApiUrl: value("SLACK_API_URL"),
    slackPort: port("SLACK_PORT"),
    healthPort: port("HEALTH_PORT"),
    logLevel: value("LOG_LEVEL"),
  };
}

export interface LoadConfigOptions {
  /** @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** A JSON file with non-secret settings. @defaultValue env.SIDBOT_CONFIG, else config/default.json */
  file?: string;
}

export function loadConfig({ env = process.env, file }: LoadConfigOptions = {}): Config {
  const fromEnv = file === undefined && env.SIDBOT_CONFIG !== undefined && env.SIDBOT_CONFIG !== "";
  const path = file ?? (fromEnv ? env.SIDBOT_CONFIG! : DEFAULT_CONFIG_FILE);
  const where = `${path}${fromEnv ? " (env SIDBOT_CONFIG)" : ""}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const detail = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ConfigError("SIDBOT_CONFIG", `config: cannot read ${where}: ${detail}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      "SIDBOT_CONFIG",
      `config: cannot read ${where}: not valid JSON (${(error as Error).message}); expected a JSON object of settings`,
    );
  }
  // Which keys the environment set (it wins over the file), so an error blames the right source.
  const setByEnv = new Map<string, { name: string; value: string }>();
  for (const [name, { path: keyPath, parse, empty }] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || (value === "" && empty === undefined)) continue;
    setPath(raw, keyPath, value === "" ? empty : parse(value));
    setByEnv.set(keyPath.join("."), { name, value });
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.join(".") || "(root)";
    const culprit = setByEnv.get(key);
    const source = culprit ? `env ${culprit.name}` : `in ${path}`;
    const got = describeValue(culprit ? culprit.value : getPath(raw, issue.path));
    throw new ConfigError(key, `config: ${key} (${source}): ${issue.message}${got ? `, got ${got}` : ""}`);
  }
  return result.data;
}

/** A short JSON rendering of a scalar that was rejected; undefined for objects and missing values. */
function describeValue(value: unknown): string | undefined {
  if (value === undefined || (typeof value === "object" && value !== null)) return undefined;
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

function getPath(target: unknown, path: readonly PropertyKey[]): unknown {
  let node = target;
  for (const key of path) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function setPath(target: unknown, path: readonly string[], value: unknown): void {
  if (!target || typeof target !== "object") return;
  let node = target as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}
