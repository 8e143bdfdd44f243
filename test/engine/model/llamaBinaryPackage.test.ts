import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpuBinaryPackage } from "../../../src/engine/model/llamaBinaryPackage.js";

// The oracle: the packages node-llama-cpp itself lists as its optional prebuilt binaries.
const manifest = new URL("../../../node_modules/node-llama-cpp/package.json", import.meta.url);
const published = Object.keys(
  (JSON.parse(readFileSync(manifest, "utf8")) as { optionalDependencies: Record<string, string> }).optionalDependencies,
);

describe("cpuBinaryPackage (named in the lean-install hint)", () => {
  it.each([
    ["linux", "x64"],
    ["linux", "arm64"],
    ["darwin", "arm64"],
    ["darwin", "x64"],
    ["win32", "x64"],
    ["win32", "arm64"],
  ] as const)("%s-%s names a package node-llama-cpp publishes", (platform, arch) => {
    expect(published).toContain(cpuBinaryPackage(platform, arch));
  });
});
