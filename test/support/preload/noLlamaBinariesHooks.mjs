// Module hooks for noLlamaBinaries.mjs: resolving any @node-llama-cpp/* package fails as npm's omission would.
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@node-llama-cpp/")) {
    const error = new Error(`Cannot find package '${specifier}' (simulated --omit=optional install)`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}
