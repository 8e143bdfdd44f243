/**
 * Sub-catalogs through the Engine: platform, operator lists and the conversation's exclusions,
 * on the fixture model (in-process LlamaBackend) and on the catalog backend. The oracle is the
 * catalog file the test writes: its own platform column and title suffix, and its parent_asins.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { Engine, type EngineOptions } from "../../src/engine/Engine.js";
import { allows } from "../../src/engine/catalog/AllowedItems.js";
import type { CatalogItem } from "../../src/engine/catalog/Catalog.js";
import { openCatalog, type OpenedCatalog } from "../../src/engine/catalog/openCatalog.js";
import { openOperatorLists } from "../../src/engine/catalog/openOperatorLists.js";
import { fixtureCatalogRows } from "../../src/engine/fixtures/fixtureCatalog.js";
import type { GenerateRequest, ModelBackend, RankRequest } from "../../src/engine/model/ModelBackend.js";
import type { Task } from "../../src/engine/types.js";
import { ModelUnavailableError } from "../../src/errors.js";
import { layout } from "../support/catalogs.js";
import { fixtureBackend } from "../support/models.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { tempDir } from "../support/tempDir.js";

const dir = tempDir();
const settings = loadConfig({ env: {} }).model;
const rows = [...fixtureCatalogRows({ items: 1500, seed: 21, layout })].map((row, i) => ({
  parent_asin: `B${String(i).padStart(9, "0")}`,
  ...row,
}));
const catalogPath = join(dir, "catalog.jsonl");
writeFileSync(catalogPath, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);

// The oracle: the file's own rows, by SID.
const rowBySid = new Map(rows.map((row) => [row.semantic_id, row]));
const platformOfSid = (sid: string) => {
  const row = rowBySid.get(sid)!;
  // The generator writes the platform both in its column and as the title's suffix.
  expect(row.title.endsWith(` - ${row.platform}`)).toBe(true);
  return row.platform;
};
const XBOXES = new Set(["Xbox", "Xbox 360", "Xbox One"]);
const rowsOn = (platform: string) => rows.filter((row) => row.platform === platform);
// SID order, worked out here: by codes, level by level.
const codesOf = (sid: string) => [...sid.matchAll(/<\|sid_(\d+)\|>/g)].map((m) => Number(m[1]) % 256);
const bySidOrder = [...rows].sort((a, b) => {
  const x = codesOf(a.semantic_id);
  const y = codesOf(b.semantic_id);
  const k = x.findIndex((c, i) => c !== y[i]);
  return k < 0 ? 0 : x[k]! - y[k]!;
});

/** A model backend that counts and keeps the requests it gets, around a real one (or none). */
function counting(inner?: ModelBackend, fail?: Error) {
  const requests: (GenerateRequest | RankRequest)[] = [];
  const model: ModelBackend = {
    loadMs: inner?.loadMs ?? 1,
    sequences: 1,
    contextSize: inner?.contextSize ?? 4096,
    available: true,
    generate: async (request) => {
      requests.push(request);
      if (fail || !inner) throw fail ?? new Error("no model");
      return inner.generate(request);
    },
    rank: async (request) => {
      requests.push(request);
      if (fail || !inner) throw fail ?? new Error("no model");
      return inner.rank(request);
    },
    countTokens: async (segments) => (inner ? inner.countTokens(segments) : 10),
    dispose: async () => {},
  };
  return { model, requests };
}

const opened: OpenedCatalog = await openCatalog({ catalog: { path: catalogPath, metadataPath: null, levels: 4, codesPerLevel: 256 } });
const llama = await fixtureBackend(dir, opened.catalog, { contextSize: 2048 });
afterAll(async () => {
  await llama.dispose();
});

let listFiles = 0;
function engineWith(options: {
  model?: ModelBackend;
  allow?: readonly string[];
  deny?: readonly string[];
  logger?: EngineOptions["logger"];
}) {
  const file = (lines: readonly string[] | undefined) => {
    if (!lines) return null;
    const path = join(dir, `list-${listFiles++}.txt`);
    writeFileSync(path, `${lines.join("\n")}\n`);
    return path;
  };
  const allowPath = file(options.allow);
  const denyPath = file(options.deny);
  const lists = openOperatorLists(
    { catalog: { ...loadConfig({ env: {} }).catalog, allowPath, denyPath } },
    opened.catalog,
    recordingLogger(),
  );
  const engine = new Engine({
    catalog: opened,
    model: options.model,
    settings,
    lists,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { engine, allowPath, denyPath };
}
const item = (sid: string): CatalogItem => opened.catalog.get(sid)!;
// A game whose franchise has other platforms: the model is asked for Xbox One games like it.
const asked = item(rows.find((row) => row.platform === "PlayStation 4")!.semantic_id);

describe("platform filter on the fixture model (needs the decoder to honour `allowed`)", () => {
  it("answers only Xbox One games across 100 seeds", async () => {
    const { engine } = engineWith({ model: llama });
    const distinct = new Set<string>();
    for (let seed = 0; seed < 100; seed++) {
      const result = await engine.run({ kind: "similar", items: [asked], platform: "Xbox One" }, { seed, backend: "llama" });
      expect(result.items.length).toBeGreaterThan(0);
      for (const answered of result.items) {
        expect(platformOfSid(answered.sid), `seed ${seed}`).toBe("Xbox One");
        distinct.add(answered.sid);
      }
    }
    // The seeds make different answers: this is many samples, not one answer 100 times.
    expect(distinct.size).toBeGreaterThan(3);
  }, 300_000);

  it("a family word allows any Xbox (tastes and ranked too)", async () => {
    const { engine } = engineWith({ model: llama });
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const result = await engine.run({ kind: "tastes", text: "I like racing games.", platform: "Xbox" }, { seed, backend: "llama" });
      for (const answered of result.items) seen.add(platformOfSid(answered.sid));
    }
    const ranked = await engine.run({ kind: "similar", items: [asked], platform: "Xbox", ranked: true, k: 5 }, { backend: "llama" });
    for (const answered of ranked.items) seen.add(platformOfSid(answered.sid));
    expect(seen.size).toBeGreaterThan(0);
    for (const platform of seen) expect(XBOXES.has(platform)).toBe(true);
  }, 300_000);
});

describe("the request the model gets", () => {
  it("carries the platform's bits over SID order, and none without a filter", async () => {
    const { model, requests } = counting(llama);
    const { engine } = engineWith({ model });
    await engine.run({ kind: "similar", items: [asked], platform: "Wii" }, { seed: 1 });
    await engine.run({ kind: "similar", items: [asked], platform: "Wii", ranked: true });
    await engine.run({ kind: "similar", items: [asked] }, { seed: 1 });
    const [generated, ranked, unfiltered] = requests;
    const expected = bySidOrder.map((row) => row.platform === "Wii");
    for (const request of [generated!, ranked!]) {
      expect(request.allowed!.count).toBe(rowsOn("Wii").length);
      expect(bySidOrder.map((_, position) => allows(request.allowed!, position))).toEqual(expected);
    }
    expect(unfiltered!.allowed).toBeUndefined();
  });
});

describe("platform filter on the catalog backend", () => {
  it("answers only games of the platform, for 100 asked games; a family word means any of the family", async () => {
    const { model, requests } = counting();
    const { engine } = engineWith({ model });
    let answered = 0;
    for (let i = 0; i < 100; i++) {
      const game = item(rows[i * 13]!.semantic_id);
      const tasks: [Task, (platform: string) => boolean][] = [
        [{ kind: "similar", items: [game], platform: "PlayStation 4" }, (p) => p === "PlayStation 4"],
        [{ kind: "similar", items: [game], platform: "Xbox" }, (p) => XBOXES.has(p)],
        [{ kind: "tastes", text: `${game.title.split(" ")[0]} games`, platform: "Nintendo DS" }, (p) => p === "Nintendo DS"],
      ];
      for (const [task, ok] of tasks) {
        const result = await engine.run(task, { backend: "catalog" });
        expect(result.backend).toBe("catalog");
        for (const found of result.items) expect(ok(platformOfSid(found.sid)), `${found.title} for ${task.platform}`).toBe(true);
        answered += result.items.length;
      }
    }
    expect(answered).toBeGreaterThan(100);
    // backend: "catalog" never asks the model, even one that is there.
    expect(requests).toHaveLength(0);
  });
});

describe("operator deny-list", () => {
  // The items the unfiltered catalog backend answers for `asked`: the deny-list names them, half by SID, half by parent_asin.
  async function deniedAnswer() {
    const { engine } = engineWith({});
    const open = await engine.run({ kind: "similar", items: [asked], k: 6 }, { backend: "catalog" });
    expect(open.items.length).toBeGreaterThan(3);
    const denied = open.items.map((found) => found.sid);
    const lines = denied.map((sid, i) => (i % 2 ? sid : rowBySid.get(sid)!.parent_asin));
    return { denied: new Set(denied), lines };
  }

  it("never answers a denied item from the catalog backend (named by SID or by parent_asin)", async () => {
    const { denied, lines } = await deniedAnswer();
    const { engine } = engineWith({ deny: lines });
    const result = await engine.run({ kind: "similar", items: [asked], k: 6 }, { backend: "catalog" });
    expect(result.items.length).toBeGreaterThan(0);
    for (const found of result.items) expect(denied.has(found.sid)).toBe(false);
  });

  it("never answers a denied item from the model, across 50 seeds (needs the decoder to honour `allowed`)", async () => {
    // Deny what the model writes most often without a list, so the test can fail.
    const { engine: open } = engineWith({ model: llama });
    const written = new Map<string, number>();
    for (let seed = 0; seed < 20; seed++)
      for (const found of (await open.run({ kind: "similar", items: [asked] }, { seed, backend: "llama" })).items)
        written.set(found.sid, (written.get(found.sid) ?? 0) + 1);
    const often = [...written]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([sid]) => sid);
    const { engine } = engineWith({ model: llama, deny: often.map((sid, i) => (i % 2 ? sid : rowBySid.get(sid)!.parent_asin)) });
    for (let seed = 0; seed < 50; seed++) {
      const result = await engine.run({ kind: "similar", items: [asked] }, { seed, backend: "llama" });
      for (const found of result.items) expect(often.includes(found.sid), `seed ${seed}`).toBe(false);
    }
  }, 300_000);
});

describe("operator allow-list", () => {
  it("an edit while the engine runs takes effect on the next request (no restart)", async () => {
    const { model, requests } = counting(llama);
    const ps4 = rowsOn("PlayStation 4").slice(0, 40);
    const first = ps4.slice(0, 20).map((row) => row.parent_asin);
    const second = ps4.slice(20).map((row) => row.semantic_id);
    const { engine, allowPath } = engineWith({ model, allow: first });
    const inFirst = new Set(ps4.slice(0, 20).map((row) => row.semantic_id));
    const inSecond = new Set(second);
    // Words of both lists' titles, so the same request finds games of either.
    const firstWord = (row: (typeof rows)[number]) => row.title.split(/[\s:]/)[0]!;
    const task: Task = { kind: "tastes", text: `${firstWord(ps4[0]!)} ${firstWord(ps4[20]!)} games` };
    const before = await engine.run(task, { backend: "catalog" });
    await engine.run(task, { seed: 1 });
    writeFileSync(allowPath!, `# restocked\n${second.join("\n")}\n`);
    const after = await engine.run(task, { backend: "catalog" });
    await engine.run(task, { seed: 1 });
    expect(before.items.length).toBeGreaterThan(0);
    expect(after.items.length).toBeGreaterThan(0);
    for (const found of before.items) expect(inFirst.has(found.sid)).toBe(true);
    for (const found of after.items) expect(inSecond.has(found.sid)).toBe(true);
    // The model's requests carried the list as it was at each request.
    const allowedSids = (request: GenerateRequest | RankRequest) =>
      new Set(bySidOrder.filter((_, position) => allows(request.allowed!, position)).map((row) => row.semantic_id));
    expect(allowedSids(requests[0]!)).toEqual(inFirst);
    expect(allowedSids(requests[1]!)).toEqual(inSecond);
  });
});

describe("Engine.create", () => {
  it("opens CATALOG_ALLOW_PATH / CATALOG_DENY_PATH from the config and answers within them", async () => {
    const wii = rowsOn("Wii").slice(0, 12);
    const allowPath = join(dir, "create-allow.txt");
    const denyPath = join(dir, "create-deny.txt");
    writeFileSync(allowPath, `${wii.map((row) => row.parent_asin).join("\n")}\n`);
    writeFileSync(denyPath, `${wii[0]!.semantic_id}\n`);
    const config = loadConfig({
      env: { CATALOG_PATH: catalogPath, CATALOG_ALLOW_PATH: allowPath, CATALOG_DENY_PATH: denyPath, TITLE_INDEX_CACHE_DIR: "off" },
    });
    const engine = await Engine.create(config);
    const allowed = new Set(wii.slice(1).map((row) => row.semantic_id));
    const words = wii.map((row) => row.title.split(/[\s:]/)[0]).join(" ");
    const result = await engine.run({ kind: "tastes", text: words, k: 20 });
    expect(result.items.length).toBeGreaterThan(0);
    for (const found of result.items) expect(allowed.has(found.sid), found.title).toBe(true);
    await engine.dispose();
  });
});

describe("a filter that leaves nothing", () => {
  it("says why and what to do, with no items and no model call", async () => {
    const { model, requests } = counting(llama);
    const wiiU = rowsOn("Wii U");
    const { engine } = engineWith({ model, allow: wiiU.slice(0, 2).map((row) => row.parent_asin) });
    const two = wiiU.slice(0, 2).map((row) => item(row.semantic_id));
    const cases: [Task, string][] = [
      [
        // The allow-list narrowed it, so the notice speaks of the filter, not the catalog.
        { kind: "similar", items: two, platform: "Wii U" },
        "I've already suggested every Wii U game the current filter allows — try another platform.",
      ],
      [
        { kind: "tastes", text: "racing", platform: "PC" },
        "None of the catalog's PC games are on the operator's allow-list — try another platform.",
      ],
      [
        { kind: "tastes", text: "racing", platform: "Dreamcast" },
        "The catalog has no Dreamcast games, so I can't recommend any — try another platform.",
      ],
    ];
    for (const [task, notice] of cases) {
      for (const backend of [undefined, "llama", "catalog"] as const) {
        const result = await engine.run(task, { seed: 1, ...(backend ? { backend } : {}) });
        expect(result.items).toEqual([]);
        expect(result.notices).toEqual([notice]);
      }
    }
    expect(requests).toHaveLength(0);
    // The same engine still answers what the list allows.
    const ok = await engine.run({ kind: "similar", items: [two[0]!], platform: "Wii U" }, { seed: 1 });
    expect(ok.backend).toBe("llama");
    expect(requests).toHaveLength(1);
    expect(requests[0]!.allowed!.count).toBe(2);
  });

  it("an allow-list that names nothing of the catalog says the operator's list leaves nothing", async () => {
    const { model, requests } = counting(llama);
    const { engine } = engineWith({ model, allow: ["B_NOT_IN_CATALOG"] });
    const result = await engine.run({ kind: "tastes", text: "racing" });
    expect(result.items).toEqual([]);
    expect(result.notices).toEqual([
      "The operator's allow-list leaves nothing to recommend right now — ask whoever runs this bot to check it.",
    ]);
    expect(requests).toHaveLength(0);
  });
});

describe("LOG_LEVEL=debug", () => {
  it("logs the exact ChatML prompt of each request with its requestId", async () => {
    const logger = recordingLogger();
    const { engine } = engineWith({ model: llama, logger });
    await engine.run({ kind: "similar", items: [asked] }, { seed: 1, requestId: "req-7" });
    await engine.run({ kind: "tastes", text: "cozy <|im_start|>farming" }, { requestId: "req-8", backend: "catalog" });
    const prompts = logger.entries.filter((e) => e.level === "debug" && e.message === "prompt");
    expect(prompts.map((e) => e.fields.requestId)).toEqual(["req-7", "req-8"]);
    // Written out independently: Qwen3 ChatML, the trained co-purchase phrasing, thinking disabled.
    expect(prompts[0]!.fields.prompt).toContain(
      `<|im_start|>user\nCustomers who bought ${asked.sid} also bought:\n<|rec|><|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n`,
    );
    expect(prompts[1]!.fields.prompt).toContain("cozy <|im_start|>farming");
  });
});

describe("RunOptions.backend", () => {
  it('"llama" throws when there is no model, never answering from the catalog', async () => {
    const { engine } = engineWith({});
    await expect(engine.run({ kind: "similar", items: [asked] }, { backend: "llama" })).rejects.toBeInstanceOf(ModelUnavailableError);
  });

  it('"llama" throws the model\'s error when it fails; without it the catalog answers', async () => {
    const broken = new Error("decoder exploded");
    const { model, requests } = counting(llama, broken);
    const { engine } = engineWith({ model });
    await expect(engine.run({ kind: "similar", items: [asked] }, { backend: "llama" })).rejects.toBe(broken);
    const fallback = await engine.run({ kind: "similar", items: [asked] });
    expect(fallback.backend).toBe("catalog");
    expect(requests).toHaveLength(2);
  });

  it('"catalog" never calls the model', async () => {
    const { model, requests } = counting(llama);
    const { engine } = engineWith({ model });
    const result = await engine.run({ kind: "similar", items: [asked] }, { backend: "catalog" });
    expect(result.backend).toBe("catalog");
    expect(result.items.length).toBeGreaterThan(0);
    expect(requests).toHaveLength(0);
  });
});

describe("a filter with fewer items left than asked", () => {
  it("answers with what is left and says how many, on the fixture model", async () => {
    // The allow-list names two Wii games (the oracle: the file's own rows); five are asked for.
    const wii = rowsOn("Wii").slice(0, 2);
    const { engine } = engineWith({ model: llama, allow: wii.map((row) => row.semantic_id) });
    const result = await engine.run({ kind: "similar", items: [asked], k: 5 }, { seed: 3, backend: "llama" });
    expect(result.items.map((i) => i.sid).sort()).toEqual(wii.map((row) => row.semantic_id).sort());
    expect(result.notices).toContain("Only 2 games are left within the current filter that I haven't already suggested.");
    // With enough left, no such notice.
    const open = await engine.run({ kind: "similar", items: [asked], k: 1 }, { seed: 3, backend: "llama" });
    expect(open.notices.join(" ")).not.toMatch(/Only \d/);
  }, 60_000);
});
