/**
 * Text the model wrote, made safe for Slack's streamed markdown: the non-streamed answer promises
 * that model text cannot mention or link anyone, and so does this. Slack's markup characters are
 * escaped (no `<@U…>`, `<!channel>` or `<url|label>`), markdown links lose their link
 * (`[label](url)` becomes `[label] (url)`), and bare addresses become code, which Slack shows
 * but does not link. It works on whole words, so text is sent in pieces that end at a space.
 */
import { escapeSlack } from "./renderSlackReply.js";

const ADDRESS = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s`]*/gi;
const TRAILING_PUNCTUATION = /[).,;:!?'"\]]+$/;

/** The text with links and addresses turned into plain text, then escaped. */
export function safeStreamText(text: string): string {
  return escapeSlack(
    text.replace(/\]\(/g, "] (").replace(ADDRESS, (found) => {
      // Closing punctuation after an address belongs to the sentence.
      const address = found.replace(TRAILING_PUNCTUATION, "");
      return `\`${address}\`${found.slice(address.length)}`;
    }),
  );
}

/** Where the text can be cut for now: after its last whitespace (a word or address may still be growing). */
export function wholeWordsEnd(text: string): number {
  const match = /\s(?=\S*$)/.exec(text);
  return match ? match.index + 1 : 0;
}

/** Splits escaped text into pieces of at most `limit` characters, never inside an entity such as `&amp;`. */
export function splitForCalls(escaped: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = escaped;
  while (rest.length > limit) {
    let cut = limit;
    const amp = rest.lastIndexOf("&", cut - 1);
    // An entity is at most 5 characters (`&amp;`): do not cut one in two.
    if (amp > cut - 5 && rest.indexOf(";", amp) >= cut) cut = amp;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) pieces.push(rest);
  return pieces;
}
