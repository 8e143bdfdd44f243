/** A reply as plain text: numbered items, text, notices, backend label and follow-up ideas. */
import type { BotReply } from "../../bot/types.js";
import { BACKEND_LABELS, matchLabel } from "../replyLabels.js";

export function renderPlainText(reply: BotReply): string {
  const lines: string[] = [];
  if (reply.kind !== "answer" && reply.text) lines.push(reply.text);
  reply.items.forEach((item, i) => {
    lines.push(`${i + 1}. ${item.title}${matchLabel(item)}`);
  });
  if (reply.kind === "answer" && reply.text) lines.push(reply.items.length ? `\n${reply.text}` : reply.text);
  for (const notice of reply.notices) lines.push(`(${notice})`);
  if (reply.backend) lines.push(`— answered by ${BACKEND_LABELS[reply.backend]}`);
  if (reply.followUps.length) lines.push(`Try: ${reply.followUps.map((f) => `“${f}”`).join(" · ")}`);
  return lines.join("\n");
}
