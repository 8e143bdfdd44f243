import { describe, expect, it } from "vitest";
import { THREAD_NAME_LIMIT, threadName } from "../../../src/adapters/discord/threadName.js";

const names = new Map([["111111111111111111", "Robin"]]);
const name = (text: string) => threadName(text, { botId: "999999999999999999", userName: (id) => names.get(id) });

describe("threadName", () => {
  it("drops the bot's own mention", () => {
    expect(name("<@999999999999999999> similar to Halo 3")).toBe("similar to Halo 3");
    expect(name("<@!999999999999999999> similar to Halo 3")).toBe("similar to Halo 3");
  });

  it("replaces user mentions with the display name where known, else 'someone'", () => {
    expect(name("games <@111111111111111111> likes")).toBe("games Robin likes");
    expect(name("games <@!111111111111111111> and <@222222222222222222> like")).toBe("games Robin and someone like");
  });

  it("roles, channels, @everyone and @here become harmless words", () => {
    expect(name("<@&333333333333333333> in <#444444444444444444>: @everyone @here")).toBe("@role in #channel: everyone here");
  });

  it("other markup: custom emoji, slash-command mentions, timestamps", () => {
    expect(name("cozy <:heart:555555555555555555> games </recommend:666666666666666666> <t:1700000000:R>")).toBe(
      "cozy :heart: games /recommend a time",
    );
  });

  it("one line, at most 100 characters, never empty", () => {
    const long = name(`similar to\n\nHalo 3 ${"lorem ipsum ".repeat(50)}`);
    expect(long.length).toBeLessThanOrEqual(THREAD_NAME_LIMIT);
    expect(long).toMatch(/^similar to Halo 3 lorem/);
    expect(long).not.toMatch(/\n/);
    expect(name("<@999999999999999999>")).toBe("Game recommendations");
    expect(name("   ")).toBe("Game recommendations");
  });
});
