import { describe, expect, it } from "vitest";
import { LIMITS, parseButton, renderDiscordReply } from "../../src/adapters/discord/renderDiscordReply.js";
import { escapeSlack, renderSlackReply, SLACK_LIMITS } from "../../src/adapters/slack/renderSlackReply.js";
import type { BotReply } from "../../src/bot/types.js";

const item = (i: number) => ({
  id: String(i),
  sid: `<|sid_start|><|sid_${i}|><|sid_end|>`,
  title: `Game ${i} *bold* <@U1> @everyone`,
  match: i === 2 ? ("L2" as const) : ("exact" as const),
  similarCount: 4,
});
const answer = (text: string, items = 3): BotReply => ({
  kind: "answer",
  items: Array.from({ length: items }, (_, i) => item(i + 1)),
  text,
  notices: ["Answered from the catalog."],
  backend: "catalog",
  followUps: ["more like #1"],
});
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");

describe("renderDiscordReply", () => {
  it("lists games in an embed with match quality, backend, buttons", () => {
    const [main] = renderDiscordReply(answer("Because."));
    expect(main!.embeds![0]!.description).toBe(
      "1. **Game 1 \\*bold\\* <@U1> @everyone**\n2. **Game 2 \\*bold\\* <@U1> @everyone** (closest match, " +
        "L2, +4 similar)\n3. **Game 3 \\*bold\\* <@U1> @everyone**\n\nBecause.",
    );
    expect(main!.embeds![0]!.footer!.text).toMatch(/^answered by the catalog \(no model\) — try: more like #1$/);
    expect(main!.components![0]!.components.map((c) => (c as { custom_id: string }).custom_id)).toEqual([
      "sidbot:more:1",
      "sidbot:more:2",
      "sidbot:more:3",
    ]);
    expect(parseButton("sidbot:fb:up:1,2,3")).toEqual({ kind: "feedback", value: "up", itemIds: ["1", "2", "3"] });
    expect(main!.allowedMentions).toEqual({ parse: [], repliedUser: false });
  });

  it("splits long text within Discord's limits without breaking words", () => {
    const messages = renderDiscordReply(answer(words(3000)));
    expect(messages.length).toBeGreaterThan(1);
    const [main, ...rest] = messages;
    expect(main!.embeds![0]!.description!.length).toBeLessThanOrEqual(LIMITS.description);
    const embedChars = main!.embeds!.reduce(
      (n, e) => n + (e.description?.length ?? 0) + (e.title?.length ?? 0) + (e.footer?.text.length ?? 0),
      0,
    );
    expect(embedChars).toBeLessThanOrEqual(6000);
    for (const m of rest) expect(m.content!.length).toBeLessThanOrEqual(LIMITS.content);
    const all = [main!.embeds![0]!.description!, ...rest.map((m) => m.content!)].join(" ");
    expect(all).toContain("word2999");
    expect(all).not.toMatch(/word\d+word/);
  });

  it("sends plain replies as content, split at 2000", () => {
    const messages = renderDiscordReply({ kind: "clarify", items: [], text: words(1000), notices: [], followUps: [] });
    expect(messages.every((m) => m.content!.length <= 2000)).toBe(true);
  });
});

describe("renderSlackReply", () => {
  it("escapes mentions and links in titles", () => {
    expect(escapeSlack("<!everyone> <@U1> a&b")).toBe("&lt;!everyone&gt; &lt;@U1&gt; a&amp;b");
    const { blocks, text } = renderSlackReply(answer("Why."));
    expect(JSON.stringify(blocks)).not.toContain("<@U1>");
    expect(text).toMatch(/^1\. Game 1/);
  });

  it("keeps to 50 blocks and 3000 characters a section with huge text", () => {
    const { blocks } = renderSlackReply(answer(words(60_000), 10));
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of blocks as { type: string; text?: { text: string } }[])
      if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(blocks.at(-1)).toMatchObject({ type: "context" });
    expect(blocks.at(-2)).toMatchObject({ type: "actions" });
    expect(JSON.stringify(blocks.at(-3))).toMatch(/…/);
  });
});

describe("product details from the catalog's metadata", () => {
  const withDetails = (): BotReply => {
    const reply = answer("Because.");
    reply.items[0] = { ...reply.items[0]!, rating: 4.25, ratingCount: 1234, price: "54.95", thumbnail: "https://img.example.test/1.jpg" };
    reply.items[1] = { ...reply.items[1]!, price: "9.99", thumbnail: "http://insecure.example.test/2.jpg" };
    return reply;
  };

  it("Discord: rating and price on the item's line, the first picture as the embed thumbnail", () => {
    const [main] = renderDiscordReply(withDetails());
    const lines = main!.embeds![0]!.description!.split("\n");
    expect(lines[0]).toBe("1. **Game 1 \\*bold\\* <@U1> @everyone** — ★ 4.3 (1,234 ratings) · $54.95");
    expect(lines[1]).toMatch(/ — \$9\.99$/);
    expect(lines[2]).toBe("3. **Game 3 \\*bold\\* <@U1> @everyone**");
    expect(main!.embeds![0]!.thumbnail).toEqual({ url: "https://img.example.test/1.jpg" });
    expect(renderDiscordReply(answer("Because."))[0]!.embeds![0]!.thumbnail).toBeUndefined();
  });

  it("Slack: rating and price in the item's section, its https picture as an image accessory", () => {
    const { blocks } = renderSlackReply(withDetails());
    const sections = blocks.filter((b) => b.type === "section") as { text: { text: string }; accessory?: Record<string, unknown> }[];
    expect(sections[0]!.text.text).toMatch(/^\*1\. Game 1 .*\* — ★ 4\.3 \(1,234 ratings\) · \$54\.95$/);
    expect(sections[0]!.accessory).toEqual({
      type: "image",
      image_url: "https://img.example.test/1.jpg",
      alt_text: "Game 1 *bold* <@U1> @everyone",
    });
    // Not https: no picture.
    expect(sections[1]!.accessory).toBeUndefined();
    expect(sections[2]!.accessory).toBeUndefined();
  });
});
