/**
 * Which platforms an item is on, for platform filters. Structured data decides when there is any:
 * the row's `platform` column (a name or a list of names), the row's or the joined product's
 * `categories` breadcrumbs ("Video Games > Xbox 360 > Games") and the product's `details.Platform`.
 * Only an item without any of them is placed by the platform words of its title ("… - Xbox 360"),
 * because titles of accessories and bundles name platforms they merely work with.
 */
import { itemPlatformsIn, type Platform } from "../titles/platforms.js";
import type { CatalogItem } from "./Catalog.js";
import { productOf } from "./productMetadata.js";

const cache = new WeakMap<CatalogItem, readonly Platform[]>();
// A console's services and add-ons ("PlayStation Plus", "Xbox Live") name no console: the bare word would read as the first one.
const SERVICES = /\b(?:playstation|xbox)\s*(?:vr2?|plus|network|now|live|game\s*pass|store|gift\s*cards?)\b/gi;

/** The item's platforms (empty when nothing says); computed once per item. */
export function platformsOf(item: CatalogItem): readonly Platform[] {
  let platforms = cache.get(item);
  if (!platforms) {
    platforms = findItemPlatforms(item);
    cache.set(item, platforms);
  }
  return platforms;
}

function findItemPlatforms(item: CatalogItem): readonly Platform[] {
  const found = new Set<Platform>();
  const add = (name: string, field = true) => {
    for (const platform of itemPlatformsIn(name.replace(SERVICES, " "), { field })) found.add(platform);
  };
  for (const name of names(item.meta.platform)) add(name);
  const product = productOf(item);
  for (const name of names(product?.details.Platform ?? product?.details.platform)) add(name);
  for (const crumb of [...names(item.meta.categories), ...(product?.categories ?? [])].flatMap((c) => c.split(">"))) {
    // Breadcrumbs name a platform exactly ("Xbox 360"); a store section like "Xbox Systems" only its family.
    const exact = itemPlatformsIn(crumb.replace(SERVICES, " "));
    if (exact.length === 1 && isExactly(exact[0]!, crumb)) found.add(exact[0]!);
  }
  if (found.size === 0) add(item.title, false);
  if (found.size === 0 && item.platform) add(item.platform);
  return Object.freeze([...found]);
}

/** Whether `text` is the platform's name (or, for a bare family name, that family's name). */
function isExactly(platform: Platform, text: string): boolean {
  const name = text.trim().toLowerCase();
  return platform.name.toLowerCase() === name || platform.family === name;
}

/** A string, or the strings of a list; anything else is nothing. */
function names(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}
