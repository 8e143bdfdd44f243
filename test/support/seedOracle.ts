import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./seed_mapping.py", import.meta.url));

/** Runs the seed card's own Python mapping code on `texts` against a JSONL catalog. */
export function seedReplace(catalogPath: string, texts: string[]): string[] {
  const out = execFileSync("python3", [SCRIPT], {
    input: JSON.stringify({ catalog: catalogPath, texts }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as string[];
}

export function hasPython(): boolean {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
