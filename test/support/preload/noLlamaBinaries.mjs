// Test preload: the process behaves as after `npm ci --omit=optional` — node-llama-cpp is there,
// its prebuilt llama.cpp binaries (@node-llama-cpp/<platform>) are not. Forked children inherit it.
import { register } from "node:module";

register("./noLlamaBinariesHooks.mjs", import.meta.url);
