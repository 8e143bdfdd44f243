import { describe, expect, it } from "vitest";
import { unescapeSlack } from "../../../src/adapters/slack/unescapeSlack.js";

// Expected values are Slack's own examples: "Message Formatting" (slackhq/slack-api-docs,
// page_formatting.md) and "Formatting text for surfaces" (api.slack.com/reference/surfaces/formatting).
describe("unescapeSlack (Slack's documented formatting)", () => {
  it("decodes the three escaped control characters: &amp; &lt; &gt;", () => {
    // "User types: Hello & <world> / Sent to server: Hello &amp; &lt;world&gt;"
    expect(unescapeSlack("Hello &amp; &lt;world&gt;")).toBe("Hello & <world>");
    expect(unescapeSlack("similar to Ratchet &amp; Clank")).toBe("similar to Ratchet & Clank");
  });

  it("decodes each entity once (an escaped entity stays an entity)", () => {
    expect(unescapeSlack("&amp;lt;")).toBe("&lt;");
  });

  it("channel and user links become #name / @name, with or without the readable name", () => {
    expect(unescapeSlack("Why not join <#C024BE7LR|general>?")).toBe("Why not join #general?");
    expect(unescapeSlack("Hey <@U024BE7LH|bob>, did you see my file?")).toBe("Hey @bob, did you see my file?");
    expect(unescapeSlack("<@U024BE7LH>")).toBe("@U024BE7LH");
    expect(unescapeSlack("<#C024BE7LR>")).toBe("#C024BE7LR");
  });

  it("special commands become @here, @channel, @everyone", () => {
    // link_names example: "Hello @bob, say hi to @everyone in #general" ⇄ "Hello <@U123|bob>, say hi to <!everyone> in <#C1234|general>"
    expect(unescapeSlack("Hello <@U123|bob>, say hi to <!everyone> in <#C1234|general>")).toBe(
      "Hello @bob, say hi to @everyone in #general",
    );
    expect(unescapeSlack("<!here> and <!channel>")).toBe("@here and @channel");
    // "Foo <!everyone> bar http://test.com" is sent out as "Foo <!everyone> bar <http://test.com>"
    expect(unescapeSlack("Foo <!everyone> bar <http://test.com>")).toBe("Foo @everyone bar http://test.com");
  });

  it("links become their label, or the URL when there is none", () => {
    expect(unescapeSlack("This message contains a URL <http://foo.com/>")).toBe("This message contains a URL http://foo.com/");
    expect(unescapeSlack("So does this one: <http://www.foo.com|www.foo.com>")).toBe("So does this one: www.foo.com");
    expect(unescapeSlack("<http://www.example.com|This message *is* a link>")).toBe("This message *is* a link");
    expect(unescapeSlack("<mailto:bob@example.com|Email Bob Roberts>")).toBe("Email Bob Roberts");
  });

  it("a labelled special command shows its label (user groups, dates)", () => {
    expect(unescapeSlack("<!subteam^SAZ94GDB8|@ops>")).toBe("@ops");
    expect(unescapeSlack("<!date^1392734382^Posted {date_num} {time_secs}|Posted 2014-02-18 6:39:42 AM PST>")).toBe(
      "Posted 2014-02-18 6:39:42 AM PST",
    );
  });

  it("entities inside links are decoded after the link is read", () => {
    expect(unescapeSlack("<http://example.com/?a=1&amp;b=2>")).toBe("http://example.com/?a=1&b=2");
  });

  it("leaves plain text alone", () => {
    expect(unescapeSlack("games like Halo 3 for Xbox")).toBe("games like Halo 3 for Xbox");
  });
});
