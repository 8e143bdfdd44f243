import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG_FILE } from "../src/config.js";
import { main } from "../src/cli.js";
import { fixtureModel } from "./support/models.js";
import { tempDir } from "./support/tempDir.js";
import { assertWellFormedXml } from "./support/xmlWellFormed.js";

const dir = tempDir();

async function run(args: string[], { tty = false, env = {} }: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  let out = "";
  let err = "";
  const io = { out: (t: string) => (out += t), err: (t: string) => (err += t), readStdin: async () => "", errIsTTY: tty };
  const code = await main(args, io, env);
  return { code, out, err };
}

interface JsonReport {
  lines: number;
  sampled: number;
  rows: number;
  unresolvable: number;
  firstUnresolvable: { line: number; reason: string }[];
  backends: { label: string; rows: number; hitAt: number[]; invalidRate: number; duplicateRate: number; unreported: number }[];
}

const catalog = join(dir, "catalog.jsonl");
const rows = join(dir, "rows.jsonl");
const ITEMS = 1000;
const ROWS = 60;

describe("sidbot eval", () => {
  it("fixture-sequences writes rows for the catalog; eval prints the table and writes JSON and a well-formed SVG", async () => {
    expect((await run(["fixture-catalog", "--items", String(ITEMS), "--seed", "2", "--out", catalog])).code).toBe(0);
    const made = await run(["fixture-sequences", "--catalog", catalog, "--out", rows, "--n", String(ROWS), "--seed", "9", "--noise"]);
    expect(made.code).toBe(0);
    expect(made.err).toMatch(new RegExp(`^wrote ${ROWS} rows to .*rows\\.jsonl \\(\\d+ drawn from the history's SID neighbourhood\\)\\n$`));
    const written = readFileSync(rows, "utf8").trim().split("\n");
    expect(written).toHaveLength(ROWS);
    // The generator's own marks: lines that are not JSON or say they are noise.
    const spoiled = written.filter((l) => {
      try {
        return (JSON.parse(l) as { noise?: string }).noise !== undefined;
      } catch {
        return true;
      }
    }).length;

    const json = join(dir, "report.json");
    const svg = join(dir, "report.svg");
    const { code, out, err } = await run(["--catalog", catalog, "eval", rows, "--json", json, "--chart", svg]);
    expect(code).toBe(0);
    expect(out).toMatch(/^\| backend \| rows \| Hit@1 \| Hit@5 \| Hit@10 \| NDCG@10 \| MRR \| coverage \|/);
    expect(out).toMatch(new RegExp(`\\n\\| catalog \\| ${ROWS - spoiled} \\| [\\d.]+ \\|`));
    expect(out).toContain(`${ROWS - spoiled} rows evaluated against ${ITEMS} catalog items; ${spoiled} unresolvable:`);
    expect(err).toMatch(/^evaluated \d+ rows with 1 backend in [\d.]+ s\n$/);
    expect(err).not.toContain("\x1b");

    const report = JSON.parse(readFileSync(json, "utf8")) as JsonReport;
    expect(report).toMatchObject({ lines: ROWS, sampled: ROWS, rows: ROWS - spoiled, unresolvable: spoiled });
    expect(report.backends.map((b) => b.label)).toEqual(["catalog"]);
    expect(report.backends[0]!.hitAt).toHaveLength(10);
    const chart = readFileSync(svg, "utf8");
    expect(() => assertWellFormedXml(chart)).not.toThrow();
    expect(chart.match(/<polyline /g)).toHaveLength(1);
  }, 60_000);

  it("--limit takes a sample drawn with --seed: the same seed, the same rows and figures", async () => {
    const a = join(dir, "a.json");
    const b = join(dir, "b.json");
    const c = join(dir, "c.json");
    await run(["--catalog", catalog, "eval", rows, "--limit", "15", "--seed", "4", "--json", a]);
    await run(["--catalog", catalog, "eval", rows, "--limit", "15", "--seed", "4", "--json", b]);
    await run(["--catalog", catalog, "eval", rows, "--limit", "15", "--seed", "5", "--json", c]);
    const [ra, rb, rc] = [a, b, c].map((f) => JSON.parse(readFileSync(f, "utf8")) as JsonReport);
    expect(ra!.sampled).toBe(15);
    expect(ra!.rows + ra!.unresolvable).toBe(15);
    const figures = (r: JsonReport) => ({ rows: r.rows, unresolvable: r.firstUnresolvable, hits: r.backends[0]!.hitAt });
    expect(figures(rb!)).toEqual(figures(ra!));
    expect(figures(rc!)).not.toEqual(figures(ra!));
  }, 60_000);

  it("draws a progress bar on stderr only when stderr is a terminal", async () => {
    const tty = await run(["--catalog", catalog, "eval", rows, "--limit", "5"], { tty: true });
    expect(tty.err).toContain("\r\x1b[2K[");
    expect(tty.err).toMatch(/\d+\/\d+ catalog/);
    expect(tty.out).not.toContain("\x1b");
    const piped = await run(["--catalog", catalog, "eval", rows, "--limit", "5"], { tty: false });
    expect(piped.err).not.toContain("\x1b");
    expect(piped.err).not.toContain("\r");
  }, 60_000);

  it("bad input gets one clear line, never a crash", async () => {
    const missing = await run(["--catalog", catalog, "eval", join(dir, "nope.jsonl")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^sidbot: cannot read eval rows .*nope\.jsonl: file or folder not found\n$/);
    // Output files are checked before the run, so a bad path never costs an evaluation.
    const unwritable = join(dir, "no-such-folder", "r.json");
    const early = await run(["--catalog", catalog, "eval", rows, "--limit", "3", "--json", unwritable]);
    expect(early).toEqual({ code: 1, out: "", err: `sidbot: --json: cannot write ${unwritable}: file or folder not found\n` });
    const folder = await run(["--catalog", catalog, "eval", rows, "--limit", "3", "--chart", dir]);
    expect(folder).toEqual({ code: 1, out: "", err: `sidbot: --chart: cannot write ${dir}: it is a folder\n` });
    const same = join(dir, "same.out");
    const both = await run(["--catalog", catalog, "eval", rows, "--limit", "3", "--json", same, "--chart", `${dir}/./same.out`]);
    expect(both).toEqual({ code: 1, out: "", err: `sidbot: --json and --chart name the same file (${same}); give each its own\n` });
    expect(existsSync(same)).toBe(false);
    // Through a link to an existing file, too.
    const target = join(dir, "target.out");
    writeFileSync(target, "keep me");
    symlinkSync(target, join(dir, "link.out"));
    const linked = await run(["--catalog", catalog, "eval", rows, "--limit", "3", "--json", target, "--chart", join(dir, "link.out")]);
    expect(linked.code).toBe(1);
    expect(linked.err).toMatch(/--json and --chart name the same file/);
    expect(readFileSync(target, "utf8")).toBe("keep me");
    const sequencesIntoFolder = await run(["fixture-sequences", "--catalog", catalog, "--out", dir, "--n", "3"]);
    expect(sequencesIntoFolder).toEqual({ code: 1, out: "", err: `sidbot: --out: cannot write ${dir}: it is a folder\n` });
    const noModel = await run(["--catalog", catalog, "eval", rows, "--unconstrained"]);
    expect(noModel.code).toBe(1);
    expect(noModel.err).toBe("sidbot: --unconstrained needs a model (--model or MODEL_PATH)\n");
    const garbage = join(dir, "garbage.jsonl");
    writeFileSync(garbage, 'not json\n{"history": 3}\n\n[1,2]\n');
    const bad = await run(["--catalog", catalog, "eval", garbage]);
    expect(bad.code).toBe(0);
    expect(bad.out).toContain("0 rows evaluated against 1000 catalog items; 3 unresolvable:\n- line 1: not valid JSON\n- line 2:");
    expect(bad.out).toContain("- line 4: expected an object");
  }, 60_000);

  it("evaluates without the operator lists unless --operator-lists: then says so, and coverage is of the allowed items", async () => {
    const items = readFileSync(catalog, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { semantic_id: string }).semantic_id);
    const allow = join(dir, "allow.txt");
    writeFileSync(allow, `${items.slice(0, 50).join("\n")}\n`);
    const env = { CATALOG_ALLOW_PATH: allow };
    const json = join(dir, "lists.json");
    type ListsReport = { operatorLists: unknown; backends: { coverage: number }[] };
    const plain = await run(["--catalog", catalog, "eval", rows, "--limit", "20", "--json", json], { env });
    expect(plain.code).toBe(0);
    expect(plain.out).toContain("Not filtered by the operator allow-list (catalog.allowPath/denyPath); --operator-lists applies them.");
    const unfiltered = JSON.parse(readFileSync(json, "utf8")) as ListsReport;
    expect(unfiltered.operatorLists).toEqual({ applied: false, allowPath: allow, denyPath: null, allowed: ITEMS });
    const filtered = await run(["--catalog", catalog, "eval", rows, "--limit", "20", "--json", json, "--operator-lists"], { env });
    expect(filtered.code).toBe(0);
    expect(filtered.out).toContain(`Filtered by the operator allow-list: 50 of ${ITEMS} items allowed; coverage is of those 50.`);
    const report = JSON.parse(readFileSync(json, "utf8")) as ListsReport;
    expect(report.operatorLists).toEqual({ applied: true, allowPath: allow, denyPath: null, allowed: 50 });
    // Answers come from the 50 allowed items only, so coverage over them is at most 1 — and more than 1000 would give.
    const coverage = report.backends[0]!.coverage;
    expect(coverage).toBeLessThanOrEqual(1);
    expect(coverage).toBeGreaterThan(50 / ITEMS);
  }, 60_000);

  it("--history N evaluates the last N items of each history and records it", async () => {
    const json = join(dir, "history.json");
    const { code, out } = await run(["--catalog", catalog, "eval", rows, "--history", "1", "--json", json]);
    expect(code).toBe(0);
    // The generator's histories have 2–5 items, so every resolvable row is shortened to one.
    const report = JSON.parse(readFileSync(json, "utf8")) as JsonReport & { history: { last: number; shortened: number } };
    expect(report.history).toEqual({ last: 1, shortened: report.rows });
    expect(out).toContain(`${report.rows} rows have a history longer than 1 items: the last 1 were evaluated.`);
  }, 60_000);

  it("a model that does not load is one line on stderr, with no log before it", () => {
    const bad = join(dir, "not-a-model.gguf");
    writeFileSync(bad, "not a GGUF file");
    const bin = fileURLToPath(new URL("../bin/sidbot.js", import.meta.url));
    const child = spawnSync(process.execPath, [bin, "--catalog", catalog, "--model", bad, "eval", rows, "--limit", "2"], {
      encoding: "utf8",
      env: { ...process.env, LOG_LEVEL: "" },
    });
    expect(child.status).toBe(1);
    expect(child.stdout).toBe("");
    expect(child.stderr).toMatch(/^sidbot: the model did not load, so it cannot be evaluated: [^\n]+\n$/);
  }, 60_000);
});

describe("sidbot eval with the fixture model", async () => {
  const model = await fixtureModel(dir);
  // In-process model: the test needs no built child-process entry point.
  const settings = JSON.parse(readFileSync(DEFAULT_CONFIG_FILE, "utf8")) as { model: Record<string, unknown> };
  settings.model.isolation = "inline";
  const configFile = join(dir, "inline.json");
  writeFileSync(configFile, JSON.stringify(settings));
  const env = { SIDBOT_CONFIG: configFile };

  it("ranks with the model and the catalog; the model's ranked list is distinct catalog items", async () => {
    const json = join(dir, "model.json");
    const { code, out } = await run(["--catalog", catalog, "--model", model, "eval", rows, "--limit", "6", "--json", json], { env });
    expect(code).toBe(0);
    expect(out).toMatch(/\n\| model \| \d+ \|/);
    const report = JSON.parse(readFileSync(json, "utf8")) as JsonReport;
    expect(report.backends.map((b) => b.label)).toEqual(["model", "catalog"]);
    expect(report.backends[0]).toMatchObject({ rows: report.rows, invalidRate: 0, duplicateRate: 0 });
  }, 120_000);

  // Needs GenerateResult.written from the decoder (another slice); until it is merged the answers
  // do not report what the model wrote and this test fails on `unreported`.
  it("--unconstrained judges the SIDs the model writes as written", async () => {
    const json = join(dir, "free.json");
    const args = ["--catalog", catalog, "--model", model, "eval", rows, "--limit", "6", "--unconstrained", "--json", json];
    const { code } = await run(args, { env });
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(json, "utf8")) as JsonReport;
    expect(report.backends.map((b) => b.label)).toEqual(["model", "model (unconstrained)", "catalog"]);
    expect(report.backends[1]!.unreported).toBe(0);
  }, 120_000);
});
