/**
 * Model text made safe for Slack mrkdwn text objects (which go out with `verbatim: true`, so
 * Slack does not link addresses or channel names itself): Slack's markup characters are escaped
 * (no `<@U…>`, `<!channel>` or `<url|label>`), markdown links lose their link (`[label](url)`
 * becomes `[label] (url)`) and bare addresses outside the model's own code become code — the
 * same as streamed text.
 */
import { scanCodeSpans } from "./codeSpans.js";
import { escapeSlack } from "./renderSlackReply.js";

// mrkdwn code is one backtick on each side, so an address ends at a backtick.
const ADDRESS = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s`]*/gi;
const TRAILING_PUNCTUATION = /[).,;:!?'"\]]+$/;

export function safeMrkdwnText(text: string): string {
  const { segments } = scanCodeSpans(text);
  const plain = segments.map((s, i) => {
    if (s.code) return s.text;
    // Code segments start and end with a backtick: an address touching one must not merge with it.
    const edge = `${i > 0 ? "`" : " "}${s.text}${i < segments.length - 1 ? "`" : " "}`;
    return edge.replace(/\]\(/g, "] (").replace(ADDRESS, asCode).slice(1, -1);
  });
  return escapeSlack(plain.join(""));
}

function asCode(found: string, at: number, whole: string): string {
  // Closing punctuation after an address belongs to the sentence.
  const address = found.replace(TRAILING_PUNCTUATION, "");
  // A backtick touching the code would end or merge with it: keep a space between.
  const before = whole[at - 1] === "`" ? " " : "";
  const after = whole[at + address.length] === "`" ? " " : "";
  return `${before}\`${address}\`${after}${found.slice(address.length)}`;
}
