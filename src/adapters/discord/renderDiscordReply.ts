/**
 * A bot reply as Discord messages: an embed listing the games (match quality where not exact,
 * backend label), the explanation text, "more like #n" and 👍/👎 buttons. Text beyond Discord's
 * limits (description 4096, content 2000, 6000 per message) goes into follow-up messages, split
 * at paragraph or word boundaries — except on a private answer with "Share": Share copies the one
 * message it is on, so there the whole text goes into that message's embeds (cut, visibly, only
 * beyond Discord's 6000 characters a message).
 */
import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type MessageCreateOptions,
} from "discord.js";
import type { BotReply } from "../../bot/types.js";
import { formatProductDetails } from "../../engine/catalog/productMetadata.js";
import { ITEM_ID_PATTERN } from "../../engine/itemId.js";
import { BACKEND_LABELS, matchLabel } from "../replyLabels.js";
import { splitText, truncateText } from "../splitText.js";

export const LIMITS = {
  content: 2000,
  description: 4096,
  footer: 2048,
  title: 256,
  buttonLabel: 80,
  customId: 100,
  /** All embeds of one message together (titles, descriptions, footers). */
  embedsTotal: 6000,
  embedsPerMessage: 10,
} as const;
const MORE_BUTTONS = 5;
/** Replies without items worth sharing (a bundle's name, help); a "busy" or "not allowed" note is not. */
const SHAREABLE_WITHOUT_ITEMS: ReadonlySet<BotReply["kind"]> = new Set(["answer", "help"]);
const EMBED_COLOR = 0x5865f2;

export interface DiscordMessage {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  /** Never ping anyone, whatever the text says. */
  allowedMentions: NonNullable<MessageCreateOptions["allowedMentions"]>;
}

/** Never ping anyone, whatever the text says. */
export const NO_MENTIONS = { parse: [] as never[], repliedUser: false };

export interface RenderOptions {
  /** Add a "Share" button that posts the answer for everyone (on answers only the person sees). @defaultValue false */
  share?: boolean;
}

/** The custom id of the "Share" button. */
export const SHARE_BUTTON_ID = "sidbot:share";

export function renderDiscordReply(reply: BotReply, { share = false }: RenderOptions = {}): DiscordMessage[] {
  const notices = reply.notices.map((n) => `*${escapeMarkdown(n)}*`).join("\n");
  if (reply.items.length === 0) {
    const text = [reply.text, notices].filter(Boolean).join("\n\n") || "…";
    if (share && SHAREABLE_WITHOUT_ITEMS.has(reply.kind)) return [shareableText(text)];
    return splitText(text, LIMITS.content).map((content) => ({ content, allowedMentions: NO_MENTIONS }));
  }
  const list = reply.items
    .map((item, i) => `${i + 1}. **${escapeMarkdown(item.title)}**${matchLabel(item)}${escapeMarkdown(formatProductDetails(item))}`)
    .join("\n");
  // One embed has one thumbnail: the first item's picture (from the catalog's product metadata).
  const thumbnail = reply.items.find((item) => item.thumbnail?.startsWith("https://"))?.thumbnail;
  const text = reply.kind === "answer" ? reply.text : "";
  const head = truncateText(reply.kind === "answer" ? "" : reply.text, LIMITS.title);
  // The list and as much text as fits go into the embed; the rest follows as messages.
  let description = list;
  let overflow = "";
  if (text) {
    const room = LIMITS.description - list.length - 2;
    const [first = "", ...rest] = room > 200 ? splitText(text, room) : [];
    description = first ? `${list}\n\n${first}` : list;
    overflow = room > 200 ? rest.join("\n\n") : text;
  }
  const footer = [
    reply.backend ? `answered by ${BACKEND_LABELS[reply.backend]}` : "",
    reply.followUps.length ? `try: ${reply.followUps.join(" · ")}` : "",
  ]
    .filter(Boolean)
    .join(" — ");
  const embed: APIEmbed = {
    color: EMBED_COLOR,
    description,
    ...(head ? { title: head } : {}),
    ...(thumbnail ? { thumbnail: { url: thumbnail } } : {}),
    ...(footer ? { footer: { text: truncateText(footer, LIMITS.footer) } } : {}),
  };
  // "Share" copies only the message it is on: a shareable answer keeps all its text in that one message.
  const oneMessage = share && overflow !== "";
  const main: DiscordMessage = {
    embeds: oneMessage ? [embed, ...overflowEmbeds(overflow, embedChars(embed))] : [embed],
    components: share ? withShareButton(buttons(reply)) : buttons(reply),
    allowedMentions: NO_MENTIONS,
    ...(notices ? { content: truncateText(notices, LIMITS.content) } : {}),
  };
  const rest =
    overflow && !oneMessage ? splitText(overflow, LIMITS.content).map((content) => ({ content, allowedMentions: NO_MENTIONS })) : [];
  return [main, ...rest];
}

/** A private answer without items (a bundle name, help): "Share" copies one message, so all its text goes in that message's embeds. */
function shareableText(text: string): DiscordMessage {
  const [first = "", ...rest] = splitText(text, LIMITS.description);
  const embed: APIEmbed = { color: EMBED_COLOR, description: first };
  const overflow = rest.join("\n\n");
  return {
    embeds: overflow ? [embed, ...overflowEmbeds(overflow, embedChars(embed))] : [embed],
    components: withShareButton([]),
    allowedMentions: NO_MENTIONS,
  };
}

/** Where a shareable answer's text had to be cut: said, never silent. */
export const CUT_TO_FIT = "… *(cut short to fit one message)*";

/** The text after the first embed as more embeds of the same message, within Discord's per-message total. */
function overflowEmbeds(text: string, used: number): APIEmbed[] {
  // Splitting can add a few characters per part (a code fence closed and reopened): keep a margin.
  const room = LIMITS.embedsTotal - used - 8 * LIMITS.embedsPerMessage;
  if (room < 2 * CUT_TO_FIT.length) return [{ color: EMBED_COLOR, description: CUT_TO_FIT.replace(/^… /, "") }];
  const fits = text.length <= room ? text : `${truncateText(text, room - CUT_TO_FIT.length).replace(/…$/, "")}${CUT_TO_FIT}`;
  return splitText(fits, LIMITS.description)
    .slice(0, LIMITS.embedsPerMessage - 1)
    .map((description) => ({ color: EMBED_COLOR, description }));
}

/** Characters an embed counts towards Discord's per-message total. */
function embedChars(embed: APIEmbed): number {
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
}

/** A rendered message as an edit of an existing one (clearing what it no longer has). */
export function toEdit(m: DiscordMessage) {
  return { content: m.content ?? "", embeds: m.embeds ?? [], components: m.components ?? [], allowedMentions: m.allowedMentions };
}

function buttons(reply: BotReply): APIActionRowComponent<APIButtonComponent>[] {
  const items = reply.items.filter((i) => i.id !== "").slice(0, MORE_BUTTONS);
  if (items.length === 0) return [];
  const more: APIButtonComponent[] = items.map((item, i) => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: `sidbot:more:${item.id}`,
    label: truncateText(reply.kind === "answer" ? `More like #${i + 1}` : `Similar to ${item.title}`, LIMITS.buttonLabel),
  }));
  const rows: APIActionRowComponent<APIButtonComponent>[] = [{ type: ComponentType.ActionRow, components: more }];
  if (reply.kind === "answer") {
    const ids = feedbackIds(items.map((i) => i.id));
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Success, custom_id: `sidbot:fb:up:${ids}`, emoji: { name: "👍" } },
        { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: `sidbot:fb:down:${ids}`, emoji: { name: "👎" } },
      ],
    });
  }
  return rows;
}

/** The "Share" button, in the last row with room (Discord: at most 5 buttons a row, 5 rows). */
function withShareButton(rows: APIActionRowComponent<APIButtonComponent>[]): APIActionRowComponent<APIButtonComponent>[] {
  const shareButton: APIButtonComponent = {
    type: ComponentType.Button,
    style: ButtonStyle.Primary,
    custom_id: SHARE_BUTTON_ID,
    label: "Share",
  };
  const last = rows.at(-1);
  if (last && last.components.length < 5) return [...rows.slice(0, -1), { ...last, components: [...last.components, shareButton] }];
  return [...rows, { type: ComponentType.ActionRow, components: [shareButton] }];
}

/** A shared copy of an answer: the same buttons, without "Share". */
export function withoutShareButton(rows: APIActionRowComponent<APIButtonComponent>[]): APIActionRowComponent<APIButtonComponent>[] {
  return rows
    .map((row) => ({ ...row, components: row.components.filter((b) => !("custom_id" in b) || b.custom_id !== SHARE_BUTTON_ID) }))
    .filter((row) => row.components.length > 0);
}

/** Item ids joined for a custom id, as many as fit in Discord's 100 characters. */
function feedbackIds(ids: string[]): string {
  let out = "";
  for (const id of ids) {
    const next = out ? `${out},${id}` : id;
    if (`sidbot:fb:down:${next}`.length > LIMITS.customId) break;
    out = next;
  }
  return out;
}

/** What a button's custom id asks for. */
export type ButtonAction =
  | { kind: "more"; itemId: string }
  | { kind: "feedback"; value: "up" | "down"; itemIds: string[] }
  | { kind: "share" }
  | { kind: "unknown" };

// Item ids as the engine writes them (itemId.ts); ids of earlier versions (row index only) match too.
const MORE_ID = new RegExp(`^sidbot:more:(${ITEM_ID_PATTERN})$`);
const FEEDBACK_ID = new RegExp(`^sidbot:fb:(up|down):(${ITEM_ID_PATTERN}(?:,${ITEM_ID_PATTERN})*)$`);

export function parseButton(customId: string): ButtonAction {
  if (customId === SHARE_BUTTON_ID) return { kind: "share" };
  const more = MORE_ID.exec(customId);
  if (more) return { kind: "more", itemId: more[1]! };
  const fb = FEEDBACK_ID.exec(customId);
  if (fb) return { kind: "feedback", value: fb[1] as "up" | "down", itemIds: fb[2]!.split(",") };
  return { kind: "unknown" };
}
