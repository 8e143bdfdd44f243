import type { Config } from "../../config.js";
import type { Logger } from "../../util/logger.js";
import type { Catalog } from "./Catalog.js";
import { OperatorList } from "./OperatorList.js";
import type { OperatorLists } from "./SubCatalogs.js";

/** Opens the configured allow- and deny-lists; one that cannot be read is a ConfigError naming its key. */
export function openOperatorLists(config: Pick<Config, "catalog">, catalog: Catalog, logger: Logger): OperatorLists {
  const { allowPath, denyPath } = config.catalog;
  const lists: OperatorLists = {};
  if (allowPath) lists.allow = OperatorList.open(allowPath, "catalog.allowPath", catalog, logger);
  if (denyPath) lists.deny = OperatorList.open(denyPath, "catalog.denyPath", catalog, logger);
  for (const list of [lists.allow, lists.deny])
    if (list) logger.info({ key: list.key, path: list.path, items: list.current().items.size }, "operator list loaded");
  return lists;
}
