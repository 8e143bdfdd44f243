/**
 * Child-process entry that hosts the model for {@link ModelProcess}. It loads its own copy of the
 * catalog (for the SID trie) and answers the parent's requests over IPC.
 */
import { SidLayout } from "../sid/SidLayout.js";
import { loadCatalog } from "../catalog/loadCatalog.js";
import type { Catalog } from "../catalog/Catalog.js";
import { LlamaBackend } from "./LlamaBackend.js";
import type { ChildMessage, ParentMessage } from "./modelProtocol.js";
import { generatedToWire, itemsOf, rankedToWire } from "./resultWire.js";

let backend: LlamaBackend | undefined;
let catalog: Catalog | undefined;
const running = new Map<number, AbortController>();

const send = (message: ChildMessage) => process.send?.(message);
const items = (sids: string[]) => itemsOf(catalog!, sids);

process.on("message", (message: ParentMessage) => void handle(message));
// The parent went away: nothing left to serve.
process.on("disconnect", () => process.exit(0));

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case "load":
      try {
        const { options } = message;
        catalog = (await loadCatalog(options.catalogPath, new SidLayout({ levels: options.levels, codesPerLevel: options.codesPerLevel }))).catalog;
        backend = await LlamaBackend.load({ ...options, catalog });
        send({ type: "loaded", loadMs: backend.loadMs, sequences: backend.sequences, contextSize: backend.contextSize });
      } catch (error) {
        send({ type: "loadError", message: error instanceof Error ? error.message : String(error) });
      }
      return;
    case "generate":
    case "rank":
    case "countTokens":
      await serve(message);
      return;
    case "abort":
      running.get(message.id)?.abort(new Error("aborted"));
      return;
    case "dispose":
      await backend?.dispose();
      process.exit(0);
      return;
    default:
      message satisfies never;
  }
}

async function serve(message: Extract<ParentMessage, { id: number }>): Promise<void> {
  const controller = new AbortController();
  running.set(message.id, controller);
  try {
    if (!backend) throw new Error("model not loaded");
    if (message.type === "generate") {
      const result = await backend.generate({
        segments: message.segments,
        plan: message.plan,
        sampling: message.sampling,
        maxTokens: message.maxTokens,
        exclude: items(message.exclude),
        signal: controller.signal,
        ...(message.conversationId !== undefined ? { conversationId: message.conversationId } : {}),
        ...(message.seed !== undefined ? { seed: message.seed } : {}),
        ...(message.stream ? { onText: (chunk: string) => send({ type: "text", id: message.id, chunk }) } : {}),
      });
      send({ type: "generated", id: message.id, ...generatedToWire(result) });
    } else if (message.type === "rank") {
      const ranked = await backend.rank({ segments: message.segments, k: message.k, exclude: items(message.exclude), signal: controller.signal, ...(message.beamWidth ? { beamWidth: message.beamWidth } : {}), ...(message.conversationId !== undefined ? { conversationId: message.conversationId } : {}) });
      send({ type: "ranked", id: message.id, items: rankedToWire(ranked) });
    } else if (message.type === "countTokens") {
      send({ type: "counted", id: message.id, tokens: backend.tokenCount(message.segments) });
    }
  } catch (error) {
    send({ type: "error", id: message.id, message: error instanceof Error ? error.message : String(error), aborted: controller.signal.aborted });
  } finally {
    running.delete(message.id);
  }
}
