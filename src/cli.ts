/**
 * `sidbot` command line. `main` returns the exit code instead of exiting, so tests can call it.
 */
import { createWriteStream } from "node:fs";
import { extname } from "node:path";
import { once } from "node:events";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { parquetWriteFile } from "hyparquet-writer";
import { loadConfig, type Config } from "./config.js";
import { SidbotError, describeError } from "./errors.js";
import { openCatalog } from "./engine/catalog/openCatalog.js";
import { describeSkipped } from "./engine/catalog/loadCatalog.js";
import { replaceSids } from "./engine/catalog/seedMapping.js";
import { fixtureCatalogRows, type FixtureRow } from "./engine/fixtures/fixtureCatalog.js";
import { SidLayout } from "./engine/sid/SidLayout.js";
import { resolveGame } from "./engine/titles/resolveGame.js";

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readStdin: () => Promise<string>;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

export async function main(argv: string[], io: CliIo = defaultIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(io, env);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err(`sidbot: ${error instanceof SidbotError ? error.message : describeError(error)}\n`);
    return 1;
  }
}

function buildProgram(io: CliIo, env: NodeJS.ProcessEnv): Command {
  const program = new Command("sidbot")
    .description("Semantic-ID game recommender for Discord, Slack and the terminal.")
    .option("--catalog <path>", "SID → title mapping (.jsonl, .csv, .parquet); default: env CATALOG_PATH, else the built-in demo catalog")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  const config = (): Config => {
    const catalog = program.opts<{ catalog?: string }>().catalog;
    return loadConfig({ env: catalog ? { ...env, CATALOG_PATH: catalog } : env });
  };

  program
    .command("map")
    .description("replace every SID in TEXT with its title, exactly as the model card's mapping code does")
    .argument("<text>", 'text containing SIDs; "-" reads standard input')
    .action(async (text: string) => {
      const input = text === "-" ? await io.readStdin() : text;
      const { catalog } = await openCatalog(config());
      io.out(`${replaceSids(catalog, input)}\n`);
    });

  program
    .command("find")
    .description("search catalog titles; prints the best matches with SIDs and scores")
    .argument("<query...>", 'a title or a request, e.g. "halo reach" or "similar to mario kart for xbox"')
    .option("-n, --limit <n>", "matches to print", parsePositiveInt, 10)
    .option("--json", "print JSON")
    .action(async (words: string[], options: { limit: number; json?: boolean }) => {
      const query = words.join(" ");
      const { titles } = await openCatalog(config());
      const resolution = resolveGame(titles, query);
      const hits = titles.search(resolution.query || query, { limit: options.limit, platform: resolution.platform, prefix: false });
      if (options.json) {
        io.out(
          `${JSON.stringify({
            query,
            resolution: describeResolution(resolution),
            hits: hits.map((h) => ({ sid: h.item.sid, title: h.item.title, score: round(h.score), exact: h.exact, coverage: round(h.coverage) })),
          })}\n`,
        );
        return;
      }
      if (hits.length === 0) {
        io.out(`No titles match "${query}".\n`);
        return;
      }
      hits.forEach((h, i) => io.out(`${String(i + 1).padStart(2)}. ${h.score.toFixed(2).padStart(7)}  ${h.item.title}\n    ${h.item.sid}\n`));
      io.out(`\n${describeResolution(resolution).summary}\n`);
    });

  program
    .command("fixture-catalog")
    .description("write a deterministic synthetic catalog (realistic titles and SID shape) for tests and benchmarks")
    .requiredOption("--items <n>", "number of items", parsePositiveInt)
    .option("--seed <n>", "random seed", parseNonNegativeInt, 1)
    .requiredOption("--out <file>", "output file: .jsonl, .csv or .parquet")
    .action(async (options: { items: number; seed: number; out: string }) => {
      const { catalog: c } = config();
      const layout = new SidLayout({ levels: c.levels, codesPerLevel: c.codesPerLevel });
      const rows = fixtureCatalogRows({ items: options.items, seed: options.seed, layout });
      await writeRows(options.out, rows);
      io.err(`wrote ${options.items} items to ${options.out}\n`);
    });

  program
    .command("catalog-info")
    .description("load the catalog and report its size, skipped rows and load time")
    .action(async () => {
      const opened = await openCatalog(config());
      opened.titles; // build the index to report its time
      io.out(`${opened.source}: ${opened.catalog.size} items, loaded in ${opened.loadMs.toFixed(0)} ms, indexed in ${opened.indexMs.toFixed(0)} ms\n`);
      const skipped = describeSkipped(opened.skipped);
      if (skipped) io.out(`${skipped}\n`);
    });

  return program;
}

function describeResolution(resolution: ReturnType<typeof resolveGame>) {
  const platform = resolution.platform ? `, platform ${resolution.platform.name}` : "";
  switch (resolution.kind) {
    case "found":
      return { kind: resolution.kind, sid: resolution.item.sid, title: resolution.item.title, platform: resolution.platform?.name, summary: `Best guess: ${resolution.item.title}${platform}` };
    case "uncertain":
      return { kind: resolution.kind, candidates: resolution.candidates.map((c) => c.title), platform: resolution.platform?.name, summary: `Not sure which game "${resolution.query}" means${platform}; closest: ${resolution.candidates.map((c) => c.title).join(" | ")}` };
    case "none":
      return { kind: resolution.kind, platform: resolution.platform?.name, summary: `No game found for "${resolution.query}"${platform}` };
    default:
      return resolution satisfies never;
  }
}

async function writeRows(path: string, rows: Iterable<FixtureRow>): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext === ".parquet") {
    const all = [...rows];
    const column = (name: keyof FixtureRow) => ({ name, data: all.map((r) => r[name]), type: "STRING" as const });
    parquetWriteFile({ filename: path, columnData: [column("semantic_id"), column("title"), column("platform"), column("genre")] });
    return;
  }
  if (ext !== ".jsonl" && ext !== ".csv") throw new InvalidArgumentError(`--out must end in .jsonl, .csv or .parquet: ${path}`);
  const stream = createWriteStream(path);
  const write = async (line: string) => {
    if (!stream.write(line)) await once(stream, "drain");
  };
  if (ext === ".csv") await write("semantic_id,title,platform,genre\n");
  for (const row of rows) {
    await write(ext === ".csv" ? `${[row.semantic_id, row.title, row.platform, row.genre].map(csvField).join(",")}\n` : `${JSON.stringify(row)}\n`);
  }
  stream.end();
  await once(stream, "finish");
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
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
