/**
 * CLI cold start: wall time of whole `sidbot` processes (`--help`, `map`, `find`, `catalog-info`)
 * against what they cannot avoid — starting node (`node -e 0`) and, for the catalog commands, a
 * process that only imports loadCatalog and loads the same catalog (bench/loadOnly.ts). Target:
 * each within 1.5× of its baseline. Spawns are interleaved round by round, so a busy machine
 * slows figures and baselines alike.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BUILTIN_CATALOG } from "../src/config.js";
import { fmt, median } from "./stats.js";

const TARGET_RATIO = 1.5;
const SIDBOT = fileURLToPath(new URL("../../bin/sidbot.js", import.meta.url));
const LOAD_ONLY = fileURLToPath(new URL("./loadOnly.js", import.meta.url));
// A SID in the default layout; `map` prints its title or [Unknown Item], either way the whole path runs.
const SID = "<|sid_start|><|sid_64|><|sid_313|><|sid_637|><|sid_768|><|sid_end|>";
// Settings that would make `sidbot` connect somewhere or load a model; the bench runs without them.
const UNSET = ["CATALOG_PATH", "MODEL_PATH", "REDIS_URL", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "HEALTH_PORT", "SIDBOT_CONFIG", "ENGINE_MODE"];

interface Case {
  name: string;
  args: string[];
}

/** Runs one process to its end and returns its wall time in ms; a failing process stops the bench. */
function timeProcess(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`cli bench: node ${args.join(" ")} exited ${run.status ?? run.signal}: ${run.stderr}`);
  return ms;
}

/** Median wall time of each case over `runs` interleaved rounds (after one unmeasured round: disk cache). */
function medians(cases: readonly Case[], runs: number, cwd: string, env: NodeJS.ProcessEnv): Map<string, number> {
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) timeProcess(c.args, cwd, env);
  for (let round = 0; round < runs; round++) for (const c of cases) times.get(c.name)!.push(timeProcess(c.args, cwd, env));
  return new Map([...times].map(([name, ms]) => [name, median(ms)]));
}

function verdict(ms: number, baselineMs: number): string {
  const ratio = ms / baselineMs;
  return `×${fmt(ratio, 2)} ${ratio <= TARGET_RATIO ? "meets" : "misses"} ≤ ${TARGET_RATIO}×`;
}

export async function cliBench(dir: string, catalogPath: string, print: (line: string) => void, runs = 7): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "error" };
  for (const name of UNSET) delete env[name];
  print(`cli cold start: median of ${runs} spawns each, interleaved; target ≤ ${TARGET_RATIO}× the baseline in the same run`);

  for (const [label, catalog, catalogArgs] of [
    ["built-in catalog", BUILTIN_CATALOG, []],
    [`catalog ${catalogPath}`, catalogPath, ["--catalog", catalogPath]],
  ] as const) {
    const builtin = catalogArgs.length === 0;
    const cases: Case[] = [
      { name: "node -e 0", args: ["-e", "0"] },
      { name: "load only", args: [LOAD_ONLY, catalog] },
      ...(builtin ? [{ name: "--help", args: [SIDBOT, "--help"] }] : []),
      { name: "map", args: [SIDBOT, ...catalogArgs, "map", SID] },
      { name: "catalog-info", args: [SIDBOT, ...catalogArgs, "catalog-info"] },
    ];
    // `find` builds (or reads) the title index: its first call in this run is reported on its own.
    const find: Case = { name: "find", args: [SIDBOT, ...catalogArgs, "find", "halo"] };
    const findFirstMs = timeProcess(find.args, dir, env);
    const ms = medians([...cases, find], runs, dir, env);
    const node = ms.get("node -e 0")!;
    const load = ms.get("load only")!;
    print(`  ${label}: baselines node -e 0 ${fmt(node, 0)} ms, node + loadCatalog ${fmt(load, 0)} ms`);
    if (builtin) print(`    --help        ${fmt(ms.get("--help")!, 0).padStart(6)} ms  vs node -e 0: ${verdict(ms.get("--help")!, node)}`);
    for (const name of ["map", "catalog-info", "find"]) {
      print(`    ${name.padEnd(13)} ${fmt(ms.get(name)!, 0).padStart(6)} ms  vs load only: ${verdict(ms.get(name)!, load)}`);
    }
    print(`    find, first call in this run: ${fmt(findFirstMs, 0)} ms (${verdict(findFirstMs, load)}); the median above is of the calls after it`);
  }
}
