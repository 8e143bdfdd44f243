import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkGgufFile } from "../../../src/engine/model/checkGgufFile.js";
import { LlamaBackend } from "../../../src/engine/model/LlamaBackend.js";
import { ModelLoadError } from "../../../src/errors.js";
import { demoCatalog, layout } from "../../support/catalogs.js";
import { fixtureModel } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const failure = (path: string) =>
  checkGgufFile(path, layout).then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe("checkGgufFile: the model file, before any weights are read", () => {
  it("accepts the semantic-ID fixture model", async () => {
    expect(await failure(await fixtureModel(dir))).toBeUndefined();
  });

  it("refuses a model without the SID tokens the catalog layout needs, with the load error's message", async () => {
    const path = await fixtureModel(dir, { sidTokens: 512, seed: 2 });
    const error = await failure(path);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error?.message).toBe(`${path} has no <|sid_512|> token: is it the semantic-ID model (its card lists the added tokens)?`);
    // The backend refuses it the same way.
    const loading = await LlamaBackend.load({ modelPath: path, catalog: await demoCatalog(), gpu: false }).catch(
      (e: unknown) => e as Error,
    );
    expect(loading).toBeInstanceOf(ModelLoadError);
    expect((loading as Error).message).toBe(error?.message);
  });

  it("says a file cut inside its metadata is truncated", async () => {
    const path = join(dir, "cut-metadata.gguf");
    writeFileSync(path, readFileSync(await fixtureModel(dir)).subarray(0, 3000));
    expect((await failure(path))?.message).toBe(`cannot load model ${path}: file is truncated`);
  });
});
