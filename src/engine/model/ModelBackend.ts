/**
 * What the engine needs from a model: the in-process {@link LlamaBackend}; {@link ModelProcess},
 * which runs one in a child process so a crash or a stuck native call cannot take the bot down;
 * or RemoteModelBackend, which sends jobs to `sidbot worker` processes through BullMQ.
 *
 * The request and result types live here, with the contract, so that every implementation
 * depends on the contract and never on another implementation.
 */
import type { AllowedItems } from "../catalog/AllowedItems.js";
import type { CatalogItem } from "../catalog/Catalog.js";
import type { AnswerPlan } from "../prompts/buildUserTurn.js";
import type { ConversationPrompt } from "../prompts/fitConversation.js";
import type { PromptSegment } from "../prompts/renderChatML.js";
import type { TextStreamCallback, TurnPart } from "../types.js";

export interface SamplingOptions {
  /** 0 = always the most likely token. */
  temperature: number;
  topK: number;
  topP: number;
}

export type GpuSetting = "auto" | false | "cuda" | "vulkan" | "metal";

/** A piece of the answer proper: free text, or a SID the model wrote inside it. */
export type AnswerPart = { text: string } | { sid: string };

export interface GenerateRequest {
  segments: readonly PromptSegment[];
  plan: AnswerPlan;
  sampling: SamplingOptions;
  /** Most tokens to generate. */
  maxTokens: number;
  /** Items that must not be answered (the ones the user named). */
  exclude?: readonly CatalogItem[];
  /** The sub-catalog the answer's SIDs must come from; absent = the whole catalog. */
  allowed?: AllowedItems;
  /**
   * SIDs are written freely, without the catalog trie (what the raw model writes; for
   * `sidbot eval --unconstrained`). `allowed` and `exclude` are then not applied.
   */
  unconstrained?: boolean;
  seed?: number;
  signal?: AbortSignal;
  onText?: TextStreamCallback;
  /**
   * Streams a SID the model writes inside its text, for a backend without titles (the model's
   * child process, remote workers); when absent, the item's quoted title goes to `onText`.
   */
  onSid?: (sid: string) => void;
  /** The conversation behind `segments`, for backends that render and fit it themselves (remote workers). */
  conversation?: ConversationPrompt;
  /** The bot's request id (the remote job id). */
  requestId?: string;
  /** Which conversation this is: a follow-up goes to the sequence that still holds its prompt. */
  conversationId?: string;
}

export interface GenerateResult {
  /** The assistant turn as written: SIDs and text. */
  parts: TurnPart[];
  /** Every SID decoded (constrained to the catalog), in the order written: the answer's items. */
  items: CatalogItem[];
  /** The answer's free text with the SIDs the model wrote inside it, without our list separators. */
  answer: AnswerPart[];
  /** The free text alone (no SIDs). */
  text: string;
  /** Tokens appended after the prompt (sampled and forced). */
  tokens: number;
  promptTokens: number;
  /** Prompt tokens whose evaluation was kept from an earlier request (not evaluated again). */
  reusedPromptTokens?: number;
  /**
   * Only with `unconstrained`: every SID the model wrote, in order, repeats included, as written —
   * valid or not (a malformed one as the text of its tokens). `items` then holds the valid ones.
   */
  written?: string[];
}

export interface RankRequest {
  segments: readonly PromptSegment[];
  k: number;
  /** Prefixes kept per level. @defaultValue max(k, 8) */
  beamWidth?: number;
  exclude?: readonly CatalogItem[];
  /** The sub-catalog to rank within; absent = the whole catalog. */
  allowed?: AllowedItems;
  signal?: AbortSignal;
  conversation?: ConversationPrompt;
  requestId?: string;
  /** Which conversation this is (see {@link GenerateRequest.conversationId}). */
  conversationId?: string;
}

export interface RankedItem {
  item: CatalogItem;
  /** Model probability of the whole SID given the prompt. */
  probability: number;
}

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

export type { CatalogItem };
