/**
 * The id of a catalog item in replies — buttons, autocomplete values, votes: `<row index>.<tag>`,
 * the tag being 4 characters of a hash of the item's SID. The index finds the row at once; the
 * tag makes an id written under another catalog (rows reordered, games added or removed) name no
 * game instead of whichever game now sits at that row. Ids of earlier versions (the row index
 * alone) are still read as before. At most 15 characters, of `0-9 A-Z a-z . _ -` only: safe in
 * Discord custom ids and Slack values, and never containing the `,` or `:` those use as separators.
 */
import { createHash } from "node:crypto";
import type { CatalogItem } from "./catalog/Catalog.js";

/** An item id as a regular expression source (no anchors), for parsers that embed it. */
export const ITEM_ID_PATTERN = String.raw`\d{1,9}(?:\.[\w-]{4})?`;

const ITEM_ID = /^(\d{1,9})(?:\.([\w-]{4}))?$/;

export function itemIdOf(item: Pick<CatalogItem, "index" | "sid">): string {
  return `${item.index}.${sidTag(item.sid)}`;
}

/** The item an id names in `items` (a catalog's rows), or undefined: malformed, out of range, or a tag of another SID. */
export function itemOfId(items: readonly CatalogItem[], id: string): CatalogItem | undefined {
  const match = ITEM_ID.exec(id);
  if (!match) return undefined;
  const item = items[Number(match[1])];
  if (!item || (match[2] !== undefined && sidTag(item.sid) !== match[2])) return undefined;
  return item;
}

function sidTag(sid: string): string {
  return createHash("sha256").update(sid).digest("base64url").slice(0, 4);
}
