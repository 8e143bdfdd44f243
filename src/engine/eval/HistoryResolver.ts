/**
 * Resolves one history entry of an eval row — a SID or a title — to a catalog item, or says why
 * it cannot: a malformed SID, a SID not in the catalog, a title no item has, or a title that
 * could be several games. A title typed in full (case aside) that one item has is that item;
 * otherwise the title resolves as the bot resolves a game named in a request (resolveGame).
 */
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import { resolveGame } from "../titles/resolveGame.js";
import type { TitleIndex } from "../titles/TitleIndex.js";

export type EntryResolution = { ok: true; item: CatalogItem } | { ok: false; reason: string };

// Shown in reasons: enough to recognise the entry, short enough for one report line.
const SHOWN_CHARS = 100;
/**
 * Longer titles are not looked up: no game title is near this long, and fuzzy search on a single
 * 100k-character word overflows the stack (a megabyte hangs), which must not cost the whole run.
 */
export const MAX_TITLE_CHARS = 300;

export class HistoryResolver {
  private byTitle: Map<string, CatalogItem[]> | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly titles: () => TitleIndex,
  ) {}

  /** A SID must be in the catalog; anything else that is text is read as a title. */
  resolve(entry: unknown): EntryResolution {
    if (typeof entry !== "string" || entry.trim() === "") return { ok: false, reason: "a history entry is not a SID or a title" };
    if (entry.includes("<|sid_")) return this.resolveSid(entry.trim());
    return this.resolveTitle(entry.trim());
  }

  /** The catalog item of a SID, or why there is none. */
  resolveSid(sid: string): EntryResolution {
    const parsed = this.catalog.layout.parse(sid);
    if (!parsed.ok) return { ok: false, reason: `malformed SID ${shown(sid)} (${parsed.reason})` };
    const item = this.catalog.get(this.catalog.layout.format(parsed.codes));
    return item ? { ok: true, item } : { ok: false, reason: `SID ${shown(sid)} is not in the catalog` };
  }

  private resolveTitle(title: string): EntryResolution {
    if (title.length > MAX_TITLE_CHARS)
      return { ok: false, reason: `title too long (${title.length} characters, at most ${MAX_TITLE_CHARS}): ${shown(title)}` };
    const exact = this.exactTitles().get(title.toLowerCase());
    if (exact?.length === 1) return { ok: true, item: exact[0]! };
    if (exact && exact.length > 1) return { ok: false, reason: `ambiguous title ${shown(title)} (${exact.length} items have it)` };
    const found = resolveGame(this.titles(), title);
    switch (found.kind) {
      case "found":
        return { ok: true, item: found.item };
      case "uncertain":
        return {
          ok: false,
          reason: `ambiguous title ${shown(title)} (could be ${found.candidates.map((c) => shown(c.title)).join(" or ")})`,
        };
      case "none":
        return { ok: false, reason: `unknown title ${shown(title)}` };
      default:
        return found satisfies never;
    }
  }

  private exactTitles(): Map<string, CatalogItem[]> {
    if (!this.byTitle) {
      this.byTitle = new Map();
      for (const item of this.catalog.items) {
        const key = item.title.trim().toLowerCase();
        const same = this.byTitle.get(key);
        if (same) same.push(item);
        else this.byTitle.set(key, [item]);
      }
    }
    return this.byTitle;
  }
}

function shown(text: string): string {
  return JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text);
}
