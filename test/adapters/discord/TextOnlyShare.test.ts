/**
 * A private reply without items (a private /bundle's name, help) can be shared like answers with
 * items: one message (Share copies only the message it is on), with the Share button. Limits from
 * Discord's docs: 2,000 characters of content; embeds of 4,096 each, 6,000 together, 10 a message.
 */
import { expect, it } from "vitest";
import { LIMITS, renderDiscordReply } from "../../../src/adapters/discord/renderDiscordReply.js";
import type { BotReply } from "../../../src/bot/types.js";

const reply = (text: string, kind: BotReply["kind"] = "answer"): BotReply => ({ kind, items: [], text, notices: [], followUps: [] });
const texts = (messages: ReturnType<typeof renderDiscordReply>) =>
  messages.flatMap((m) => [m.content ?? "", ...(m.embeds ?? []).map((e) => e.description ?? "")]).join(" ");

it("a 5,000-character private text: one message with Share, all words kept, within Discord's embed limits", () => {
  const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(" ");
  const out = renderDiscordReply(reply(words), { share: true });
  expect(out).toHaveLength(1);
  expect(JSON.stringify(out[0]!.components)).toContain("sidbot:share");
  const embeds = out[0]!.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
  expect(embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0)).toBeLessThanOrEqual(LIMITS.embedsTotal);
  for (const e of embeds) expect(e.description!.length).toBeLessThanOrEqual(LIMITS.description);
  for (let i = 0; i < 700; i++) expect(texts(out)).toContain(`w${i}`);
});

it("a private bundle name: has Share", () => {
  const out = renderDiscordReply(reply("Xbox 360 racing collection"), { share: true });
  expect(out).toHaveLength(1);
  expect(out[0]!.embeds?.[0]?.description).toBe("Xbox 360 racing collection");
  expect(JSON.stringify(out)).toContain("sidbot:share");
});

it("control: not private (no share), text stays plain content; a 'busy' note gets no Share", () => {
  expect(renderDiscordReply(reply("Xbox 360 racing collection"))).toEqual([
    { content: "Xbox 360 racing collection", allowedMentions: expect.anything() },
  ]);
  expect(JSON.stringify(renderDiscordReply(reply("Busy, try again in a minute.", "busy"), { share: true }))).not.toContain("sidbot:share");
});
