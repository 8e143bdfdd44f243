/**
 * 👍/👎 under an answer: Slack's `feedback_buttons` element in a `context_actions` block, and
 * reading a click back. A click carries only the pressed button's `value`, so each value holds
 * the vote and the answer's item ids (`up:12,40,7`), within Slack's 2000 characters. Answers
 * posted before this change carry two plain buttons (`sidbot_fb_up` / `sidbot_fb_down`, value =
 * the ids): their clicks still count.
 */
import type { types } from "@slack/bolt";
import type { Vote } from "../../bot/memory/MemoryStore.js";

export const FEEDBACK_ACTION_ID = "sidbot_feedback";
const LEGACY_ACTION_IDS: Readonly<Record<string, Vote>> = { sidbot_fb_up: "up", sidbot_fb_down: "down" };
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
