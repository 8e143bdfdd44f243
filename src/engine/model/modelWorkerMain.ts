/**
 * Child-process entry that hosts the model for {@link ModelProcess}. It gets the catalog's SID
 * codes from the parent (one typed array, see {@link SidCodes}), never the catalog itself, and
 * answers the parent's requests over IPC; items travel as SIDs.
 */
import { SidbotError } from "../../errors.js";
import { SidLayout } from "../sid/SidLayout.js";
import { LlamaBackend } from "./LlamaBackend.js";
import { ModelProcessError } from "./modelErrors.js";
import type { ChildMessage, ParentMessage } from "./modelProtocol.js";
import { generatedToWire, rankedToWire } from "./resultWire.js";
import { SidCodes } from "./SidCodes.js";

let backend: LlamaBackend | undefined;
let sids: SidCodes | undefined;
const running = new Map<number, AbortController>();

const send = (message: ChildMessage) => process.send?.(message);
const items = (list: readonly string[]) => sids!.itemsOf(list);

process.on("message", (message: ParentMessage) => void handle(message));
// The parent went away: nothing left to serve.
process.on("disconnect", () => process.exit(0));

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case "load":
      try {
        const { options } = message;
        sids = new SidCodes(new SidLayout({ levels: options.levels, codesPerLevel: options.codesPerLevel }), message.sidCodes);
        backend = await LlamaBackend.load({ ...options, sids });
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
    const conversation =
      "conversationId" in message && message.conversationId !== undefined ? { conversationId: message.conversationId } : {};
    if (message.type === "generate") {
      const result = await backend.generate({
        segments: message.segments,
        plan: message.plan,
        sampling: message.sampling,
        maxTokens: message.maxTokens,
        exclude: items(message.exclude),
        ...(message.allowed ? { allowed: message.allowed } : {}),
        ...(message.unconstrained ? { unconstrained: true } : {}),
        signal: controller.signal,
        ...conversation,
        ...(message.seed !== undefined ? { seed: message.seed } : {}),
        ...(message.stream
          ? {
              onText: (chunk: string) => send({ type: "text", id: message.id, chunk }),
              onSid: (sid: string) => send({ type: "sidText", id: message.id, sid }),
            }
          : {}),
      });
      send({ type: "generated", id: message.id, ...generatedToWire(result) });
    } else if (message.type === "rank") {
      const ranked = await backend.rank({
        segments: message.segments,
        k: message.k,
        exclude: items(message.exclude),
        ...(message.allowed ? { allowed: message.allowed } : {}),
        signal: controller.signal,
        ...conversation,
        ...(message.beamWidth ? { beamWidth: message.beamWidth } : {}),
      });
      send({ type: "ranked", id: message.id, items: rankedToWire(ranked) });
    } else if (message.type === "countTokens") {
      send({ type: "counted", id: message.id, tokens: backend.tokenCount(message.segments) });
    }
  } catch (error) {
    const code = error instanceof SidbotError ? error.code : "model_failed";
    send({
      type: "error",
      id: message.id,
      code,
      message: error instanceof Error ? error.message : String(error),
      aborted: controller.signal.aborted,
    });
  } finally {
    running.delete(message.id);
  }
}
