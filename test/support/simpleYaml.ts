/**
 * A strict reader for the plain YAML of manifest.yaml (no YAML library is installed): block
 * mappings, block sequences (of scalars or of mappings), plain / "double" / 'single' quoted
 * scalars, true/false, comments. Anything else — flow collections, anchors, aliases, tags,
 * block scalars, several documents, tabs, duplicate keys, odd indentation — throws with the line
 * number instead of being read wrongly.
 */
export type YamlValue = string | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  no: number;
  indent: number;
  text: string;
}

export function parseSimpleYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    if (raw.includes("\t")) throw new YamlSubsetError(i + 1, "tab");
    if (/^(---|\.\.\.)(\s|$)/.test(raw)) throw new YamlSubsetError(i + 1, "document marker");
    const indent = raw.length - raw.trimStart().length;
    lines.push({ no: i + 1, indent, text: raw.trimEnd().slice(indent) });
  });
  if (lines.length === 0) return null;
  const [value, next] = node(lines, 0, lines[0]!.indent);
  if (next < lines.length) throw new YamlSubsetError(lines[next]!.no, "unexpected indentation");
  return value;
}

export class YamlSubsetError extends Error {
  constructor(line: number, what: string) {
    super(`manifest YAML line ${line}: ${what} is outside the YAML this test reads`);
  }
}

const isItem = (text: string) => text === "-" || text.startsWith("- ");
const KEY = /^([A-Za-z0-9_.\-/]+|"[^"]*"|'[^']*'):(?:\s+(.*))?$/;

function node(lines: Line[], i: number, indent: number): [YamlValue, number] {
  return isItem(lines[i]!.text) ? sequence(lines, i, indent) : mapping(lines, i, indent);
}

function mapping(lines: Line[], start: number, indent: number): [YamlValue, number] {
  const out: { [key: string]: YamlValue } = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && !isItem(lines[i]!.text)) {
    const line = lines[i]!;
    const match = KEY.exec(line.text);
    if (!match) throw new YamlSubsetError(line.no, `"${line.text}" (not a key: value pair)`);
    const key = unquote(match[1]!);
    if (Object.hasOwn(out, key)) throw new YamlSubsetError(line.no, `duplicate key ${key}`);
    const rest = match[2] === undefined || match[2].startsWith("#") ? "" : match[2];
    i++;
    if (rest !== "") out[key] = scalar(rest, line.no);
    else if (i < lines.length && (lines[i]!.indent > indent || (lines[i]!.indent === indent && isItem(lines[i]!.text))))
      [out[key], i] = node(lines, i, lines[i]!.indent);
    else out[key] = null;
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new YamlSubsetError(lines[i]!.no, "unexpected indentation");
  return [out, i];
}

function sequence(lines: Line[], start: number, indent: number): [YamlValue, number] {
  const out: YamlValue[] = [];
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i]!.text)) {
    const line = lines[i]!;
    const rest = line.text.slice(1).trimStart();
    if (rest === "" || rest.startsWith("#")) {
      i++;
      if (i >= lines.length || lines[i]!.indent <= indent) throw new YamlSubsetError(line.no, "empty sequence item");
      const [value, next] = node(lines, i, lines[i]!.indent);
      out.push(value);
      i = next;
    } else if (KEY.test(rest)) {
      // "- key: value" opens a mapping whose keys line up with `key`.
      const itemIndent = indent + (line.text.length - rest.length);
      lines[i] = { no: line.no, indent: itemIndent, text: rest };
      const [value, next] = mapping(lines, i, itemIndent);
      out.push(value);
      i = next;
    } else {
      out.push(scalar(rest, line.no));
      i++;
    }
  }
  return [out, i];
}

function scalar(text: string, no: number): YamlValue {
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    if (end < 0) throw new YamlSubsetError(no, "unterminated quoted scalar");
    if (!/^\s*(#.*)?$/.test(text.slice(end + 1))) throw new YamlSubsetError(no, "text after a quoted scalar");
    const inner = text.slice(1, end);
    if (quote === '"' && inner.includes("\\")) throw new YamlSubsetError(no, "escape sequence");
    return inner;
  }
  if (/^[[{&*!|>%@`]/.test(text)) throw new YamlSubsetError(no, `"${text}"`);
  const value = text.replace(/\s+#.*$/, "").trim();
  if (value === "true") return true;
  if (value === "false") return false;
  if (value === "null" || value === "~") return null;
  return value;
}

function unquote(key: string): string {
  return /^["']/.test(key) ? key.slice(1, -1) : key;
}
