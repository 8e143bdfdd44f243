import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { loadCatalog } from "../../../src/engine/catalog/loadCatalog.js";
import { LlamaBackend } from "../../../src/engine/model/LlamaBackend.js";
import type { GenerateResult } from "../../../src/engine/model/ModelBackend.js";
import { ModelProcess } from "../../../src/engine/model/ModelProcess.js";
import { buildUserTurn } from "../../../src/engine/prompts/buildUserTurn.js";
import { renderChatML } from "../../../src/engine/prompts/renderChatML.js";
import { layout, writeFixtureCatalog } from "../../support/catalogs.js";
import { CARD_SAMPLING, fixtureModel } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
// Hotter than the card's sampling: the random fixture model then opens SIDs inside its text more often.
const HOT = { ...CARD_SAMPLING, temperature: 1.2 };
let catalog: Catalog;
let child: ModelProcess;
// The oracle: the same model in this process, with the whole catalog.
let local: LlamaBackend;

beforeAll(async () => {
  catalog = (await loadCatalog(writeFixtureCatalog(dir, 5000, 4), layout)).catalog;
  const load = {
    modelPath: await fixtureModel(dir),
    levels: layout.levels,
    codesPerLevel: layout.codesPerLevel,
    gpu: false as const,
    threads: 1,
    contextSize: 1024,
    sequences: 1,
  };
  child = await ModelProcess.start({ load, catalog });
  local = await LlamaBackend.load({ ...load, catalog });
}, 120_000);
afterAll(async () => {
  await child?.dispose();
  await local?.dispose();
});

describe("the model child process with the catalog's SID codes only", () => {
  it("answers, streams (titles of SIDs written in the text included) and ranks exactly as the in-process model", async () => {
    let sidsInText = 0;
    for (let seed = 0; seed < 40 && sidsInText < 2; seed++) {
      const items = [catalog.items[seed * 13]!, catalog.items[seed * 29 + 1]!];
      const { turn, plan } = buildUserTurn({ kind: seed % 2 ? "explain" : "bundle", items });
      const request = { segments: renderChatML([turn]), plan, sampling: HOT, maxTokens: 128, exclude: items, seed };
      const streamed = { child: [] as string[], local: [] as string[] };
      const fromChild = await child.generate({ ...request, onText: (c) => streamed.child.push(c) });
      const fromLocal = await local.generate({ ...request, onText: (c) => streamed.local.push(c) });
      const answer = (r: GenerateResult) => ({ parts: r.parts, items: r.items, answer: r.answer, text: r.text, tokens: r.tokens });
      expect(answer(fromChild)).toEqual(answer(fromLocal));
      // Items are the parent's catalog items (titles and all), not SID-only stand-ins.
      expect(fromChild.items.every((item) => catalog.get(item.sid) === item)).toBe(true);
      expect(streamed.child.join("")).toBe(streamed.local.join(""));
      sidsInText += fromLocal.answer.filter((a) => "sid" in a).length;
    }
    // The fixture model opens SIDs inside its text now and then: the stream carried their titles.
    expect(sidsInText).toBeGreaterThan(0);
    const { turn } = buildUserTurn({ kind: "similar", items: [catalog.items[7]!] });
    const rank = { segments: renderChatML([turn]), k: 6, exclude: [catalog.items[7]!] };
    expect((await child.rank(rank)).map((r) => [r.item, r.probability])).toEqual(
      (await local.rank(rank)).map((r) => [r.item, r.probability]),
    );
  });
});
