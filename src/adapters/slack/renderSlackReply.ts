/**
 * A bot reply in Block Kit: one section per game (match quality where not exact), the
 * explanation in sections of at most 3000 characters, "More like #n" buttons, 👍/👎 as Slack's
 * feedback buttons, and a context line with the backend and notices. At most 50 blocks; text
 * beyond that is cut with an ellipsis. Slack mrkdwn is escaped so titles cannot mention or link
 * anyone, and every mrkdwn text object is `verbatim` (Slack links no address or channel name in
 * it); in the model's text, markdown links lose their link and bare addresses become code.
 */
import type { BotReply } from "../../bot/types.js";
import { formatProductDetails } from "../../engine/catalog/productMetadata.js";
import { BACKEND_LABELS, matchLabel } from "../replyLabels.js";
import { splitText, truncateText } from "../splitText.js";
import { safeMrkdwnText } from "./mrkdwnText.js";
import { feedbackBlock } from "./slackFeedback.js";

export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  buttonText: 75,
  actionValue: 2000,
  fallbackText: 4000,
  contextText: 3000,
  altText: 2000,
} as const;
const MORE_BUTTONS = 3;

export type SlackBlock = Record<string, unknown>;

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Escapes Slack's control characters: `<@U123>`, `<!everyone>` and links become plain text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A mrkdwn text object Slack shows as written: no address, channel name or mention is linked for it. */
export function mrkdwn(text: string): { type: "mrkdwn"; text: string; verbatim: true } {
  return { type: "mrkdwn", text, verbatim: true };
}

export function renderSlackReply(reply: BotReply): SlackMessage {
  const blocks: SlackBlock[] = [];
  const section = (text: string) => blocks.push({ type: "section", text: mrkdwn(text) });
  if (reply.kind !== "answer" && reply.text)
    for (const part of splitText(safeMrkdwnText(reply.text), SLACK_LIMITS.sectionText)) section(part);
  reply.items.forEach((item, i) => {
    const text = truncateText(
      `*${i + 1}. ${escapeSlack(item.title)}*${escapeSlack(matchLabel(item))}${escapeSlack(formatProductDetails(item))}`,
      SLACK_LIMITS.sectionText,
    );
    // The product picture (catalog metadata) as the section's image accessory.
    const accessory = item.thumbnail?.startsWith("https://")
      ? { type: "image", image_url: item.thumbnail, alt_text: truncateText(item.title, SLACK_LIMITS.altText) }
      : undefined;
    blocks.push({ type: "section", text: mrkdwn(text), ...(accessory ? { accessory } : {}) });
  });
  const buttons = actions(reply);
  const feedback = feedbackFor(reply);
  const context = [
    reply.backend ? `answered by ${BACKEND_LABELS[reply.backend]}` : "",
    ...reply.notices.map(escapeSlack),
    reply.followUps.length ? `try: ${reply.followUps.map(escapeSlack).join(" · ")}` : "",
  ]
    .filter(Boolean)
    .join("  •  ");
  // Room left for the explanation after the list, the buttons and the context line.
  const reserved = (buttons ? 1 : 0) + (feedback ? 1 : 0) + (context ? 1 : 0);
  if (reply.kind === "answer" && reply.text) {
    const parts = splitText(safeMrkdwnText(reply.text), SLACK_LIMITS.sectionText);
    const room = SLACK_LIMITS.blocks - blocks.length - reserved;
    parts.slice(0, room).forEach((part, i) => {
      section(i === room - 1 && parts.length > room ? truncateText(`${part} …`, SLACK_LIMITS.sectionText) : part);
    });
  }
  blocks.splice(SLACK_LIMITS.blocks - reserved);
  if (buttons) blocks.push(buttons);
  if (feedback) blocks.push(feedback);
  if (context) blocks.push({ type: "context", elements: [mrkdwn(truncateText(context, SLACK_LIMITS.contextText))] });
  return { text: fallbackText(reply), blocks };
}

function actions(reply: BotReply): SlackBlock | undefined {
  const items = reply.items.filter((i) => i.id !== "");
  if (items.length === 0) return undefined;
  const more = items.slice(0, MORE_BUTTONS).map((item, i) => ({
    type: "button",
    action_id: `sidbot_more_${i + 1}`,
    value: item.id,
    text: {
      type: "plain_text",
      text: truncateText(reply.kind === "answer" ? `More like #${i + 1}` : `Similar to ${item.title}`, SLACK_LIMITS.buttonText),
    },
  }));
  return { type: "actions", elements: more };
}

/** 👍/👎 on an answer's items (not on clarifications, whose buttons are choices). */
function feedbackFor(reply: BotReply): SlackBlock | undefined {
  const ids = reply.items.map((i) => i.id).filter((id) => id !== "");
  return reply.kind === "answer" && ids.length > 0 ? feedbackBlock(ids) : undefined;
}

/** Plain text for notifications and clients without blocks. */
function fallbackText(reply: BotReply): string {
  const list = escapeSlack(reply.items.map((item, i) => `${i + 1}. ${item.title}`).join("\n"));
  const text = reply.text ? safeMrkdwnText(reply.text) : "";
  return truncateText(
    [reply.kind === "answer" ? list : text, reply.kind === "answer" ? text : list].filter(Boolean).join("\n") || "…",
    SLACK_LIMITS.fallbackText,
  );
}
