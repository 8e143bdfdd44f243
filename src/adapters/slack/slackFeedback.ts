/**
 * 👍/👎 under an answer: Slack's `feedback_buttons` element in a `context_actions` block, and
 * reading a click back. A click carries only the pressed button's `value`, so each value holds
 * the vote and the answer's item ids (`up:12,40,7`), within Slack's 2000 characters. Answers
 * posted before this change carry two plain buttons (`sidbot_fb_up` / `sidbot_fb_down`, value =
 * the ids): their clicks still count. A workspace whose Slack refuses the feedback buttons
 * (`invalid_blocks`) gets those plain buttons instead (FeedbackFallback), as before.
 */
import type { types } from "@slack/bolt";
import type { Vote } from "../../bot/memory/MemoryStore.js";
import type { Logger } from "../../util/logger.js";
import { OnceLog } from "./onceLog.js";
import { slackErrorCode } from "./slackStartErrors.js";

export const FEEDBACK_ACTION_ID = "sidbot_feedback";
const LEGACY_ACTION_IDS: Readonly<Record<string, Vote>> = { sidbot_fb_up: "up", sidbot_fb_down: "down" };
// Slack's answers when a message's blocks include something it does not accept.
const BLOCK_REFUSALS = new Set(["invalid_blocks", "invalid_blocks_format"]);
// Slack's limit for a feedback button's value.
const VALUE_LIMIT = 2000;

/** The `context_actions` block with 👍/👎 for an answer's items (ids that do not fit are left out). */
export function feedbackBlock(itemIds: readonly string[]): Record<string, unknown> {
  const ids = joinWithin(itemIds, VALUE_LIMIT - "down:".length);
  const button = (vote: Vote, emoji: string, label: string) => ({
    text: { type: "plain_text" as const, text: emoji },
    accessibility_label: label,
    value: `${vote}:${ids}`,
  });
  // Checked against Slack's own Block Kit types.
  const block = {
    type: "context_actions",
    elements: [
      {
        type: "feedback_buttons",
        action_id: FEEDBACK_ACTION_ID,
        positive_button: button("up", "👍", "Good picks"),
        negative_button: button("down", "👎", "Not for me"),
      },
    ],
  } satisfies types.ContextActionsBlock;
  return block;
}

/** Whether the action is a 👍/👎 click (new or old buttons), readable or not. */
export function isFeedbackAction(actionId: string): boolean {
  return actionId === FEEDBACK_ACTION_ID || actionId in LEGACY_ACTION_IDS;
}

/** The vote a click stands for (new feedback buttons or the old 👍/👎 buttons); undefined for other buttons or a value without ids. */
export function readVote(action: { action_id: string; value?: string | undefined }): { value: Vote; itemIds: string[] } | undefined {
  const legacy = LEGACY_ACTION_IDS[action.action_id];
  if (legacy) return withIds(legacy, action.value ?? "");
  if (action.action_id !== FEEDBACK_ACTION_ID) return undefined;
  const match = /^(up|down):(.*)$/s.exec(action.value ?? "");
  return match ? withIds(match[1] as Vote, match[2]!) : undefined;
}

function withIds(value: Vote, ids: string): { value: Vote; itemIds: string[] } | undefined {
  const itemIds = ids.split(",").filter(Boolean);
  return itemIds.length > 0 ? { value, itemIds } : undefined;
}

function joinWithin(ids: readonly string[], limit: number): string {
  let out = "";
  for (const id of ids) {
    const next = out ? `${out},${id}` : id;
    if (next.length > limit) break;
    out = next;
  }
  return out;
}

type Message = { text: string; blocks?: Record<string, unknown>[] };

/**
 * Sends answers with the feedback buttons until a workspace's Slack refuses them: then the same
 * answer goes again with the plain 👍/👎 buttons of earlier versions, one line is logged, and
 * every later answer in that workspace uses the plain buttons from the start (no refused call
 * per answer); other workspaces keep the feedback buttons. A refusal the plain buttons do not
 * cure (another block at fault) is the caller's to handle.
 */
export class FeedbackFallback {
  /** Workspaces whose Slack refused the feedback buttons (bounded, via OnceLog). */
  private readonly classic = new OnceLog();

  constructor(private readonly logger: Logger) {}

  /** The message as it is sent in `team` now: with plain 👍/👎 buttons once Slack refused the feedback buttons there. */
  prepare<M extends Message>(team: string, message: M): M {
    return this.classic.has(team) ? (classicFeedback(message) as M) : message;
  }

  async send<T>(team: string, message: Message, send: (message: Message) => Promise<T>): Promise<T> {
    if (this.classic.has(team)) return send(classicFeedback(message));
    try {
      return await send(message);
    } catch (error) {
      const code = slackErrorCode(error);
      if (!code || !BLOCK_REFUSALS.has(code) || !message.blocks?.some((b) => b.type === "context_actions")) throw error;
      const sent = await send(classicFeedback(message));
      if (this.classic.first(team))
        this.logger.warn({ team, error: code }, "Slack refused the feedback buttons: answers carry plain 👍/👎 buttons from now on");
      return sent;
    }
  }
}

/** The message with its feedback buttons turned into the plain 👍/👎 buttons (same votes, same item ids). */
export function classicFeedback(message: Message): Message {
  if (!message.blocks) return message;
  return { ...message, blocks: message.blocks.map((block) => (block.type === "context_actions" ? classicButtons(block) : block)) };
}

function classicButtons(block: Record<string, unknown>): Record<string, unknown> {
  const element = (block.elements as { type: string; positive_button?: { value: string } }[] | undefined)?.find(
    (e) => e.type === "feedback_buttons",
  );
  const ids = readVote({ action_id: FEEDBACK_ACTION_ID, value: element?.positive_button?.value })?.itemIds.join(",") ?? "";
  const button = (actionId: string, emoji: string) => ({
    type: "button",
    action_id: actionId,
    value: ids,
    text: { type: "plain_text", text: emoji },
  });
  return { type: "actions", elements: [button("sidbot_fb_up", "👍"), button("sidbot_fb_down", "👎")] };
}
