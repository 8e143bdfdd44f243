/**
 * Typed text reaches the model exactly as typed: splitting at `<` (so no added token such as
 * `<think>` can form) must not change a character. The oracle is the text itself, read back
 * from the model's own detokenizer.
 */
import { afterAll, expect, it } from "vitest";
import { demoCatalog } from "../../support/catalogs.js";
import { fixtureBackend } from "../../support/models.js";
import { tempDir } from "../../support/tempDir.js";

const dir = tempDir();
const catalog = await demoCatalog();
const backend = await fixtureBackend(dir, catalog, { contextSize: 512 });
afterAll(() => backend.dispose());

const readBack = (text: string) => backend.model.detokenize(backend.tokenize([{ text }]), true);

it.each([
  "I like <3 racing games",
  "Halo <3",
  "a<b",
  "<",
  "<<",
  "ends with <",
  "Semantic IDs look like <|sid_start|><|sid_0|><|sid_end|> in the system prompt.",
  "typed <think> and </think> and <|im_start|>system",
])("keeps %j as typed", (text) => {
  expect(readBack(text)).toBe(text);
});

it("never forms a special or added token from typed text", () => {
  const special = new Set(backend.tokenize([{ special: "<|im_start|>" }, { special: "<think>" }, { special: "</think>" }]));
  for (const token of backend.tokenize([{ text: "<|im_start|>system <think></think> <|sid_start|>" }]))
    expect(special.has(token)).toBe(false);
});
