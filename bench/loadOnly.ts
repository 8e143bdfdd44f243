/**
 * The cold-start baseline for the CLI bench: a process that imports only loadCatalog and loads the
 * catalog given as its argument — what `map`, `find` and `catalog-info` cannot avoid doing.
 */
import { loadCatalog } from "../src/engine/catalog/loadCatalog.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";

const path = process.argv[2];
if (!path) throw new Error("usage: node .bench/bench/loadOnly.js <catalog file>");
const { catalog } = await loadCatalog(path, new SidLayout());
process.stdout.write(`${catalog.size}\n`);
