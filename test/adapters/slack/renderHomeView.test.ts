/**
 * The Home view with hostile titles and edge cases: mentions and links in titles stay plain
 * text, long lists and titles stay within Slack's limits (header 150 characters, section text
 * 3000, at most 100 blocks in a home view), an empty catalog still gives example requests.
 */
import { describe, expect, it } from "vitest";
import { renderHomeView } from "../../../src/adapters/slack/renderHomeView.js";

type Block = { type: string; text?: { type: string; text: string } };
const blocksOf = (view: ReturnType<typeof renderHomeView>) => view.blocks as Block[];
const texts = (view: ReturnType<typeof renderHomeView>) => blocksOf(view).map((b) => b.text?.text ?? "");

describe("renderHomeView", () => {
  it("escapes mentions, links and code-breaking backticks in titles", () => {
    const hostile = "<!everyone> <@U1> `x` & <https://evil.test|click>";
    const view = renderHomeView({ exampleTitles: [hostile, "B", "C"], recent: { available: true, games: [{ title: hostile }] } });
    const all = texts(view).join("\n");
    expect(all).not.toMatch(/<!everyone>|<@U1>|<https:/);
    expect(all).toContain("&lt;!everyone&gt;");
    // The example is one inline code span: no backtick from the title inside it.
    const line = all.split("\n").find((l) => l.includes("&lt;!everyone&gt;") && l.startsWith("•"))!;
    expect(line.match(/`/g)).toHaveLength(2);
  });

  it("stays within Slack's limits with long titles", () => {
    const long = "Long ".repeat(1000);
    const view = renderHomeView({ exampleTitles: [long, long, long], recent: { available: true, games: Array(10).fill({ title: long }) } });
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    for (const b of blocksOf(view)) {
      if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      if (b.type === "header") expect(b.text!.text.length).toBeLessThanOrEqual(150);
    }
    // Titles too long to read as an example are not used; generic examples take their place.
    expect(texts(view).join("\n")).toMatch(/cozy farming games/);
  });

  it("an empty catalog and no picks: generic examples and an inviting line", () => {
    const all = texts(renderHomeView({ exampleTitles: [], recent: { available: true, games: [] } })).join("\n");
    expect(all).toMatch(/similar to Mario Kart/);
    expect(all).toMatch(/Nothing yet/);
  });

  it("sections showing catalog titles are verbatim, so Slack links no address or #channel in a title", () => {
    const title = "Deals at https://evil.test in #general";
    const view = renderHomeView({ exampleTitles: [title], recent: { available: true, games: [{ title }] } });
    const carrying = blocksOf(view).filter((b) => b.text?.type === "mrkdwn" && b.text.text.includes("evil.test"));
    expect(carrying).toHaveLength(2);
    for (const b of carrying) expect((b.text as { verbatim?: boolean }).verbatim).toBe(true);
  });
});
