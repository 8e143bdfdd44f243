/**
 * CLI cold start: wall time of whole `sidbot` processes (`--help`, `map`, `find`, `catalog-info`)
 * against what they cannot avoid — starting node (`node -e 0`) and, for the catalog commands, a
 * process that only imports loadCatalog and loads the same catalog (bench/loadOnly.ts). Target:
 * each within 1.5× of its baseline. Spawns are interleaved round by round, so a busy machine
 * slows figures and baselines alike; each process's CPU time is printed too, which a busy machine
 * hardly changes.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILTIN_CATALOG } from "../src/config.js";
import { CPU_MARK } from "./cpuMark.js";
import { fmt, median } from "./stats.js";

const TARGET_RATIO = 1.5;
const SIDBOT = fileURLToPath(new URL("../../bin/sidbot.js", import.meta.url));
const LOAD_ONLY = fileURLToPath(new URL("./loadOnly.js", import.meta.url));
const CPU_AT_EXIT = fileURLToPath(new URL("./cpuAtExit.js", import.meta.url));
// A SID in the default layout; `map` prints its title or [Unknown Item], either way the whole path runs.
const SID = "<|sid_start|><|sid_64|><|sid_313|><|sid_637|><|sid_768|><|sid_end|>";
// Settings that would make `sidbot` connect somewhere or load a model; the bench runs without them.
const UNSET = [
  "CATALOG_PATH",
  "MODEL_PATH",
  "REDIS_URL",
  "DISCORD_TOKEN",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "HEALTH_PORT",
  "SIDBOT_CONFIG",
  "ENGINE_MODE",
];

interface Case {
  name: string;
  args: string[];
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** Runs one process to its end: its wall and CPU time; a failing process stops the bench. */
function timeProcess(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Timing {
  const started = performance.now();
  const run = spawnSync(process.execPath, ["--import", CPU_AT_EXIT, ...args], {
    cwd,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  const wallMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`cli bench: node ${args.join(" ")} exited ${run.status ?? run.signal}: ${run.stderr}`);
  const cpuLine = run.stderr.split("\n").findLast((line) => line.startsWith(CPU_MARK));
  return { wallMs, cpuMs: Number(cpuLine?.slice(CPU_MARK.length)) };
}

/** Median wall and CPU time of each case over `runs` interleaved rounds (after one unmeasured round: disk cache). */
function medians(cases: readonly Case[], runs: number, cwd: string, env: NodeJS.ProcessEnv): Map<string, Timing> {
  const times = new Map<string, Timing[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) timeProcess(c.args, cwd, env);
  for (let round = 0; round < runs; round++) for (const c of cases) times.get(c.name)!.push(timeProcess(c.args, cwd, env));
  return new Map([...times].map(([name, t]) => [name, { wallMs: median(t.map((x) => x.wallMs)), cpuMs: median(t.map((x) => x.cpuMs)) }]));
}

function ratio(ms: number, baselineMs: number): string {
  return `×${fmt(ms / baselineMs, 2)}`;
}

/** One figure against its baseline: wall time (the target) and CPU time. */
function compare(name: string, t: Timing, base: Timing, baseName: string): string {
  const verdict = t.wallMs / base.wallMs <= TARGET_RATIO ? "meets" : "misses";
  return (
    `    ${name.padEnd(13)} ${fmt(t.wallMs, 0).padStart(6)} ms wall ${ratio(t.wallMs, base.wallMs)} ` +
    `(${verdict} ≤ ${TARGET_RATIO}×), ${fmt(t.cpuMs, 0).padStart(5)} ms CPU ` +
    `${ratio(t.cpuMs, base.cpuMs)}  vs ${baseName}`
  );
}

export async function cliBench(dir: string, catalogPath: string, print: (line: string) => void, runs = 7): Promise<void> {
  // A title-index cache of this run's own: the first find is cold, and the home folder stays untouched.
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "error", TITLE_INDEX_CACHE_DIR: join(dir, "title-index-cache") };
  for (const name of UNSET) delete env[name];
  print(`cli cold start: median of ${runs} spawns each, interleaved; target: wall time ≤ ${TARGET_RATIO}× the baseline in the same run`);
  print("  (find 1st: its first call in this run, with the title-index cache still cold; find: the calls after it)");

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
    const findFirst = timeProcess(find.args, dir, env);
    const t = medians([...cases, find], runs, dir, env);
    const node = t.get("node -e 0")!;
    const load = t.get("load only")!;
    print(
      `  ${label}: baselines node -e 0 ${fmt(node.wallMs, 0)} ms wall, ${fmt(node.cpuMs, 0)} ms CPU; node ` +
        `+ loadCatalog ${fmt(load.wallMs, 0)} ms wall, ${fmt(load.cpuMs, 0)} ms CPU`,
    );
    if (builtin) print(compare("--help", t.get("--help")!, node, "node -e 0"));
    for (const name of ["map", "catalog-info", "find"]) print(compare(name, t.get(name)!, load, "load only"));
    print(compare("find 1st", findFirst, load, "load only"));
  }
}
