/**
 * Autocomplete choice values. Discord sends back a chosen value as the option's string (at most 100
 * characters), so a title cannot round-trip: a long one would be cut and then searched as a wrong
 * title. A choice's value is therefore the catalog item's id (itemId.ts: stable across catalog
 * changes), marked `id:` so that typed text that happens to be a number stays a title, and a stale
 * id is never searched as one.
 */

const PREFIX = "id:";

/** The value of an autocomplete choice for the catalog item `itemId`. */
export function pickValue(itemId: string): string {
  return `${PREFIX}${itemId}`;
}

/**
 * The item id a `/similar` value picked from autocomplete, or undefined for typed text. Anything marked `id:` is an id, however
 * malformed (an old or edited choice): the engine then finds no game, and it is never searched as a title.
 */
export function pickedItemId(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed.startsWith(PREFIX) ? trimmed.slice(PREFIX.length).trim() : undefined;
}
