import { execFileSync } from "node:child_process";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The project's own files a tsconfig compiles (dependencies' type declarations left out). */
function compiledBy(project: string): string[] {
  const listed = execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-p", project, "--listFilesOnly"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return listed
    .split("\n")
    .filter((line) => line !== "" && !line.includes("/node_modules/"))
    .map((file) => relative(ROOT, file));
}

describe("the published build (npm run build → dist/)", () => {
  it("compiles src only: no test fakes, no bench", () => {
    const files = compiledBy("tsconfig.build.json");
    expect(files).toContain("src/cli.ts");
    expect(files.filter((file) => !file.startsWith("src/"))).toEqual([]);
  });

  it("the bench has its own build, outside dist/", () => {
    const files = compiledBy("tsconfig.bench.json");
    expect(files).toContain("bench/run.ts");
    const outDir = JSON.parse(
      execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, "-p", "tsconfig.bench.json", "--showConfig"], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ).compilerOptions.outDir;
    expect(relative(ROOT, `${ROOT}${outDir}`).split("/")[0]).not.toBe("dist");
  });
});
