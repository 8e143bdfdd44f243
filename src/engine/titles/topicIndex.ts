/**
 * The topic index behind taste search ("I like cozy farming games"): each item's bare title and its
 * metadata text (genre, description, product categories…) as two fields of a compact term index,
 * searched as the MiniSearch topic search it replaces searched them — both fields, the title
 * boosted 2×, terms combined with OR, prefix matching from 4 letters, fuzzy from 5.
 */
import type { Catalog, CatalogItem } from "../catalog/Catalog.js";
import { JOIN_COLUMN, productOf, specificCategories } from "../catalog/productMetadata.js";
import { titleTerms } from "./normalizeTitle.js";
import { TermIndex, type TermHit } from "./TermIndex.js";

// Fields of the topic index.
const NAME = 0;
const TAGS = 1;
const FIELD_BOOSTS = [2, 1];

/** Words of a taste that say nothing about the games wanted. */
export const TOPIC_STOP_WORDS = new Set(
  (
    "i im me my we you a an the and or but of to for in on with like likes liked love loved want some " +
    "something similar games game play playing recommend suggest please really very more any that this " +
    "those these about into its it is are be good great fun looking not"
  ).split(" "),
);

/** Indexes every item's bare title (by item index) and metadata text. */
export function buildTopicIndex(catalog: Catalog, bareTitles: readonly string[]): TermIndex {
  // One item tokenised at a time: product text is millions of words at 66k items.
  return TermIndex.buildFrom(catalog.size, 2, (doc) => [titleTerms(bareTitles[doc]!), titleTerms(metadataText(catalog.items[doc]!))]);
}

/** The best `limit` items for the topic words `query` (already joined with spaces), best first. */
export function searchTopicIndex(index: TermIndex, query: string, limit: number, boost: (doc: number) => number): TermHit[] {
  return index.search(titleTerms(query), {
    fields: [NAME, TAGS],
    fieldBoosts: FIELD_BOOSTS,
    combineWith: "OR",
    prefix: (term) => term.length >= 4,
    fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
    boost,
    limit,
  });
}

const MAX_METADATA_CHARS = 400;
/** Product text (categories, features, description) indexed per item: enough for the gist, bounded for 66k items. */
const MAX_PRODUCT_CHARS = 1500;

/**
 * The item's string metadata (genre, description…) as searchable text, capped in length; a
 * joined product (`catalog.metadataPath`) gives its categories, features and description, most
 * specific first. Ids and URLs (`parent_asin`, images) are not words.
 */
export function metadataText(item: CatalogItem): string {
  const product = productOf(item);
  if (product)
    return [specificCategories(item).join(" "), product.features.join(" "), product.description.join(" ")]
      .join(" ")
      .slice(0, MAX_PRODUCT_CHARS);
  let text = "";
  for (const [key, value] of Object.entries(item.meta)) {
    if (key === "platform" || key === JOIN_COLUMN) continue;
    if (typeof value === "string") text += ` ${value}`;
    else if (Array.isArray(value)) text += ` ${value.filter((v) => typeof v === "string").join(" ")}`;
    if (text.length >= MAX_METADATA_CHARS) break;
  }
  return text.slice(0, MAX_METADATA_CHARS);
}
