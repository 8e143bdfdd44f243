// Test preload: prints one stderr line per package a process imports, as JSON {"imported": name}.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
port1.on("message", (name) => process.stderr.write(`${JSON.stringify({ imported: name })}\n`));
port1.unref();
register("./traceImportsHooks.mjs", import.meta.url, { data: { port: port2 }, transferList: [port2] });
