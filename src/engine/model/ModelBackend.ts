/**
 * What the engine needs from a model: the in-process {@link LlamaBackend}; {@link ModelProcess},
 * which runs one in a child process so a crash or a stuck native call cannot take the bot down;
 * or RemoteModelBackend, which sends jobs to `sidbot worker` processes through BullMQ.
 */
import type { CatalogItem } from "../catalog/Catalog.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import type { GenerateRequest, GenerateResult, RankedItem, RankRequest } from "./LlamaBackend.js";

export interface ModelBackend {
  /** Time the model took to load, ms. */
  readonly loadMs: number;
  /** Generations that can run at once. */
  readonly sequences: number;
  /** Tokens per sequence; undefined when the backend fits prompts itself (remote workers). */
  readonly contextSize: number | undefined;
  /** False while the model is unavailable (e.g. its process is restarting); the engine then uses the catalog. */
  readonly available: boolean;
  /** Labels the catalog fallback while not available. @defaultValue "unavailable" */
  readonly unavailableReason?: "unavailable" | "no-worker" | "redis";
  /** What `/readyz` should show about this backend besides readiness (remote: the workers). */
  readiness?(): Record<string, unknown>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  rank(request: RankRequest): Promise<RankedItem[]>;
  countTokens(segments: readonly PromptSegment[]): Promise<number>;
  dispose(): Promise<void>;
}

export type { CatalogItem, GenerateRequest, GenerateResult, RankedItem, RankRequest };
