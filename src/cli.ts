/**
 * `sidbot` command line. `main` returns the exit code instead of exiting, so tests can call it.
 */
import { basename, dirname, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import type { Adapter } from "./adapters/Adapter.js";
import type { Runtime } from "./app.js";
import type { Config } from "./config.js";
import { ConfigError, SidbotError, describeError } from "./errors.js";
import type { PromptSegment } from "./engine/prompts/renderChatML.js";
import type { EvalBackend } from "./engine/eval/runEval.js";
import type { resolveGame } from "./engine/titles/resolveGame.js";
import type { LogLevel } from "./util/logger.js";
// Everything else is imported by the command that uses it: `--help` or `map` must not pay for
// loading discord.js, Bolt, node-llama-cpp, BullMQ or Redis clients they never touch.

// Time for adapters, memory and model to close after the requests' grace (limits.shutdownGraceMs).
const CLOSE_GRACE_MS = 5000;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readStdin: () => Promise<string>;
  /** Whether standard error is a terminal (progress bars are drawn only then). @defaultValue false */
  errIsTTY?: boolean;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
  errIsTTY: process.stderr.isTTY === true,
};

export async function main(argv: string[], io: CliIo = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const outcome = { exitCode: 0 };
  const program = buildProgram(io, env, outcome);
  try {
    await program.parseAsync(argv, { from: "user" });
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err(`sidbot: ${error instanceof SidbotError ? error.message : describeError(error)}\n`);
    return 1;
  }
}

function buildProgram(io: CliIo, env: NodeJS.ProcessEnv, outcome: { exitCode: number }): Command {
  const program = new Command("sidbot")
    .description("Semantic-ID game recommender for Discord, Slack and the terminal.")
    .option("--catalog <path>", "SID → title mapping (.jsonl, .csv, .parquet); default: env CATALOG_PATH, else the built-in demo catalog")
    .option("--model <path>", "GGUF model file; default: env MODEL_PATH, else no model (catalog answers)")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  const config = async (): Promise<Config> => {
    const { loadConfig } = await import("./config.js");
    const { catalog, model } = program.opts<{ catalog?: string; model?: string }>();
    return loadConfig({ env: { ...env, ...(catalog ? { CATALOG_PATH: catalog } : {}), ...(model ? { MODEL_PATH: model } : {}) } });
  };
  const secretsOf = async () => (await import("./config.js")).loadSecrets(env);
  const logger = async (fallback: LogLevel) => {
    const { createLogger, LOG_LEVELS } = await import("./util/logger.js");
    const level = env.LOG_LEVEL && (LOG_LEVELS as readonly string[]).includes(env.LOG_LEVEL) ? (env.LOG_LEVEL as LogLevel) : fallback;
    const pretty = env.LOG_FORMAT === "pretty" ? true : env.LOG_FORMAT === "json" ? false : undefined;
    return createLogger({ level, ...(pretty !== undefined ? { pretty } : {}) });
  };
  // The bot and the worker install a ProcessLifecycle, which takes over a signal that came during
  // start-up; every other command lets signals end the process as usual.
  const withLifecycle = new Set<Command>([program]);
  program.hook("preAction", async (_program, command) => {
    if (!withLifecycle.has(command)) (await import("./ops/ProcessLifecycle.js")).releaseStartupSignals();
  });

  program.action(async () => {
    // No command: run the bot on every platform with credentials; without any, the console chat.
    const secrets = await secretsOf();
    const settings = await config();
    const platforms = secrets.discordToken !== undefined || secrets.slackBotToken !== undefined;
    const log = await logger(platforms ? "info" : "warn");
    // Only a Discord bot can be a shard manager: without a token, discord.js is never loaded.
    const sharding = secrets.discordToken !== undefined ? await import("./adapters/discord/sharding.js") : undefined;
    if (sharding?.wantsShardManager(settings, secrets, env)) {
      // discord.shards ≠ 1: this process only runs one sidbot process per shard (README "Several bot processes").
      const { catalog, model } = program.opts<{ catalog?: string; model?: string }>();
      const args = [...(catalog ? ["--catalog", catalog] : []), ...(model ? ["--model", model] : [])];
      outcome.exitCode = await sharding.runShardManager({
        settings,
        secrets,
        env,
        args,
        logger: log,
        shardStopBudgetMs: settings.limits.shutdownGraceMs + CLOSE_GRACE_MS,
      });
      return;
    }
    // Signals and crashes are handled from here on, also while the catalog and model load.
    const { ProcessLifecycle } = await import("./ops/ProcessLifecycle.js");
    const lifecycle = new ProcessLifecycle({ logger: log, stopBudgetMs: settings.limits.shutdownGraceMs + CLOSE_GRACE_MS });
    log.info({ catalog: settings.catalog.path ?? "built-in", model: settings.model.path }, "starting");
    const { createRuntime, runUntilStopped } = await import("./app.js");
    let runtime: Runtime;
    try {
      runtime = await createRuntime(settings, secrets, log);
    } catch (error) {
      lifecycle.dispose();
      throw error;
    }
    if (lifecycle.stopping.aborted) {
      await runtime.dispose();
      lifecycle.dispose();
      log.info({ exitCode: lifecycle.exitCode }, "stopped before serving");
      outcome.exitCode = lifecycle.exitCode;
      return;
    }
    const adapters: Adapter[] = [];
    if (secrets.discordToken) {
      const { DiscordAdapter } = await import("./adapters/discord/DiscordAdapter.js");
      adapters.push(
        new DiscordAdapter({
          bot: runtime.bot,
          token: secrets.discordToken,
          apiUrl: secrets.discordApiUrl,
          settings: settings.discord,
          generationBudgetMs: settings.model.timeoutMs,
          logger: log,
        }),
      );
    }
    if (secrets.slackBotToken) {
      const { SlackAdapter } = await import("./adapters/slack/SlackAdapter.js");
      adapters.push(
        new SlackAdapter({
          bot: runtime.bot,
          botToken: secrets.slackBotToken,
          appToken: secrets.slackAppToken,
          signingSecret: secrets.slackSigningSecret,
          port: secrets.slackPort,
          apiUrl: secrets.slackApiUrl,
          streamEditIntervalMs: settings.slack.streamEditIntervalMs,
          logger: log,
        }),
      );
    }
    if (adapters.length === 0) {
      const { ConsoleAdapter } = await import("./adapters/console/ConsoleAdapter.js");
      const engine = runtime.engine;
      const banner =
        `sidbot — ${engine.catalog.catalog.size} games${engine.catalog.builtin ? " (built-in demo catalog)" : ""}, ` +
        `${engine.backend === "llama" ? "model loaded" : "no model: answers come from the catalog"}. ` +
        "Type /help for ideas, /quit to leave.";
      adapters.push(new ConsoleAdapter({ bot: runtime.bot, banner }));
    }
    outcome.exitCode = await runUntilStopped(adapters, runtime, log, lifecycle);
  });

  const worker = program
    .command("worker")
    .description("serve model jobs for bots in engine.mode remote (needs REDIS_URL and a model): a GPU host runs one per GPU")
    .action(async () => {
      const secrets = await secretsOf();
      const settings = await config();
      const log = await logger("info");
      const { ProcessLifecycle } = await import("./ops/ProcessLifecycle.js");
      const lifecycle = new ProcessLifecycle({ logger: log, stopBudgetMs: settings.limits.shutdownGraceMs + CLOSE_GRACE_MS });
      log.info(
        { catalog: settings.catalog.path ?? "built-in", model: settings.model.path, queue: settings.engine.queue },
        "starting model worker",
      );
      try {
        const { runWorker } = await import("./worker.js");
        outcome.exitCode = await runWorker(settings, secrets, log, lifecycle);
      } finally {
        lifecycle.dispose();
      }
    });
  withLifecycle.add(worker);

  program
    .command("register-commands")
    .description("register the Discord slash commands (needs DISCORD_TOKEN and DISCORD_APPLICATION_ID)")
    .option("--guild <id>", "register in one server (instant, for testing); without it, globally (for production)")
    .action(async (options: { guild?: string }) => {
      const secrets = await secretsOf();
      if (!secrets.discordToken || !secrets.discordApplicationId) {
        throw new ConfigError(
          "DISCORD_TOKEN",
          "register-commands needs DISCORD_TOKEN and DISCORD_APPLICATION_ID (Developer Portal → your app → " +
            "General Information → Application ID)",
        );
      }
      const { userInstall } = (await config()).discord;
      const { registerCommands } = await import("./adapters/discord/commands.js");
      const count = await registerCommands({
        token: secrets.discordToken,
        applicationId: secrets.discordApplicationId,
        guildId: options.guild,
        apiUrl: secrets.discordApiUrl,
        userInstall,
      });
      // Discord applies integration_types and contexts to global commands only: a guild registration says nothing of user installs.
      const summary = options.guild
        ? `registered ${count} commands in server ${options.guild} (server commands only; to try user installs, register globally)`
        : `registered ${count} commands globally (they can take up to an hour to appear); ${
            userInstall ? "people can also add sidbot to their own account" : "server installs only (discord.userInstall is false)"
          }`;
      io.out(`${summary}\n`);
    });

  program
    .command("chat")
    .description("chat in the terminal; with --once, answer one message and exit (for scripts)")
    .option("--once <text>", "answer this one message, print the reply and exit (0 on success)")
    .option("--conversation <id>", "conversation id; with REDIS_URL set, the same id continues a conversation across runs", "local")
    .option("--json", "with --once: print the reply as one JSON object")
    .option("--show-prompt", "with --once: print the exact ChatML the model receives (special tokens written out) before the reply")
    .action(async (options: { once?: string; conversation: string; json?: boolean; showPrompt?: boolean }) => {
      const settings = await config();
      const secrets = await secretsOf();
      const log = await logger(options.once !== undefined ? "error" : "warn");
      const [{ createRuntime }, { ConsoleAdapter, parseConsoleInput }, { describeSkipped }] = await Promise.all([
        import("./app.js"),
        import("./adapters/console/ConsoleAdapter.js"),
        import("./engine/catalog/loadCatalog.js"),
      ]);
      const runtime = await createRuntime(settings, secrets, log);
      try {
        // The runtime logs skipped catalog rows as a warning, which --once's "error" level hides: say it on stderr.
        const skipped = options.once !== undefined ? describeSkipped(runtime.engine.catalog.skipped) : undefined;
        if (skipped) io.err(`sidbot: catalog ${runtime.engine.catalog.source}: ${skipped}\n`);
        if (options.once === undefined) {
          await new ConsoleAdapter({ bot: runtime.bot, conversation: options.conversation }).start();
          return;
        }
        const { showPrompt } = options;
        const prompts: string[] = [];
        const onPrompt = (_prompt: string, segments: readonly PromptSegment[]) => {
          const shown = shownPrompt(segments);
          prompts.push(shown.text);
          if (!options.json) io.out(framedPrompt(shown));
        };
        if (options.json) {
          const started = performance.now();
          const reply = await runtime.bot.handle(
            {
              conversation: { platform: "console", scope: "dm", id: options.conversation },
              userId: "console",
              input: parseConsoleInput(options.once),
            },
            showPrompt ? { onPrompt } : {},
          );
          // Every JSON reply says which backend answers and what it took, also when the bot replied
          // without the engine (a clarifying question, help, busy): then the backend that would have answered.
          const totalMs = performance.now() - started;
          const json = {
            ...reply,
            backend: reply.backend ?? runtime.engine.backend,
            timings: reply.timings ?? { totalMs, backendMs: 0, tokens: 0 },
            ...(showPrompt ? { prompts } : {}),
          };
          io.out(`${JSON.stringify(json)}\n`);
          return;
        }
        const quiet = new ConsoleAdapter({
          bot: runtime.bot,
          ...(showPrompt ? { onPrompt } : {}),
          conversation: options.conversation,
          output: {
            write: (t: string) => {
              io.out(t);
              return true;
            },
          } as never,
        });
        const reply = await quiet.answer(options.once);
        if (!reply) throw new Error("no reply");
        if (showPrompt && prompts.length === 0) io.out("(no prompt: this reply did not need the model or the catalog)\n");
      } finally {
        await runtime.dispose();
      }
    });

  program
    .command("fixture-model")
    .description("write a tiny random-weight GGUF with the real semantic-ID tokens, for tests and benchmarks")
    .requiredOption("--out <file>", "output .gguf file")
    .option("--real-token-ids", "pad the vocabulary so the added tokens sit at Qwen3's real ids (<|rec|> = 151669 …)")
    .option("--seed <n>", "random seed for the weights", parseNonNegativeInt, 1)
    .action(async (options: { out: string; realTokenIds?: boolean; seed: number }) => {
      const { writeFixtureModel } = await import("./engine/fixtures/fixtureModel.js");
      const { vocabSize } = await writeFixtureModel(options.out, { realTokenIds: options.realTokenIds === true, seed: options.seed });
      io.err(`wrote ${options.out} (vocabulary ${vocabSize} tokens)\n`);
    });

  program
    .command("map")
    .description("replace every SID in TEXT with its title, exactly as the model card's mapping code does")
    .argument("<text>", 'text containing SIDs; "-" reads standard input')
    .action(async (text: string) => {
      const input = text === "-" ? await io.readStdin() : text;
      const [{ openCatalog }, { replaceSids }] = await Promise.all([
        import("./engine/catalog/openCatalog.js"),
        import("./engine/catalog/seedMapping.js"),
      ]);
      const { catalog } = await openCatalog(await config());
      io.out(`${replaceSids(catalog, input)}\n`);
    });

  program
    .command("find")
    .description("search catalog titles; prints the best matches with SIDs and scores")
    .argument("<query...>", 'a title or a request, e.g. "halo reach" or "similar to mario kart for xbox"')
    .option("-n, --limit <n>", "matches to print (default: titles.maxResults)", parsePositiveInt)
    .option("--json", "print JSON")
    .action(async (words: string[], options: { limit?: number; json?: boolean }) => {
      const query = words.join(" ");
      const settings = await config();
      const limit = options.limit ?? settings.titles.maxResults;
      const [{ openCatalog }, { resolveGame }] = await Promise.all([
        import("./engine/catalog/openCatalog.js"),
        import("./engine/titles/resolveGame.js"),
      ]);
      const { titles } = await openCatalog(settings);
      const resolution = resolveGame(titles, query);
      const hits = titles.search(resolution.query || query, { limit, platform: resolution.platform, prefix: false });
      if (options.json) {
        io.out(
          `${JSON.stringify({
            query,
            resolution: describeResolution(resolution),
            hits: hits.map((h) => ({
              sid: h.item.sid,
              title: h.item.title,
              score: round(h.score),
              exact: h.exact,
              coverage: round(h.coverage),
            })),
          })}\n`,
        );
        return;
      }
      if (hits.length === 0) {
        io.out(`No titles match "${query}".\n`);
        return;
      }
      hits.forEach((h, i) => {
        io.out(`${String(i + 1).padStart(2)}. ${h.score.toFixed(2).padStart(7)}  ${h.item.title}\n    ${h.item.sid}\n`);
      });
      io.out(`\n${describeResolution(resolution).summary}\n`);
    });

  program
    .command("fixture-catalog")
    .description("write a deterministic synthetic catalog (realistic titles and SID shape) for tests and benchmarks")
    .requiredOption("--items <n>", "number of items", parsePositiveInt)
    .option("--seed <n>", "random seed", parseNonNegativeInt, 1)
    .requiredOption("--out <file>", "output file: .jsonl, .csv or .parquet")
    .action(async (options: { items: number; seed: number; out: string }) => {
      const { catalog: c } = await config();
      const [{ SidLayout }, { fixtureCatalogRows }, { writeCatalogFile }] = await Promise.all([
        import("./engine/sid/SidLayout.js"),
        import("./engine/fixtures/fixtureCatalog.js"),
        import("./engine/fixtures/writeCatalogFile.js"),
      ]);
      const layout = new SidLayout({ levels: c.levels, codesPerLevel: c.codesPerLevel });
      const rows = fixtureCatalogRows({ items: options.items, seed: options.seed, layout });
      await writeCatalogFile(options.out, rows, ["semantic_id", "title", "platform", "genre"]);
      io.err(`wrote ${options.items} items to ${options.out}\n`);
    });

  program
    .command("eval")
    .description("measure the configured model and catalog offline on JSONL rows of history → next item (Hit@K, NDCG, MRR, …)")
    .argument("<file>", 'JSONL, one {"history": [SID or title, …], "next": SID} per line')
    .option("--json <file>", "also write the report as JSON")
    .option("--chart <file>", "also write Hit@K for K = 1…10 as an SVG chart")
    .option("--limit <n>", "evaluate a random sample of N rows, drawn with --seed (file order kept)", parsePositiveInt)
    .option("--seed <n>", "seed for the --limit sample and the model's sampling (row i uses seed + i)", parseNonNegativeInt, 1)
    .option("--unconstrained", "also run the model without the catalog trie, to measure the SIDs it writes on its own")
    .option("--history <n>", "evaluate the last N items of each history (default 10)", parsePositiveInt)
    .option("--operator-lists", "filter answers by catalog.allowPath/denyPath as the bot does (default: evaluate without them)")
    .action(async (file: string, options: EvalCliOptions) => {
      const wallStart = performance.now();
      const [
        { readFile, writeFile },
        { Engine },
        { HistoryResolver },
        rowsModule,
        { sampleLines },
        evalModule,
        table,
        chart,
        progress,
        { silentLogger },
      ] = await Promise.all([
        import("node:fs/promises"),
        import("./engine/Engine.js"),
        import("./engine/eval/HistoryResolver.js"),
        import("./engine/eval/readEvalRows.js"),
        import("./engine/eval/sampleLines.js"),
        import("./engine/eval/runEval.js"),
        import("./engine/eval/formatReportTable.js"),
        import("./engine/eval/hitChart.js"),
        import("./engine/eval/ProgressBar.js"),
        import("./util/logger.js"),
      ]);
      // Refused before the run: the same file for both, or one that cannot be written, would cost the whole evaluation.
      if (options.json !== undefined && options.chart !== undefined && (await sameFile(options.json, options.chart)))
        throw new ConfigError("--chart", `--json and --chart name the same file (${options.json}); give each its own`);
      for (const [flag, path] of [
        ["--json", options.json],
        ["--chart", options.chart],
      ] as const)
        if (path !== undefined) await assertWritable(flag, path);
      const text = await readFile(file, "utf8").catch((error: unknown) => {
        throw new ConfigError("file", `cannot read eval rows ${file}: ${fileProblem(error)}`);
      });
      // The paths were checked before the run; a write can still fail after it (a full disk): one line then too.
      const save = (flag: string, path: string, content: string) =>
        writeFile(path, content).catch((error: unknown) => {
          throw new ConfigError(flag, `${flag}: cannot write ${path}: ${fileProblem(error)}`);
        });
      const configured = await config();
      const { allowPath, denyPath } = configured.catalog;
      const settings = options.operatorLists
        ? configured
        : { ...configured, catalog: { ...configured.catalog, allowPath: null, denyPath: null } };
      const secrets = await secretsOf();
      // Silent: a model that fails to load is eval's one line below, not a logged stack first.
      const engine = await Engine.create(settings, { logger: silentLogger, redisUrl: secrets.redisUrl });
      try {
        const model = engine.modelBackend !== undefined;
        if (engine.modelError)
          throw new ConfigError("model.path", `the model did not load, so it cannot be evaluated: ${engine.modelError}`);
        if (options.unconstrained && !model) throw new ConfigError("model.path", "--unconstrained needs a model (--model or MODEL_PATH)");
        const backends: EvalBackend[] = [
          ...(model ? (["model"] as const) : []),
          ...(model && options.unconstrained ? (["model-unconstrained"] as const) : []),
          "catalog",
        ];
        const lines = rowsModule.evalLines(text);
        const sampled = sampleLines(lines, options.limit, options.seed);
        const resolver = new HistoryResolver(engine.catalog.catalog, () => engine.catalog.titles);
        const { rows, unresolvable } = rowsModule.readEvalRows(sampled, resolver);
        const allowed = options.operatorLists ? engine.allowedByOperatorLists() : engine.catalog.catalog.size;
        const bar = new progress.ProgressBar({ write: io.err, tty: io.errIsTTY === true });
        const report = await evalModule.runEval({
          engine,
          rows,
          unresolvable,
          backends,
          ...(options.history !== undefined ? { history: options.history } : {}),
          operatorLists: { applied: options.operatorLists === true, allowPath, denyPath, allowed },
          seed: options.seed,
          onProgress: (done, total, backend) => bar.update(done, total, evalModule.BACKEND_LABELS[backend]),
        });
        bar.clear();
        const wallMs = performance.now() - wallStart;
        io.out(table.formatReportTable(report));
        const run = {
          file,
          catalog: engine.catalog.source,
          model: settings.model.path,
          seed: options.seed,
          limit: options.limit ?? null,
          lines: lines.length,
          sampled: sampled.length,
          wallMs: Math.round(wallMs),
        };
        if (options.json) await save("--json", options.json, `${JSON.stringify({ ...run, ...report }, null, 2)}\n`);
        if (options.chart) await save("--chart", options.chart, chart.hitChart(report, `Hit@K — ${basename(file)}, ${report.rows} rows`));
        const used = `${backends.length} backend${backends.length === 1 ? "" : "s"}`;
        io.err(`evaluated ${report.rows} rows with ${used} in ${(wallMs / 1000).toFixed(1)} s\n`);
      } finally {
        await engine.dispose();
      }
    });

  program
    .command("fixture-sequences")
    .description("write synthetic eval rows for the catalog (--catalog) with a known structure, for testing `sidbot eval`")
    .requiredOption("--out <file>", "output .jsonl file")
    .requiredOption("--n <rows>", "number of rows", parsePositiveInt)
    .option("--seed <n>", "random seed", parseNonNegativeInt, 1)
    .option("--noise", "write some history items as titles, and some bad rows on purpose")
    .action(async (options: { out: string; n: number; seed: number; noise?: boolean }) => {
      const [{ writeFile }, { openCatalog }, { fixtureSequences }] = await Promise.all([
        import("node:fs/promises"),
        import("./engine/catalog/openCatalog.js"),
        import("./engine/eval/fixtureSequences.js"),
      ]);
      await assertWritable("--out", options.out);
      const { catalog } = await openCatalog(await config());
      const lines = [...fixtureSequences({ catalog, n: options.n, seed: options.seed, noise: options.noise === true })];
      await writeFile(options.out, `${lines.join("\n")}\n`).catch((error: unknown) => {
        throw new ConfigError("--out", `--out: cannot write ${options.out}: ${fileProblem(error)}`);
      });
      const structured = lines.filter((l) => l.includes('"structured":true')).length;
      io.err(`wrote ${lines.length} rows to ${options.out} (${structured} drawn from the history's SID neighbourhood)\n`);
    });

  const feedback = program
    .command("feedback")
    .description("stored 👍/👎 votes (needs REDIS_URL: without Redis they live only in the running bot)");
  feedback
    .command("export")
    .description("print votes as JSON lines: conversation, user, items (SID and title), vote, time")
    .option("--since <when>", "only votes from then on: a date (2026-11-01, ISO 8601) or a span back from now (30m, 24h, 7d)", "30d")
    .action(async (options: { since: string }) => {
      const { exportFeedback, parseSince } = await import("./bot/exportFeedback.js");
      const since = parseSince(options.since);
      if (since === undefined)
        throw new ConfigError("--since", `--since: expected a date (2026-11-01) or a span (24h, 7d), got "${options.since}"`);
      const secrets = await secretsOf();
      if (!secrets.redisUrl)
        io.err("sidbot: REDIS_URL is not set, so there is no stored feedback to export (votes live in the running bot's memory only).\n");
      const settings = await config();
      const [{ createMemoryStore }, { openCatalog }] = await Promise.all([import("./app.js"), import("./engine/catalog/openCatalog.js")]);
      const memory = await createMemoryStore(settings, secrets, await logger("warn"));
      try {
        const { catalog } = await openCatalog(settings);
        const count = await exportFeedback(memory, catalog, since, io.out).catch((error: unknown) => {
          throw new ConfigError("REDIS_URL", `cannot read feedback from Redis (REDIS_URL): ${describeError(error)}`);
        });
        io.err(`exported ${count} vote${count === 1 ? "" : "s"} since ${new Date(since).toISOString()}\n`);
      } finally {
        await memory.close();
      }
    });

  program
    .command("catalog-info")
    .description("load the catalog and report its size, skipped rows and load time")
    .action(async () => {
      const [{ openCatalog }, { describeSkipped }] = await Promise.all([
        import("./engine/catalog/openCatalog.js"),
        import("./engine/catalog/loadCatalog.js"),
      ]);
      const opened = await openCatalog(await config());
      opened.titles; // build the index to report its time
      const origin =
        opened.indexOrigin?.from === "cache"
          ? " (from the index cache)"
          : opened.indexOrigin?.cached === "written"
            ? " (index cached)"
            : "";
      io.out(
        `${opened.source}: ${opened.catalog.size} items, loaded in ${opened.loadMs.toFixed(0)} ms, indexed ` +
          `in ${opened.indexMs.toFixed(0)} ms${origin}\n`,
      );
      const skipped = describeSkipped(opened.skipped);
      if (skipped) io.out(`${skipped}\n`);
    });

  return program;
}

function describeResolution(resolution: ReturnType<typeof resolveGame>) {
  const platform = resolution.platform ? `, platform ${resolution.platform.name}` : "";
  switch (resolution.kind) {
    case "found":
      return {
        kind: resolution.kind,
        sid: resolution.item.sid,
        title: resolution.item.title,
        platform: resolution.platform?.name,
        summary: `Best guess: ${resolution.item.title}${platform}`,
      };
    case "uncertain":
      return {
        kind: resolution.kind,
        candidates: resolution.candidates.map((c) => c.title),
        platform: resolution.platform?.name,
        summary:
          `Not sure which game "${resolution.query}" means${platform}; closest: ` +
          `${resolution.candidates.map((c) => c.title).join(" | ")}`,
      };
    case "none":
      return { kind: resolution.kind, platform: resolution.platform?.name, summary: `No game found for "${resolution.query}"${platform}` };
    default:
      return resolution satisfies never;
  }
}

interface EvalCliOptions {
  json?: string;
  chart?: string;
  limit?: number;
  seed: number;
  unconstrained?: boolean;
  history?: number;
  operatorLists?: boolean;
}

/**
 * Fails with one line unless `path` can be written: an existing file must be writable and not a
 * folder; a new one needs a writable folder. Nothing is created.
 */
async function assertWritable(flag: string, path: string): Promise<void> {
  const { access, stat, constants } = await import("node:fs/promises");
  const problem = (error: unknown) => new ConfigError(flag, `${flag}: cannot write ${path}: ${fileProblem(error)}`);
  const existing = await stat(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw problem(error);
  });
  if (existing?.isDirectory()) throw problem(Object.assign(new Error("folder"), { code: "EISDIR" }));
  await access(existing ? path : dirname(resolve(path)), constants.W_OK).catch((error: unknown) => {
    throw problem(error);
  });
}

/** Whether two paths name one file: the same path, or (through a link) the same existing file. */
async function sameFile(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  const { realpath } = await import("node:fs/promises");
  const real = (path: string) => realpath(path).catch(() => resolve(path));
  return (await real(a)) === (await real(b));
}

/** A file error as one short phrase ("file not found"), else the error's own description. */
function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "file or folder not found";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return describeError(error);
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** A prompt as `--show-prompt` prints it, and whether typed text had to be marked. */
interface ShownPrompt {
  text: string;
  escaped: boolean;
}

// Typed text that reads like a special token: `<|…|>`, `<think>`, `</think>`.
const TOKEN_LOOKALIKE = /<(?=\|[^|\s]{0,40}\|>|\/?think>)/g;

/**
 * The ChatML the model receives: special tokens and SIDs written out as they are; in text a
 * person typed, a `<` that starts something looking like a special token is shown as `<\` —
 * the model reads that text as plain characters, never as a token.
 */
export function shownPrompt(segments: readonly PromptSegment[]): ShownPrompt {
  let escaped = false;
  const text = segments
    .map((s) => {
      if ("special" in s) return s.special;
      if ("sid" in s) return s.sid;
      return s.text.replace(TOKEN_LOOKALIKE, () => {
        escaped = true;
        return "<\\";
      });
    })
    .join("");
  return { text, escaped };
}

function framedPrompt({ text, escaped }: ShownPrompt): string {
  const note = escaped ? "\n(typed text that looks like a special token is shown as <\\|…|>: the model reads it as plain text)" : "";
  return `--- prompt (ChatML as the model receives it; special tokens written out) ---\n${text}\n--- end of prompt ---${note}\n`;
}
