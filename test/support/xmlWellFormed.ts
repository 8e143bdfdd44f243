/**
 * A strict XML well-formedness check for tests (no XML parser is installed): one root element,
 * balanced and properly nested tags, quoted and unique attributes, only the five predefined or
 * numeric entities, no stray `<` or `&`, an optional XML declaration first. Throws with the
 * offset of the first problem.
 */
const NAME = /[A-Za-z_:][\w.:-]*/y;

export function assertWellFormedXml(xml: string): void {
  let pos = 0;
  const stack: string[] = [];
  let roots = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${pos}: ${why}`);
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(xml);
    if (!m) fail("expected a name");
    pos += m![0].length;
    return m![0];
  };
  const spaces = () => {
    while (pos < xml.length && /\s/.test(xml[pos]!)) pos++;
  };
  const checkText = (text: string) => {
    if (text.includes("<")) fail("stray <");
    for (const m of text.matchAll(/&([^;]*);?/g)) {
      if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(m[0])) fail(`bad entity ${m[0]}`);
    }
  };
  if (xml.startsWith("<?xml")) {
    const end = xml.indexOf("?>");
    if (end < 0) fail("unterminated declaration");
    pos = end + 2;
  }
  while (pos < xml.length) {
    const lt = xml.indexOf("<", pos);
    const text = xml.slice(pos, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== "") fail("text outside the root element");
    checkText(text);
    if (lt < 0) break;
    pos = lt + 1;
    if (xml.startsWith("!--", pos)) {
      const end = xml.indexOf("-->", pos);
      if (end < 0) fail("unterminated comment");
      pos = end + 3;
      continue;
    }
    if (xml[pos] === "/") {
      pos++;
      const closing = name();
      spaces();
      if (xml[pos] !== ">") fail("expected > after a closing tag");
      pos++;
      if (stack.pop() !== closing) fail(`</${closing}> does not close the open element`);
      continue;
    }
    const tag = name();
    if (stack.length === 0 && ++roots > 1) fail("more than one root element");
    const seen = new Set<string>();
    for (;;) {
      const before = pos;
      spaces();
      if (xml.startsWith("/>", pos)) {
        pos += 2;
        break;
      }
      if (xml[pos] === ">") {
        pos++;
        stack.push(tag);
        break;
      }
      if (pos === before) fail("expected a space before an attribute");
      const attribute = name();
      if (seen.has(attribute)) fail(`duplicate attribute ${attribute}`);
      seen.add(attribute);
      if (xml[pos] !== "=") fail("expected = after an attribute name");
      pos++;
      const quote = xml[pos];
      if (quote !== '"' && quote !== "'") fail("attribute value not quoted");
      const end = xml.indexOf(quote!, pos + 1);
      if (end < 0) fail("unterminated attribute value");
      checkText(xml.slice(pos + 1, end));
      pos = end + 1;
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) fail("no root element");
}
