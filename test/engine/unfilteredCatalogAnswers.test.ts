/**
 * Without a platform or an operator list, the engine's catalog answers are the catalog backend's
 * own answers: the sub-catalog machinery must not change what an unfiltered request gets (it
 * widened every search once). The oracle is a second CatalogBackend, called directly.
 */
import { expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { Engine } from "../../src/engine/Engine.js";
import { CatalogBackend } from "../../src/engine/catalog/CatalogBackend.js";
import { openCatalog } from "../../src/engine/catalog/openCatalog.js";
import type { Task } from "../../src/engine/types.js";
import { writeFixtureCatalog } from "../support/catalogs.js";
import { tempDir } from "../support/tempDir.js";

const path = writeFixtureCatalog(tempDir(), 66_097, 1);
const opened = await openCatalog({ catalog: { path, metadataPath: null, levels: 4, codesPerLevel: 256 } });
const engine = new Engine({ catalog: opened, settings: loadConfig({ env: {} }).model });
const direct = new CatalogBackend(opened.catalog, opened.titles);

it("answers unfiltered requests exactly as the catalog backend does", async () => {
  const items = opened.catalog.items;
  const tasks: Task[] = [];
  for (let i = 0; i < 40; i++) {
    const item = items[(i * 487) % items.length]!;
    tasks.push({ kind: "similar", items: [item], k: 5 });
    tasks.push({ kind: "next", items: [item, items[(i * 911 + 3) % items.length]!, items[(i * 131 + 7) % items.length]!], k: 10 });
    tasks.push({ kind: "tastes", text: item.title.split(" ").slice(0, 2).join(" "), k: 5 });
  }
  for (const task of tasks) {
    const got = await engine.run(task, { backend: "catalog" });
    expect(
      got.items.map((i) => i.sid),
      JSON.stringify(task.kind === "tastes" ? task.text : task.items?.[0]?.title),
    ).toEqual(direct.answer(task).items.map((i) => i.sid));
  }
}, 120_000);
