import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { sidOf } from "../../support/catalogs.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), readStdin: async () => "" }, {});
  return { code, out, err };
}

function catalog(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.join("\n")}\n`);
  return path;
}

const good = [
  JSON.stringify({ semantic_id: sidOf(1, 257, 513, 768), title: "Halo 3 - Xbox 360" }),
  JSON.stringify({ semantic_id: sidOf(1, 257, 514, 768), title: "Halo Reach - Xbox 360" }),
];

describe("sidbot chat --once reports skipped catalog rows", () => {
  it("prints the skipped-row summary to stderr, like the bot logs at start", async () => {
    const path = catalog("skips.jsonl", [good[0]!, JSON.stringify({ semantic_id: sidOf(1, 257, 515, 768), title: "" }), "{oops", good[1]!]);
    const { code, out, err } = await run(["--catalog", path, "chat", "--once", "similar to Halo 3"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^bot> /);
    expect(err).toBe(`sidbot: catalog ${path}: skipped 2 rows (line 2: empty title; line 3: line is not valid JSON)\n`);
  });

  it("keeps stdout pure JSON with --json", async () => {
    const path = catalog("skips-json.csv", ["semantic_id,title", `${sidOf(1, 257, 513, 768)},Halo 3`, "nope,Bad"]);
    const { code, out, err } = await run(["--catalog", path, "chat", "--json", "--once", "similar to Halo 3"]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ backend: "catalog" });
    expect(err).toMatch(/^sidbot: catalog .*skips-json\.csv: skipped 1 row \(line 3: invalid SID.*\)\n$/);
  });

  it("says nothing when no row was skipped", async () => {
    const { code, err } = await run(["--catalog", catalog("clean.jsonl", good), "chat", "--once", "similar to Halo 3"]);
    expect(code).toBe(0);
    expect(err).toBe("");
  });
});
