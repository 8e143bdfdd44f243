import { describe, expect, it } from "vitest";
import { LIMITS, parseButton, renderDiscordReply } from "../../src/adapters/discord/renderDiscordReply.js";
import { escapeSlack, renderSlackReply, SLACK_LIMITS } from "../../src/adapters/slack/renderSlackReply.js";
import { readVote } from "../../src/adapters/slack/slackFeedback.js";
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
    expect(blocks.at(-2)).toMatchObject({ type: "context_actions" });
    expect(blocks.at(-3)).toMatchObject({ type: "actions" });
    expect(JSON.stringify(blocks.at(-4))).toMatch(/…/);
  });

  // Shapes and limits from Slack's Block Kit reference: context_actions holds at most 5 elements;
  // feedback_buttons has a positive and a negative button, each with plain_text text (≤ 75
  // characters) and a value (≤ 2000) that comes back alone in the click payload.
  type FeedbackButton = { text: { type: string; text: string }; value: string; accessibility_label?: string };
  type FeedbackElement = { type: string; action_id: string; positive_button: FeedbackButton; negative_button: FeedbackButton };
  const feedbackOf = (blocks: Record<string, unknown>[]) =>
    blocks.filter((b) => b.type === "context_actions") as { elements: FeedbackElement[] }[];

  it("puts 👍/👎 in Slack's feedback buttons; More like #n stays in the actions block", () => {
    const { blocks } = renderSlackReply(answer("Why."));
    const actions = blocks.find((b) => b.type === "actions") as { elements: { type: string; action_id: string }[] };
    expect(actions.elements.map((e) => [e.type, e.action_id])).toEqual([
      ["button", "sidbot_more_1"],
      ["button", "sidbot_more_2"],
      ["button", "sidbot_more_3"],
    ]);
    const [feedback, ...others] = feedbackOf(blocks);
    expect(others).toEqual([]);
    expect(feedback!.elements.length).toBeLessThanOrEqual(5);
    const [element] = feedback!.elements;
    expect(element).toMatchObject({ type: "feedback_buttons", positive_button: { text: { type: "plain_text" } } });
    expect(element!.negative_button.text.type).toBe("plain_text");
    for (const button of [element!.positive_button, element!.negative_button]) {
      expect(button.text.text.length).toBeLessThanOrEqual(75);
      expect((button.accessibility_label ?? "").length).toBeLessThanOrEqual(75);
    }
    // What a click sends back (action_id + the pressed button's value) names the vote and the answer's items.
    const click = (button: FeedbackButton) => readVote({ action_id: element!.action_id, value: button.value });
    expect(click(element!.positive_button)).toEqual({ value: "up", itemIds: ["1", "2", "3"] });
    expect(click(element!.negative_button)).toEqual({ value: "down", itemIds: ["1", "2", "3"] });
  });

  it("keeps a feedback value within 2000 characters however many items; no feedback on clarifications", () => {
    const many = answer("Why.", 10);
    many.items = many.items.map((item, i) => ({ ...item, id: String(10 ** 12 + i).repeat(20) }));
    const [element] = feedbackOf(renderSlackReply(many).blocks)[0]!.elements;
    expect(element!.positive_button.value.length).toBeLessThanOrEqual(2000);
    expect(element!.negative_button.value.length).toBeLessThanOrEqual(2000);
    expect(readVote({ action_id: element!.action_id, value: element!.positive_button.value })!.itemIds[0]).toBe(many.items[0]!.id);

    const clarify: BotReply = { ...answer("Which one?"), kind: "clarify" };
    expect(feedbackOf(renderSlackReply(clarify).blocks)).toEqual([]);
  });

  it("still reads the 👍/👎 buttons of answers posted before the feedback buttons", () => {
    expect(readVote({ action_id: "sidbot_fb_up", value: "4,5" })).toEqual({ value: "up", itemIds: ["4", "5"] });
    expect(readVote({ action_id: "sidbot_fb_down", value: "4" })).toEqual({ value: "down", itemIds: ["4"] });
    expect(readVote({ action_id: "sidbot_more_1", value: "4" })).toBeUndefined();
    expect(readVote({ action_id: "sidbot_feedback", value: "up:" })).toBeUndefined();
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
