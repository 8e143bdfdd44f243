/**
 * Text the model wrote, made safe for Slack's streamed markdown: the non-streamed answer promises
 * that model text cannot mention or link anyone, and so does this. Outside code spans Slack's
 * markup characters are escaped (no `<@U…>`, `<!channel>` or `<url|label>`), markdown links lose
 * their link (`[label](url)` becomes `[label] (url)`), and bare addresses become code, which Slack
 * shows but does not link. The model's own code spans are found the way CommonMark finds them
 * (a backtick run closed by the next run of the same length) and left as written: markdown shows
 * code literally, and does not decode `&amp;` there. Text is sent in pieces that end at a space
 * outside code and before any backtick run still unclosed, so the pieces read the same joined.
 */
import { scanCodeSpans as scan } from "./codeSpans.js";
import { escapeSlack } from "./renderSlackReply.js";

const ADDRESS = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*/gi;
const TRAILING_PUNCTUATION = /[).,;:!?'"\]]+$/;

/** The text with links and addresses outside code turned into plain text, then escaped; code spans unchanged. */
export function safeStreamText(text: string): string {
  const { segments, unclosedLengths } = scan(text);
  return segments.map((s, i) => (s.code ? s.text : plainWithoutLinks(s.text, unclosedLengths, i > 0, i < segments.length - 1))).join("");
}

/** Escapes plain text, with markdown links broken and bare addresses made code (left unescaped: code shows them literally). */
function plainWithoutLinks(text: string, unclosedLengths: Set<number>, codeBefore: boolean, codeAfter: boolean): string {
  const plain = text.replace(/\]\(/g, "] (");
  let out = "";
  let from = 0;
  for (const match of plain.matchAll(ADDRESS)) {
    // Closing punctuation after an address belongs to the sentence.
    const address = match[0].replace(TRAILING_PUNCTUATION, "");
    const start = match.index;
    const end = start + address.length;
    // A fence touching another backtick run would merge with it: keep a space between.
    const before = (start === 0 ? codeBefore : plain[start - 1] === "`") ? " " : "";
    const after = (end === plain.length ? codeAfter : plain[end] === "`") ? " " : "";
    out += `${escapeSlack(plain.slice(from, start))}${before}${asCode(address, unclosedLengths)}${after}`;
    from = end;
  }
  return out + escapeSlack(plain.slice(from));
}

/**
 * The address as a code span: its fence is longer than any backtick run inside it, and of a length
 * no unclosed run uses (an unclosed run before it would otherwise pair with the fence).
 */
function asCode(address: string, unclosedLengths: Set<number>): string {
  let length = Math.max(0, ...[...address.matchAll(/`+/g)].map((m) => m[0].length)) + 1;
  while (unclosedLengths.has(length)) length++;
  const fence = "`".repeat(length);
  const pad = address.startsWith("`") || address.endsWith("`") ? " " : "";
  return `${fence}${pad}${address}${pad}${fence}`;
}

/**
 * Where the text can be cut for now: after its last whitespace outside code spans and before any
 * backtick run not yet closed (a word, address or code span may still be growing).
 */
export function streamableEnd(text: string): number {
  const { segments, firstUnclosed } = scan(text);
  let end = 0;
  let at = 0;
  for (const segment of segments) {
    if (at >= firstUnclosed) break;
    if (!segment.code) {
      const visible = segment.text.slice(0, firstUnclosed - at);
      const match = /\s(?=\S*$)/.exec(visible);
      if (match) end = at + match.index + 1;
    }
    at += segment.text.length;
  }
  return end;
}

/** The first `limit` characters of text, one fewer when the last would be half of a surrogate pair. */
export function cutWhole(text: string, limit: number): string {
  return text.slice(0, wholeCharacterCut(text, limit));
}

function wholeCharacterCut(text: string, cut: number): number {
  if (cut <= 0 || cut >= text.length) return cut;
  const code = text.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}

/** Splits escaped text into pieces of at most `limit` characters, never inside an entity such as `&amp;` nor a surrogate pair. */
export function splitForCalls(escaped: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = escaped;
  while (rest.length > limit) {
    let cut = limit;
    const amp = rest.lastIndexOf("&", cut - 1);
    // An entity is at most 5 characters (`&amp;`): do not cut one in two.
    if (amp > cut - 5 && rest.indexOf(";", amp) >= cut) cut = amp;
    cut = wholeCharacterCut(rest, cut);
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) pieces.push(rest);
  return pieces;
}
