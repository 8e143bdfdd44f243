/**
 * Model results as they travel between processes (the model's child process, remote workers):
 * items as SIDs, turned back into catalog items by the receiver, which holds the same catalog.
 */
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import type { GenerateResult, RankedItem } from "./ModelBackend.js";

export type GeneratedWire = Omit<GenerateResult, "items"> & { sids: string[] };
export type RankedWire = { sid: string; probability: number }[];

export function generatedToWire({ items, ...rest }: GenerateResult): GeneratedWire {
  return { ...rest, sids: items.map((i) => i.sid) };
}

export function generatedFromWire(catalog: Catalog, { sids, ...rest }: GeneratedWire): GenerateResult {
  return { ...rest, items: itemsOf(catalog, sids) };
}

export function rankedToWire(ranked: readonly RankedItem[]): RankedWire {
  return ranked.map((r) => ({ sid: r.item.sid, probability: r.probability }));
}

export function rankedFromWire(catalog: Catalog, wire: RankedWire): RankedItem[] {
  return wire.flatMap((r) => {
    const item = catalog.get(r.sid);
    return item ? [{ item, probability: r.probability }] : [];
  });
}

/** The catalog items behind SIDs (unknown ones dropped). */
export function itemsOf(catalog: Catalog, sids: readonly string[]): CatalogItem[] {
  return sids.flatMap((sid) => catalog.get(sid) ?? []);
}
