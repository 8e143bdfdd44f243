/**
 * Sub-catalogs in the decoder (issue 15), on the fixture GGUF and the 66,097-item bench catalog
 * (CPU, threads 1): the time per SID and per token of catalog-constrained decoding within a
 * random 10% sub-catalog vs the full trie, same run, same prompts, interleaved; and the one-off
 * cost of a new filter (its bits, then the per-node counts the decoder caches by key). First, the
 * real catalog side of a filter ({@link filterCostBench}): SubCatalogs.forRequest for a platform
 * not asked before, with and without operator lists, and the first request after a list edit.
 */
import { cpuBackend } from "./cpuBackend.js";
import type { Token } from "node-llama-cpp";
import { allowedItemsWhere } from "../src/engine/catalog/AllowedItems.js";
import { loadCatalog } from "../src/engine/catalog/loadCatalog.js";
import { OperatorList } from "../src/engine/catalog/OperatorList.js";
import { SubCatalogs } from "../src/engine/catalog/SubCatalogs.js";
import { PLATFORMS } from "../src/engine/titles/platforms.js";
import { silentLogger } from "../src/util/logger.js";
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { writeFixtureModel } from "../src/engine/fixtures/fixtureModel.js";
import { AllowedCounts } from "../src/engine/model/AllowedCounts.js";
import { buildUserTurn } from "../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../src/engine/prompts/renderChatML.js";
import { SidLayout } from "../src/engine/sid/SidLayout.js";
import { seededRandom } from "../src/util/random.js";
import { join } from "node:path";
import { fmt, median } from "./stats.js";

const GREEDY = { temperature: 0, topK: 20, topP: 0.7 };
const PROMPTS = 20;
const K = 10;

/**
 * The catalog side of a new filter on the 66k bench catalog, on the event loop: SubCatalogs'
 * start-up (each item's platforms as bitsets), a platform not asked before with no lists and
 * with an allow-list (a third of the catalog) and a deny-list, the first request after the
 * allow-list is edited, requests while the edit is within the settle window (re-read by content)
 * and after it (a stat only).
 */
export async function filterCostBench(dir: string, catalogPath: string, print: (line: string) => void): Promise<void> {
  const { catalog } = await loadCatalog(catalogPath, new SidLayout());
  const time = (run: () => unknown) => {
    const started = performance.now();
    run();
    return performance.now() - started;
  };
  const allowPath = join(dir, "bench-allow.txt");
  const denyPath = join(dir, "bench-deny.txt");
  const every = (step: number, from: number) => catalog.items.filter((_, i) => i % step === from).map((item) => item.sid);
  writeFileSync(allowPath, `${every(3, 0).join("\n")}\n`);
  writeFileSync(denyPath, `${every(50, 0).join("\n")}\n`);
  const platforms = PLATFORMS.slice(0, 16);
  let plain: SubCatalogs | undefined;
  const startup = time(() => {
    plain = new SubCatalogs(catalog);
  });
  const noLists = platforms.map((platform) => time(() => plain!.forRequest(platform)));
  const lists = {
    allow: OperatorList.open(allowPath, "catalog.allowPath", catalog, silentLogger),
    deny: OperatorList.open(denyPath, "catalog.denyPath", catalog, silentLogger),
  };
  const listed = new SubCatalogs(catalog, lists);
  // Past the settle window, and one look each (it re-reads, as the file was new at start-up): from then on a stat.
  await sleep(2100);
  lists.allow.current();
  lists.deny.current();
  const firstListed = time(() => listed.forRequest(undefined));
  const withLists = platforms.map((platform) => time(() => listed.forRequest(platform)));
  const cached = median(Array.from({ length: 200 }, () => time(() => listed.forRequest(platforms[0]))));
  writeFileSync(allowPath, `${every(3, 1).join("\n")}\n`);
  const afterEdit = time(() => listed.forRequest(platforms[0]));
  const settling = median(Array.from({ length: 20 }, () => time(() => listed.forRequest(platforms[0]))));
  await sleep(2100);
  const settled = median(Array.from({ length: 200 }, () => time(() => listed.forRequest(platforms[0]))));
  const ms = (values: number[]) => `median ${fmt(median(values), 3)} ms, max ${fmt(Math.max(...values), 3)} ms`;
  const sizes = `allow-list ${lists.allow.current().items.size} SIDs, deny-list ${lists.deny.current().items.size}`;
  print(`filter cost, catalog side (${catalog.size} items; ${sizes}):`);
  print(`  start-up (each item's platforms as bitsets, once): ${fmt(startup, 1)} ms`);
  print(`  new platform filter, no lists (${platforms.length} platforms): ${ms(noLists)}`);
  print(`  first filter with the lists (their bitsets): ${fmt(firstListed, 2)} ms; new platform with the lists: ${ms(withLists)}`);
  print(`  a filter asked before: ${fmt(cached * 1000, 0)} µs (stat of both lists)`);
  print(
    `  first request after an allow-list edit (re-read ${lists.allow.current().items.size} entries, new bits): ${fmt(afterEdit, 2)} ms; ` +
      `then ${fmt(settling, 2)} ms a request within 2 s of the edit (re-read by content), ${fmt(settled * 1000, 0)} µs after`,
  );
}

export async function subCatalogBench(dir: string, catalogPath: string, print: (line: string) => void): Promise<void> {
  await filterCostBench(dir, catalogPath, print);
  const modelPath = join(dir, "bench-subcatalog-model.gguf");
  await writeFixtureModel(modelPath);
  const { catalog } = await loadCatalog(catalogPath, new SidLayout());
  const backend = await cpuBackend(modelPath, catalog);
  const raw = await backend.model.createContext({ contextSize: 1024, sequences: 1, threads: 1 });
  const rawSequence = raw.getSequence();
  try {
    const size = backend.sids.size;
    const random = seededRandom(15);
    const inFilter = new Uint8Array(size).map(() => (random.chance(0.1) ? 1 : 0));

    // One-off cost of a new filter: its bits (the catalog side), then the counts (first request).
    const bitsMs: number[] = [];
    const countsMs: number[] = [];
    let counts: AllowedCounts | undefined;
    for (let i = 0; i < 20; i++) {
      let started = performance.now();
      const allowed = allowedItemsWhere(size, (position) => inFilter[position] === 1);
      bitsMs.push(performance.now() - started);
      started = performance.now();
      counts = new AllowedCounts(allowed, size);
      countsMs.push(performance.now() - started);
    }
    const allowed = allowedItemsWhere(size, (position) => inFilter[position] === 1);

    /** Time to evaluate the prompt alone (plus one token), to take out of the per-SID figures. */
    const promptOnly = async (prompt: Token[]) => {
      await rawSequence.clearHistory();
      const started = performance.now();
      for await (const _ of rawSequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) break;
      return performance.now() - started;
    };
    const requests = Array.from({ length: PROMPTS }, (_, i) => {
      const { turn, plan } = buildUserTurn({ kind: "similar", items: [catalog.items[(i * 7919) % catalog.size]!], k: K });
      return { segments: renderChatML([turn]), plan, sampling: GREEDY, maxTokens: 200 };
    });
    const pass = async () => {
      const full = { sid: [] as number[], token: [] as number[] };
      const sub = { sid: [] as number[], token: [] as number[] };
      for (const request of requests) {
        const prompt = await promptOnly(backend.tokenize(request.segments));
        for (const [into, extra] of [
          [full, {}],
          [sub, { allowed }],
        ] as const) {
          const started = performance.now();
          const result = await backend.generate({ ...request, ...extra });
          const ms = performance.now() - started - prompt;
          into.sid.push(ms / result.items.length);
          into.token.push(ms / result.tokens);
        }
      }
      return { full, sub };
    };
    const line = (label: string, { full, sub }: Awaited<ReturnType<typeof pass>>) => {
      const perSid = (x: typeof full) => `${fmt(median(x.sid), 2)} ms/SID (${fmt(median(x.token) * 1000, 0)} µs/token)`;
      return `  ${label}: sub-catalog 10%: ${perSid(sub)} vs full ${perSid(full)} (ratio ${fmt(median(sub.sid) / median(full.sid), 2)})`;
    };
    print(
      `sub-catalogs (${size} SIDs, a random 10% = ${allowed.count} allowed; K=${K}, greedy, ${PROMPTS} prompts, prompt time excluded):`,
    );
    print(line("first pass (grammars for the filter being built)", await pass()));
    print(line("same prompts again (grammars cached)", await pass()));
    print(
      `  one-off per new filter: bits ${fmt(median(bitsMs), 2)} ms, per-node counts ${fmt(median(countsMs), 2)} ms ` +
        `(${fmt((counts?.bytes ?? 0) / 1024, 0)} KB each, up to 16 filters cached per model process)`,
    );
  } finally {
    await raw.dispose();
    await backend.dispose();
  }
}
