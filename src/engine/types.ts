/** Platform-neutral types shared by the engine's backends and the bot. */
import type { CatalogItem } from "./catalog/Catalog.js";
import type { PromptSegment } from "./prompts/renderChatML.js";

export const TASK_KINDS = ["next", "similar", "tastes", "explain", "bundle", "chat"] as const;
/**
 * - `next`: history of items → the next one
 * - `similar`: co-purchase / "similar to", optionally steered by platform
 * - `tastes`: free-text tastes ("cozy farming games")
 * - `explain`: recommend one item and say why
 * - `bundle`: name and describe the items discussed
 * - `chat`: a free follow-up ("how about for Xbox?"), with or without new items
 */
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * A piece of a conversation turn. Text is what a person typed and always enters the model as
 * plain text; only `sid` parts (validated SIDs) and `rec` become special tokens.
 */
export type TurnPart = { text: string } | { sid: string } | { rec: true };

export interface Turn {
  role: "user" | "assistant";
  parts: TurnPart[];
}

export interface Task {
  kind: TaskKind;
  /** Items the user referred to, already resolved to the catalog. */
  items?: readonly CatalogItem[];
  /** For explanations: the items the previous answer was based on. */
  basis?: readonly CatalogItem[];
  /** Free text from the user (tastes, chat). */
  text?: string;
  /** Platform to steer towards, e.g. "Xbox" or "PlayStation 4". */
  platform?: string;
  /** Items never to recommend (e.g. down-voted in this conversation). */
  avoid?: readonly CatalogItem[];
  /** Earlier turns of this conversation, oldest first. */
  history?: readonly Turn[];
  /** Items wanted for tasks that recommend. @defaultValue 3 */
  k?: number;
  /** For `chat`: whether the follow-up asks for new items. @defaultValue true */
  recommend?: boolean;
  /** Return items ranked with scores (beam over the SID trie) instead of sampling. @defaultValue false */
  ranked?: boolean;
}

export const BACKENDS = ["llama", "catalog"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** How a SID mapped to the catalog (the seed's semantics). */
export type MatchQuality = "exact" | "L3" | "L2" | "L1" | "unknown";

export interface RecommendedItem {
  /** Short opaque id of the catalog item (for buttons and feedback). */
  id: string;
  sid: string;
  title: string;
  match: MatchQuality;
  /** Model probability of this SID when ranked; absent otherwise. */
  score?: number;
  /** Items sharing the prefix when `match` is a prefix match. */
  similarCount?: number;
  platform?: string;
  /** Average rating (1–5 stars) from the joined product metadata, when present. */
  rating?: number;
  /** Number of ratings behind `rating`. */
  ratingCount?: number;
  /** Price as the metadata has it, e.g. "54.95". */
  price?: string;
  /** https URL of a product picture from the metadata. */
  thumbnail?: string;
}

export interface EngineTimings {
  totalMs: number;
  /** Time in the model (or the catalog search). */
  backendMs: number;
  /** Tokens the model produced (0 for the catalog backend). */
  tokens: number;
  /** Tokens of the prompt the model read (history, new turn, template); absent for the catalog. */
  promptTokens?: number;
  /** Time to load the model, once per process; present on the first model answer. */
  modelLoadMs?: number;
}

export interface EngineResult {
  items: RecommendedItem[];
  /** Free text: explanation, bundle name, chat answer. */
  text: string;
  backend: BackendName;
  /** Things the user should know, e.g. that the model was not used. */
  notices: string[];
  timings: EngineTimings;
  /** The turns to store in conversation memory, as the model saw and wrote them. */
  turns: { user: Turn; assistant: Turn };
  /** With RunOptions.unconstrained: every SID the model wrote, valid or not (GenerateResult.written). */
  written?: string[];
}

/**
 * Called with the prompt as the model sees it (ChatML text); `segments` tell special tokens and
 * SIDs from text a person typed (for `chat --show-prompt`).
 */
export type PromptCallback = (prompt: string, segments: readonly PromptSegment[]) => void;

/** Called with each new piece of generated text. */
export type TextStreamCallback = (chunk: string) => void;
