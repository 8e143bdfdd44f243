/**
 * Child-process entry that hosts the model for {@link ModelProcess}. It gets the catalog's SID
 * codes from the parent (one typed array, see {@link SidCodes}), never the catalog itself, and
 * answers the parent's requests over IPC; items travel as SIDs.
 */
import { SidbotError } from "../../errors.js";
import { SidLayout } from "../sid/SidLayout.js";
import type { CatalogItem } from "../catalog/Catalog.js";
import { LlamaBackend } from "./LlamaBackend.js";
import type { GenerateRequest } from "./ModelBackend.js";
import { ModelProcessError } from "./modelErrors.js";
import type { ChildMessage, ParentMessage } from "./modelProtocol.js";
import { generatedToWire, rankedToWire } from "./resultWire.js";
import { SidCodes } from "./SidCodes.js";

let backend: LlamaBackend | undefined;
let sids: SidCodes | undefined;
const running = new Map<number, AbortController>();
// Which IPC request a generation belongs to, for the SIDs it streams.
const streamIds = new WeakMap<GenerateRequest, number>();

const send = (message: ChildMessage) => process.send?.(message);

/** The SID-only items behind SIDs (unknown ones dropped). */
function items(list: readonly string[]): CatalogItem[] {
  return list.flatMap((sid) => {
    const parsed = sids!.layout.parse(sid);
    const index = parsed.ok ? sids!.indexOf(parsed.codes) : -1;
    return index < 0 ? [] : [sids!.item(index)];
  });
}

process.on("message", (message: ParentMessage) => void handle(message));
// The parent went away: nothing left to serve.
process.on("disconnect", () => process.exit(0));

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case "load":
      try {
        const { options } = message;
        sids = new SidCodes(new SidLayout({ levels: options.levels, codesPerLevel: options.codesPerLevel }), message.sidCodes);
        const streamSid = (item: CatalogItem, request: GenerateRequest) => {
          const id = streamIds.get(request);
          if (id !== undefined) send({ type: "sidText", id, sid: item.sid });
        };
        backend = await LlamaBackend.load({ ...options, sids, streamSid });
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
      running.get(message.id)?.abort(new ModelProcessError("model_aborted", "aborted"));
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
    if (!backend) throw new ModelProcessError("model_not_loaded", "model not loaded");
    const conversation = "conversationId" in message && message.conversationId !== undefined ? { conversationId: message.conversationId } : {};
    if (message.type === "generate") {
      const request: GenerateRequest = {
        segments: message.segments,
        plan: message.plan,
        sampling: message.sampling,
        maxTokens: message.maxTokens,
        exclude: items(message.exclude),
        signal: controller.signal,
        ...conversation,
        ...(message.seed !== undefined ? { seed: message.seed } : {}),
        ...(message.stream ? { onText: (chunk: string) => send({ type: "text", id: message.id, chunk }) } : {}),
      };
      if (message.stream) streamIds.set(request, message.id);
      const result = await backend.generate(request);
      send({ type: "generated", id: message.id, ...generatedToWire(result) });
    } else if (message.type === "rank") {
      const ranked = await backend.rank({ segments: message.segments, k: message.k, exclude: items(message.exclude), signal: controller.signal, ...conversation, ...(message.beamWidth ? { beamWidth: message.beamWidth } : {}) });
      send({ type: "ranked", id: message.id, items: rankedToWire(ranked) });
    } else if (message.type === "countTokens") {
      send({ type: "counted", id: message.id, tokens: backend.tokenCount(message.segments) });
    }
  } catch (error) {
    const code = error instanceof SidbotError ? error.code : "model_failed";
    send({ type: "error", id: message.id, code, message: error instanceof Error ? error.message : String(error), aborted: controller.signal.aborted });
  } finally {
    running.delete(message.id);
  }
}
