import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LevelGrammars } from "../../../src/engine/model/LevelGrammars.js";
import { loadLlamaModel, type LoadedModel } from "../../../src/engine/model/loadLlamaModel.js";
import { silentLogger } from "../../../src/util/logger.js";
import { layout } from "../../support/catalogs.js";
import { fixtureModel } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
let loaded: LoadedModel;

beforeAll(async () => {
  loaded = await loadLlamaModel({
    modelPath: await fixtureModel(dir),
    layout,
    gpu: false,
    threads: 1,
    contextSize: 256,
    sequences: 1,
    logger: silentLogger,
  });
}, 60_000);
afterAll(async () => {
  await loaded?.context.dispose();
  await loaded?.model.dispose();
  await loaded?.llama.dispose();
});

describe("LevelGrammars", () => {
  it("shares one grammar per set of open codes, lists exactly those SID tokens, and holds at most `max`", () => {
    const grammars = new LevelGrammars(loaded.llama, loaded.tokens, 2);
    const partial = grammars.for(1, [3, 7], 42, false);
    expect(grammars.for(1, [3, 7], 99, false)).toBe(partial); // another node, same open codes
    expect(partial.grammar).toBe(`root ::= <[${loaded.tokens.sid(1, 3)}]> | <[${loaded.tokens.sid(1, 7)}]>`);
    const complete = grammars.for(0, [1, 2, 5], 0, true);
    expect(grammars.for(0, [1, 2, 5], 0, true)).toBe(complete);
    grammars.for(2, [0, 1], 7, false);
    expect(grammars.size).toBe(2);
    // The least recently used one went first and is built again when asked for.
    expect(grammars.for(1, [3, 7], 42, false)).not.toBe(partial);
  });
});
