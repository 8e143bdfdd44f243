import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { sidOf } from "./support/catalogs.js";
import { tempDir } from "./support/tempDir.js";

const dir = tempDir();

async function run(args: string[], stdin = "") {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), readStdin: async () => stdin }, {});
  return { code, out, err };
}

describe("sidbot CLI", () => {
  it("explains itself with --help", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    for (const command of ["map", "find", "fixture-catalog"]) expect(out).toContain(command);
  });

  it("map replaces SIDs like the seed (built-in catalog)", async () => {
    const { code, out } = await run(["map", `${sidOf(64, 313, 637, 768)}, ${sidOf(64, 313, 600, 768)}<|im_end|>`]);
    expect(code).toBe(0);
    expect(out).toBe(`"Halo 3 Limited Edition -Xbox 360", "Halo 3 Limited Edition -Xbox 360" (L2 match) [+1 similar]<|im_end|>\n`);
  });

  it("map reads standard input with -", async () => {
    const { out } = await run(["map", "-"], `a\n${sidOf(7, 300, 600, 768)}\n`);
    expect(out).toBe("a\n[Unknown Item]\n\n");
  });

  it("find prints matches with SIDs and a best guess", async () => {
    const { code, out } = await run(["find", "similar", "to", "mario", "kart", "but", "for", "xbox"]);
    expect(code).toBe(0);
    expect(out).toContain("Mario Kart: Super Circuit");
    expect(out).toContain(sidOf(145, 290, 620, 768));
    expect(out).toContain("Best guess: Mario Kart: Super Circuit, platform Xbox");
  });

  it("find --json is machine-readable", async () => {
    const { out } = await run(["find", "--json", "halo reach"]);
    const parsed = JSON.parse(out) as { hits: { title: string; sid: string; score: number }[] };
    expect(parsed.hits[0]!.title).toMatch(/^Halo Reach/);
    expect(parsed.hits[0]!.score).toBeGreaterThan(0);
  });

  it("fixture-catalog writes a loadable catalog in each format", async () => {
    for (const ext of ["jsonl", "csv", "parquet"]) {
      const out = join(dir, `f.${ext}`);
      expect((await run(["fixture-catalog", "--items", "300", "--seed", "3", "--out", out])).code).toBe(0);
      const info = await run(["--catalog", out, "catalog-info"]);
      expect(info.out).toMatch(/: 300 items/);
    }
    expect(readFileSync(join(dir, "f.csv"), "utf8").split("\n")[0]).toBe("semantic_id,title,platform,genre");
  });

  it("catalog-info reads the title index from the cache on a second call; a changed catalog is indexed again", async () => {
    const catalog = join(dir, "big.jsonl");
    const cache = join(dir, "index-cache");
    let out = "";
    const info = async () => {
      await main(
        ["--catalog", catalog, "catalog-info"],
        { out: (t) => (out += t), err: () => {}, readStdin: async () => "" },
        { TITLE_INDEX_CACHE_DIR: cache },
      );
      return out;
    };
    expect((await run(["fixture-catalog", "--items", "12000", "--seed", "4", "--out", catalog])).code).toBe(0);
    expect(await info()).toMatch(/12000 items, .* \(index cached\)\n$/);
    out = "";
    expect(await info()).toMatch(/12000 items, .* \(from the index cache\)\n$/);
    out = "";
    expect((await run(["fixture-catalog", "--items", "12000", "--seed", "5", "--out", catalog])).code).toBe(0);
    expect(await info()).toMatch(/12000 items, .* \(index cached\)\n$/);
  });

  it("fails with one clear line on a bad catalog or bad arguments", async () => {
    const missing = await run(["--catalog", join(dir, "nope.jsonl"), "map", "x"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^sidbot: cannot read catalog .*nope\.jsonl: file not found\n$/);
    const bad = await run(["fixture-catalog", "--items", "-3", "--out", join(dir, "x.jsonl")]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("expected a positive integer");
  });
});

describe("sidbot chat --once", async () => {
  const { requireRedis, SHARED_REDIS_URL, uniqueNamespace } = await import("./support/redis.js");
  const redis = await requireRedis();

  it("answers once from the built-in catalog (no model, no Redis)", async () => {
    const { code, out } = await run(["chat", "--once", "similar to Halo 3"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^bot> 1\. Halo Reach/);
  });

  it("prints one JSON object with --json", async () => {
    const { code, out } = await run(["chat", "--json", "--once", "similar to Halo 3"]);
    expect(code).toBe(0);
    const reply = JSON.parse(out) as {
      items: { sid: string; title: string; match: string }[];
      text: string;
      backend: string;
      timings: { totalMs: number };
    };
    expect(reply.backend).toBe("catalog");
    expect(reply.items[0]).toMatchObject({
      title: expect.stringMatching(/^Halo/),
      match: "exact",
      sid: expect.stringMatching(/^<\|sid_start\|>/),
    });
    expect(reply.timings.totalMs).toBeGreaterThanOrEqual(0);
  });

  it.runIf(redis)("continues one conversation across runs with REDIS_URL", async () => {
    const env = { REDIS_URL: SHARED_REDIS_URL, MEMORY_NAMESPACE: uniqueNamespace("cli") };
    const once = (text: string) =>
      main(
        ["chat", "--json", "--conversation", "abc", "--once", text],
        { out: (t) => (out += t), err: () => {}, readStdin: async () => "" },
        env,
      );
    let out = "";
    expect(await once("similar to Halo 3")).toBe(0);
    out = "";
    expect(await once("more like #1")).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ kind: "answer" });
    out = "";
    await main(
      ["chat", "--json", "--conversation", "other", "--once", "more like #1"],
      { out: (t) => (out += t), err: () => {}, readStdin: async () => "" },
      env,
    );
    expect(JSON.parse(out)).toMatchObject({ kind: "clarify" });
  });
});

describe("sidbot as a process", () => {
  it("output piped into a reader that quits early ends quietly (no EPIPE crash)", async () => {
    const { spawn } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const bin = fileURLToPath(new URL("../bin/sidbot.js", import.meta.url));
    const child = spawn(process.execPath, [bin, "map", "-"], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // Like `| head -1`: read the first chunk, then close the pipe while sidbot still writes.
    child.stdout.once("data", () => child.stdout.destroy());
    child.stdin.end(`first line\n${"abc ".repeat(500_000)}`);
    const [code] = (await once(child, "exit")) as [number | null];
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
