/**
 * Incoming Slack text as the person meant it (Slack's "Message Formatting" rules). Slack sends
 * `&`, `<`, `>` as `&amp;` `&lt;` `&gt;` and wraps references in `<…>`: `<#C…|general>` is a channel,
 * `<@U…|bob>` a person, `<!here>` a special command, anything else a link with an optional label
 * after `|`. References become plain text (#general, @bob, @here, the label or the URL), then the
 * entities are decoded once — in that order, so an escaped `&lt;` is never read as markup.
 */
const REFERENCE = /<([^<>]*)>/g;
const ENTITY = /&(amp|lt|gt);/g;
const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">" };
// `group` is Slack's older synonym for `channel`.
const SPECIAL: Readonly<Record<string, string>> = { here: "@here", channel: "@channel", group: "@channel", everyone: "@everyone" };

export function unescapeSlack(text: string): string {
  return text
    .replace(REFERENCE, (_match, inner: string) => plainReference(inner))
    .replace(ENTITY, (_match, name: string) => ENTITIES[name] ?? "");
}

function plainReference(inner: string): string {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? "" : inner.slice(bar + 1);
  if (target.startsWith("#")) return `#${label || target.slice(1)}`;
  if (target.startsWith("@")) return `@${label || target.slice(1)}`;
  if (target.startsWith("!")) return label || SPECIAL[target.slice(1)] || target;
  return label || target;
}
