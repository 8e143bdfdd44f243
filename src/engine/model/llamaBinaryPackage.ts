/** The CPU build of llama.cpp for this machine, as node-llama-cpp names its optional packages. */
export function cpuBinaryPackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === "darwin" ? "mac" : platform === "win32" ? "win" : platform;
  return `@node-llama-cpp/${os}-${arch}${os === "mac" && arch === "arm64" ? "-metal" : ""}`;
}
