import { createHash } from "node:crypto";
import type { Catalog } from "./Catalog.js";

const memo = new WeakMap<Catalog, string>();

/**
 * A short hash of what a SID means in this catalog (every SID and title, in order). Bots and
 * model workers compare it so a worker never answers with SIDs from a different mapping.
 */
export function catalogFingerprint(catalog: Catalog): string {
  let value = memo.get(catalog);
  if (value === undefined) {
    const hash = createHash("sha256");
    for (const item of catalog.items) hash.update(`${item.sid}\t${item.title}\n`);
    value = hash.digest("hex").slice(0, 16);
    memo.set(catalog, value);
  }
  return value;
}
