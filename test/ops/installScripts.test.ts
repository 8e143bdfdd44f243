/**
 * npm 11 skips every dependency install script that package.json's `allowScripts` does not
 * approve, and warns about each one it was not told about. README ("Install size…") says sidbot
 * decides for every such package, so `npm ci` prints no install-scripts warning.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe("install scripts", () => {
  it("every locked package with an install script has an allowScripts decision", () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== "" && entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
    expect(withScripts).toContain("node-llama-cpp");
    const undecided = withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== "boolean");
    expect(undecided).toEqual([]);
  });
});
