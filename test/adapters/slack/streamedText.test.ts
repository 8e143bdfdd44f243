/**
 * Streamed markdown and its pieces, checked against CommonMark's code-span rules (a backtick run
 * is closed by the next run of the same length; code-span contents are literal, entities are not
 * decoded there; a backslash-escaped backtick opens nothing) and JavaScript's UTF-16 strings.
 */
import { describe, expect, it } from "vitest";
import { safeStreamText, splitForCalls, streamableEnd } from "../../../src/adapters/slack/streamedText.js";

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("the model's own code spans", () => {
  it("an address inside the model's code span stays inside it, as written", () => {
    expect(safeStreamText("run `curl https://api.example/v1?a=1&b=2` first")).toBe("run `curl https://api.example/v1?a=1&b=2` first");
  });

  it("&, < and > inside a code span are left as written (markdown shows code literally, without decoding &amp;)", () => {
    expect(safeStreamText("use `a<b && c>d` here & there")).toBe("use `a<b && c>d` here &amp; there");
  });

  it("a double-backtick span holding a single backtick is one span", () => {
    expect(safeStreamText("type ``a ` <b>`` then <b>")).toBe("type ``a ` <b>`` then &lt;b&gt;");
  });

  it("a backslash-escaped backtick opens no span, so what follows is escaped", () => {
    expect(safeStreamText("\\`<@U123>` hi")).toBe("\\`&lt;@U123&gt;` hi");
  });

  it("an unclosed backtick is literal: the text after it is escaped", () => {
    expect(safeStreamText("a ` <!channel>")).toBe("a ` &lt;!channel&gt;");
  });
});

describe("bare addresses outside code", () => {
  it("an address with & becomes code, shown as written (no &amp; inside the span)", () => {
    expect(safeStreamText("see https://shop.example/?a=1&b=2.")).toBe("see `https://shop.example/?a=1&b=2`.");
  });

  it("an address holding a backtick gets a longer fence", () => {
    expect(safeStreamText("at https://evil.example/a`b now")).toBe("at ``https://evil.example/a`b`` now");
  });

  it("a fence does not touch the model's code span next to the address", () => {
    expect(safeStreamText("go to https://evil.example/`x` now")).toBe("go to `https://evil.example/` `x` now");
  });

  it("the fence is not the length of an unclosed run earlier in the text (which it would close)", () => {
    // With a one-backtick fence, the lone backtick would pair with it and leave the address outside code.
    expect(safeStreamText("a ` b https://evil.example/x")).toBe("a ` b ``https://evil.example/x``");
  });
});

describe("where streamed text may be cut", () => {
  it("after the last space outside code spans", () => {
    expect(streamableEnd("one `two three` four")).toBe("one `two three` ".length);
    expect(streamableEnd("one `two thr")).toBe("one ".length);
  });

  it("never after a backtick run that is still unclosed (a later piece could close it)", () => {
    // Sent apart, `x ` and `y <@U1>` would read as one span in the streamed message: wait for the whole.
    const text = "a ` b c ";
    expect(streamableEnd(text)).toBe(2);
    expect(streamableEnd("a \\` b c ")).toBe("a \\` b c ".length);
  });
});

describe("12,000-character pieces", () => {
  it("an emoji at the limit goes whole into the next piece", () => {
    const text = `${"a".repeat(11_999)}😀 end`;
    const pieces = splitForCalls(text, 12_000);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(12_000);
      expect(loneSurrogate.test(piece)).toBe(false);
    }
  });
});
