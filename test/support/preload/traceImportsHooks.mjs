// Module hooks for traceImports.mjs: reports each bare package specifier once.
let port;
const seen = new Set();
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, next) {
  const bare = /^(@[^/]+\/)?[^./][^/:]*/.exec(specifier)?.[0];
  if (bare && !specifier.startsWith("node:") && !seen.has(bare)) {
    seen.add(bare);
    port.postMessage(bare);
  }
  return next(specifier, context);
}
