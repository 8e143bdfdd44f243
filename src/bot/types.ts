/** Platform-neutral requests and replies: what adapters send to the bot and render back. */
import type { BackendName, EngineTimings, PromptCallback, RecommendedItem } from "../engine/types.js";

export const PLATFORMS = ["discord", "slack", "console"] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/**
 * Where a conversation lives. One per channel, one per thread (a thread never shares memory
 * with its parent channel), one per user in direct messages.
 */
export interface ConversationKey {
  platform: PlatformName;
  scope: "channel" | "thread" | "dm";
  /** Channel, thread or user id; for Slack also the team. */
  id: string;
}

export const COMMANDS = ["recommend", "similar", "bundle", "reset"] as const;
export type CommandName = (typeof COMMANDS)[number];

export type BotInput =
  | { command: "recommend"; query: string }
  /** `itemId`: the game picked by id (autocomplete); `game` is then only its display text and is never searched. */
  | { command: "similar"; game: string; itemId?: string }
  | { command: "bundle" }
  | { command: "reset"; target?: ConversationKey }
  | { text: string }
  /** "More like this" on an item of an earlier reply (its `id`). */
  | { moreLike: string }
  /** Recommendations from every game a piece of text names (someone's message); none named → a question back. */
  | { gamesIn: string };

export interface BotRequest {
  conversation: ConversationKey;
  userId: string;
  input: BotInput;
  /** The user may reset other people's conversations (adapters decide, from platform roles). */
  isAdmin?: boolean;
  /** Correlates log lines of one interaction. */
  requestId?: string;
}

export const REPLY_KINDS = ["answer", "clarify", "reset", "help", "busy", "rate_limited", "forbidden"] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];

export interface BotReply {
  kind: ReplyKind;
  items: RecommendedItem[];
  /** Explanation, bundle name or a short message. */
  text: string;
  /** Things to tell the user besides the answer ("answered without the model"). */
  notices: string[];
  backend?: BackendName;
  /** Short things the user might say next. */
  followUps: string[];
  /** Seconds to wait before retrying (busy, rate_limited). */
  retryAfterSeconds?: number;
  timings?: EngineTimings;
}

export interface HandleOptions {
  signal?: AbortSignal;
  /** Called when the request waits behind others; 1 = next in line. */
  onQueued?: (position: number) => void;
  /** Streams generated text as it arrives. */
  onText?: (chunk: string) => void;
  /** Called with the prompt as the model sees it (ChatML text and its segments), for debugging and tests. */
  onPrompt?: PromptCallback;
  /**
   * Epoch ms by which the request must start running; if it is still queued then, it gets the
   * polite "busy" reply instead (e.g. a Discord interaction token that would expire first).
   */
  startBy?: number;
}

export function conversationId(key: ConversationKey): string {
  return `${key.platform}:${key.scope}:${key.id}`;
}
