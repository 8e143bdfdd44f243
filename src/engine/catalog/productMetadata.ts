/**
 * Optional product metadata joined to the catalog on `parent_asin`, in the Amazon Reviews 2023
 * `meta_Video_Games` JSONL shape (`parent_asin`, `title`, `categories`, `description`,
 * `features`, `details`, `average_rating`, `rating_number`, `price`, `store`, `images`). The
 * mapping itself has only `parent_asin`, `semantic_id` and `title`; metadata adds words for
 * taste search and rating, price and a picture for replies.
 */
import type { CatalogItem } from "./Catalog.js";
import { readCatalogRows, type RawRow } from "./readCatalogRows.js";
import { skipCollector, type SkippedRows } from "./skipCollector.js";

/** The mapping's join column (and the metadata's). */
export const JOIN_COLUMN = "parent_asin";
/** Where a joined product sits in {@link CatalogItem.meta}. */
export const PRODUCT_KEY = "product";

export interface ProductMetadata {
  readonly categories: readonly string[];
  readonly description: readonly string[];
  readonly features: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly store?: string;
  /** 1–5 stars. */
  readonly averageRating?: number;
  readonly ratingCount?: number;
  /** Price as the data has it, e.g. "54.95". */
  readonly price?: string;
  /** An https image URL (the first `large`, else `thumb`). */
  readonly image?: string;
}

/** What a reply can show of an item beyond its title. */
export interface ProductDetails {
  rating?: number;
  ratingCount?: number;
  price?: string;
  thumbnail?: string;
}

export type MetadataSkipped = SkippedRows & { unit: "line" };

export interface LoadedMetadata {
  source: string;
  byAsin: Map<string, ProductMetadata>;
  skipped: MetadataSkipped;
}

const MAX_TEXT_ITEMS = 20;

/** Reads a metadata JSONL file; lines without `parent_asin`, unreadable lines and repeated ASINs are skipped and reported. */
export async function loadProductMetadata(path: string): Promise<LoadedMetadata> {
  return buildProductMetadata(path, await readCatalogRows(path));
}

export function buildProductMetadata(source: string, rows: readonly RawRow[]): LoadedMetadata {
  const byAsin = new Map<string, ProductMetadata>();
  const { skipped, skip } = skipCollector("line");
  for (const row of rows) {
    if (!row.ok) {
      skip(row.rowNumber, row.reason);
      continue;
    }
    const asin = row.record[JOIN_COLUMN];
    if (typeof asin !== "string" || asin.trim() === "") {
      skip(row.rowNumber, `no ${JOIN_COLUMN}`);
      continue;
    }
    if (byAsin.has(asin.trim())) {
      skip(row.rowNumber, `repeated ${JOIN_COLUMN} ${asin.trim()}`);
      continue;
    }
    byAsin.set(asin.trim(), parseProduct(row.record));
  }
  return { source, byAsin, skipped };
}

/** A metadata record in a lenient reading: lists or strings, numbers or numeric strings, missing fields. */
export function parseProduct(record: Readonly<Record<string, unknown>>): ProductMetadata {
  const rating = toNumber(record.average_rating);
  const count = toNumber(record.rating_number);
  const price = toPrice(record.price);
  const store = typeof record.store === "string" && record.store.trim() ? record.store.trim() : undefined;
  const image = firstImage(record.images);
  const details =
    record.details && typeof record.details === "object" && !Array.isArray(record.details)
      ? (record.details as Record<string, unknown>)
      : {};
  return Object.freeze({
    categories: strings(record.categories, /\s*>\s*/),
    description: strings(record.description),
    features: strings(record.features),
    details,
    ...(store ? { store } : {}),
    ...(rating !== undefined && rating >= 0 && rating <= 5 ? { averageRating: rating } : {}),
    ...(count !== undefined && count >= 0 ? { ratingCount: Math.round(count) } : {}),
    ...(price ? { price } : {}),
    ...(image ? { image } : {}),
  });
}

/** Rows of the mapping with their product joined under {@link PRODUCT_KEY}; counts how many joined. */
export function joinProductMetadata(
  rows: readonly RawRow[],
  byAsin: ReadonlyMap<string, ProductMetadata>,
): { rows: RawRow[]; joined: number } {
  let joined = 0;
  const out = rows.map((row): RawRow => {
    if (!row.ok) return row;
    const asin = row.record[JOIN_COLUMN];
    const product = typeof asin === "string" ? byAsin.get(asin.trim()) : undefined;
    if (!product) return row;
    joined++;
    return { ...row, record: { ...row.record, [PRODUCT_KEY]: product } };
  });
  return { rows: out, joined };
}

/** The item's joined product, if any. */
export function productOf(item: CatalogItem): ProductMetadata | undefined {
  const p = item.meta[PRODUCT_KEY];
  return p && typeof p === "object" && Array.isArray((p as ProductMetadata).categories) ? (p as ProductMetadata) : undefined;
}

/** Rating, price and picture of an item for replies (empty without metadata). */
export function productDetails(item: CatalogItem): ProductDetails {
  const p = productOf(item);
  if (!p) return {};
  return {
    ...(p.averageRating !== undefined ? { rating: p.averageRating } : {}),
    ...(p.ratingCount !== undefined ? { ratingCount: p.ratingCount } : {}),
    ...(p.price !== undefined ? { price: p.price } : {}),
    ...(p.image !== undefined ? { thumbnail: p.image } : {}),
  };
}

/** Categories that say nothing about a game's kind ("Video Games", "Games", platform breadcrumbs are filtered by callers). */
const GENERIC_CATEGORIES = new Set([
  "video games",
  "games",
  "game",
  "accessories",
  "legacy systems",
  "digital games",
  "online game services",
  "pc",
  "mac",
]);

/** The item's specific categories (lower case), without the generic ones. */
export function specificCategories(item: CatalogItem): string[] {
  return (productOf(item)?.categories ?? []).map((c) => c.toLowerCase()).filter((c) => !GENERIC_CATEGORIES.has(c));
}

function strings(value: unknown, split?: RegExp): string[] {
  const list = Array.isArray(value) ? value : typeof value === "string" ? (split ? value.split(split) : [value]) : [];
  return list
    .filter((v): v is string => typeof v === "string")
    .map((v) => v.trim())
    .filter(Boolean)
    .slice(0, MAX_TEXT_ITEMS);
}

function toNumber(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function toPrice(value: unknown): string | undefined {
  const n = toNumber(typeof value === "string" ? value.replace(/^\$/, "") : value);
  return n !== undefined && n > 0 ? n.toFixed(2) : undefined;
}

/** First https `large` (else `thumb`) URL: images come as a list of {large, thumb, …} or as {large: [...], thumb: [...]}. */
function firstImage(images: unknown): string | undefined {
  const candidates: unknown[] = [];
  if (Array.isArray(images)) {
    for (const image of images)
      if (image && typeof image === "object")
        candidates.push((image as Record<string, unknown>).large, (image as Record<string, unknown>).thumb);
  } else if (images && typeof images === "object") {
    const { large, thumb } = images as Record<string, unknown>;
    candidates.push(...(Array.isArray(large) ? large : [large]), ...(Array.isArray(thumb) ? thumb : [thumb]));
  }
  return candidates.find((url): url is string => typeof url === "string" && /^https:\/\/[^\s<>"]+$/.test(url));
}

/** " — ★ 4.2 (1,234 ratings) · $54.95" for a list line; "" without rating or price. */
export function formatProductDetails(details: {
  rating?: number | undefined;
  ratingCount?: number | undefined;
  price?: string | undefined;
}): string {
  const parts: string[] = [];
  if (details.rating !== undefined) {
    const count =
      details.ratingCount !== undefined
        ? ` (${details.ratingCount.toLocaleString("en-US")} rating${details.ratingCount === 1 ? "" : "s"})`
        : "";
    parts.push(`★ ${details.rating.toFixed(1)}${count}`);
  }
  if (details.price !== undefined) parts.push(`$${details.price}`);
  return parts.length ? ` — ${parts.join(" · ")}` : "";
}
