/**
 * Faithful model answers end to end (issue 11): items are the SIDs the decoder wrote, SIDs written
 * inside an explanation show as titles, text never shows U+FFFD, and an answer without text is
 * never passed off as the model's.
 */
import type { Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openCatalog, type OpenedCatalog } from "../../src/engine/catalog/openCatalog.js";
import { Engine } from "../../src/engine/Engine.js";
import { LlamaBackend, type GenerateResult } from "../../src/engine/model/LlamaBackend.js";
import type { ModelBackend } from "../../src/engine/model/ModelBackend.js";
import { OutputBuilder, type AnswerPart } from "../../src/engine/model/OutputBuilder.js";
import { buildUserTurn } from "../../src/engine/prompts/buildUserTurn.js";
import type { Task, TurnPart } from "../../src/engine/types.js";
import { sidOf } from "../support/catalogs.js";
import { fixtureModel } from "../support/models.js";
import { tempDir } from "../support/tempDir.js";

const dir = tempDir();
const settings = loadConfig({ env: {} }).model;
let catalog: OpenedCatalog;
let backend: LlamaBackend;

beforeAll(async () => {
  catalog = await openCatalog(loadConfig({ env: {} }));
  backend = await LlamaBackend.load({
    modelPath: await fixtureModel(dir),
    catalog: catalog.catalog,
    gpu: false,
    threads: 1,
    sequences: 1,
    contextSize: 2048,
  });
}, 120_000);
afterAll(async () => {
  await backend?.dispose();
});

/** The real backend, remembering what it decoded. */
function recording(inner: ModelBackend): ModelBackend & { results: GenerateResult[] } {
  const results: GenerateResult[] = [];
  return {
    results,
    get loadMs() {
      return inner.loadMs;
    },
    get sequences() {
      return inner.sequences;
    },
    get contextSize() {
      return inner.contextSize;
    },
    get available() {
      return inner.available;
    },
    generate: async (request) => {
      const result = await inner.generate(request);
      results.push(result);
      return result;
    },
    rank: (request) => inner.rank(request),
    countTokens: (segments) => inner.countTokens(segments),
    dispose: async () => {},
  };
}

const sidsOf = (parts: readonly TurnPart[]) => parts.flatMap((p) => ("sid" in p ? [p.sid] : []));

describe("model answers through the real LlamaBackend (fixture model)", () => {
  it("items equal the SIDs decoded, in order; SIDs written in the text show as titles; no U+FFFD", async () => {
    const model = recording(backend);
    // The card's sampling, and a hotter one so the random model opens SIDs inside its text more often.
    const engines = [0.3, 1.2].map((temperature) => new Engine({ catalog, model, settings: { ...settings, temperature, maxTokens: 128 } }));
    const items = catalog.catalog.items;
    let inText = 0;
    let answered = 0;
    for (let seed = 0; seed < 200; seed++) {
      const engine = engines[seed % 2]!;
      const kinds: Task["kind"][] = ["explain", "bundle", "chat", "similar", "next"];
      const kind = kinds[Math.floor(seed / 2) % kinds.length]!;
      const task: Task = {
        kind,
        items: [items[seed % items.length]!, items[(seed * 7 + 3) % items.length]!].slice(0, kind === "explain" ? 1 : 2),
        text: "How about something similar but for Xbox?",
      };
      const chunks: string[] = [];
      const reply = await engine.run(task, { seed, onText: (c) => chunks.push(c) });
      expect(reply.text, `seed ${seed}`).not.toContain("\uFFFD");
      if (reply.backend !== "llama") continue; // an answer with no text, answered from the catalog (tested below)
      answered++;
      const decoded = model.results.at(-1)!;
      const written = sidsOf(decoded.parts);
      expect(
        reply.items.map((i) => i.sid),
        `seed ${seed}`,
      ).toEqual(written);
      expect(reply.items.map((i) => i.sid)).toEqual(decoded.items.map((i) => i.sid));
      expect(chunks.join(""), `seed ${seed}`).not.toContain("\uFFFD");
      // SIDs after the requested list were opened by the model inside its text.
      const { plan } = buildUserTurn(task);
      for (const sid of written.slice(plan.sids)) {
        inText++;
        expect(reply.text, `seed ${seed}`).toContain(`"${catalog.catalog.get(sid)!.title}"`);
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserts that no control character reaches the reply
      expect(reply.text).not.toMatch(/<\|sid_|[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    }
    expect(answered).toBeGreaterThan(150);
    expect(inText, "the fixture model opens SIDs inside free text now and then").toBeGreaterThan(0);
  }, 240_000);
});

describe("OutputBuilder decodes text from whole token runs (fixture tokenizer)", () => {
  const bytes = (text: string) => [...Buffer.from(text, "utf8")].map((b) => byteToken(b));
  // The fixture's first 256 tokens are its byte alphabet, in byte order.
  const byteToken = (b: number) => b as Token;
  const builder = (chunks: string[]) =>
    new OutputBuilder(
      (tokens) => backend.model.detokenize(tokens, false),
      (c) => chunks.push(c),
    );

  it("spells multi-byte characters with one byte token per byte", () => {
    expect(backend.model.tokenize("é", false)).toEqual(bytes("é"));
    expect(backend.model.detokenize(bytes("é").slice(0, 1), false)).toBe("\uFFFD");
  });

  it("a character split across tokens never shows as U+FFFD, streamed or final", () => {
    const chunks: string[] = [];
    const out = builder(chunks);
    for (const t of [...bytes("café "), ...bytes("🎮 night")]) out.addText(t);
    expect(out.result().text).toBe("café 🎮 night");
    expect(chunks.join("")).toBe("café 🎮 night");
    expect(chunks.some((c) => c.includes("\uFFFD"))).toBe(false);
  });

  it("bytes cut off before their character completes, or invalid bytes, are dropped (not U+FFFD)", () => {
    const chunks: string[] = [];
    const out = builder(chunks);
    // "Racing " + the first two bytes of 🎮, then the answer ends.
    for (const t of [...bytes("Racing "), ...bytes("🎮").slice(0, 2)]) out.addText(t);
    const cut = out.result();
    expect(cut.text).toBe("Racing");
    expect(JSON.stringify(cut.parts)).not.toContain("\uFFFD");
    expect(chunks.join("")).not.toContain("\uFFFD");

    const chunks2: string[] = [];
    const invalid = builder(chunks2);
    // A lone lead byte followed by ordinary text; then a SID; then the end of an emoji alone.
    for (const t of [...bytes("a"), 0xc3 as Token, ...bytes("b")]) invalid.addText(t);
    invalid.addSid(catalog.catalog.items[0]!, [], { inText: true });
    for (const t of bytes("🎮").slice(2)) invalid.addText(t);
    const result = invalid.result();
    expect(result.text).toBe("ab");
    expect(chunks2.join("")).toBe(`ab"${catalog.catalog.items[0]!.title}"`);
    expect(JSON.stringify(result)).not.toContain("\uFFFD");
  });
});

/** A ModelBackend of our own returning a fixed decoded answer. */
function stub(result: Omit<GenerateResult, "tokens" | "promptTokens">): ModelBackend {
  return {
    loadMs: 1,
    sequences: 1,
    contextSize: 4096,
    available: true,
    generate: async () => ({ ...result, tokens: 10, promptTokens: 20 }),
    rank: async () => [],
    countTokens: async () => 10,
    dispose: async () => {},
  };
}

describe("Engine result assembly from the decoder's structured output", () => {
  const halo = () => catalog.titles.search("Halo 3")[0]!.item;
  const nights = () => catalog.catalog.get(sidOf(139, 289, 534, 768))!;

  it("shows SIDs written in an explanation as titles (card semantics), no empty slot", async () => {
    const near = sidOf(64, 313, 600, 768); // not in the catalog: an L2 match
    const parts: AnswerPart[] = [
      { sid: nights().sid },
      { text: "\n\nIf you liked " },
      { sid: halo().sid },
      { text: ", you might like " },
      { sid: near },
      { text: "." },
    ];
    const engine = new Engine({
      catalog,
      model: stub({ parts, items: [nights(), halo()], answer: parts.slice(1), text: "If you liked , you might like ." }),
      settings,
    });
    const reply = await engine.run({ kind: "explain", items: [catalog.catalog.items[5]!] });
    expect(reply.backend).toBe("llama");
    expect(reply.text).toBe(`If you liked "${halo().title}", you might like "Halo 3 Limited Edition -Xbox 360" (L2 match) [+1 similar].`);
    expect(reply.text).not.toMatch(/liked ,| {2}/);
  });

  it("takes items from the decoder, never from SID-looking text", async () => {
    // The model spelled a SID out of ordinary characters: text, not a decoded item.
    const spelled = nights().sid;
    const parts: AnswerPart[] = [{ sid: halo().sid }, { text: `\n\nLike ${spelled} but louder.` }];
    const engine = new Engine({
      catalog,
      model: stub({ parts, items: [halo()], answer: parts.slice(1), text: `Like ${spelled} but louder.` }),
      settings,
    });
    const reply = await engine.run({ kind: "explain", items: [catalog.catalog.items[5]!] });
    expect(reply.items.map((i) => i.sid)).toEqual([halo().sid]);
    expect(reply.text).toBe(`Like "${nights().title}" but louder.`);
  });

  it("an explanation or bundle with no usable text is answered from the catalog, labelled, with a notice", async () => {
    for (const kind of ["explain", "bundle"] as const) {
      const blank = kind === "explain" ? "\n \u0005\n\t" : " \n";
      const parts: TurnPart[] = kind === "explain" ? [{ sid: halo().sid }, { text: blank }] : [{ text: blank }];
      const engine = new Engine({
        catalog,
        model: stub({ parts, items: kind === "explain" ? [halo()] : [], answer: [{ text: blank }], text: "" }),
        settings,
      });
      const reply = await engine.run({ kind, items: [nights(), catalog.catalog.items[5]!].slice(0, kind === "explain" ? 1 : 2) });
      expect(reply.backend, kind).toBe("catalog");
      expect(reply.text.trim().length, kind).toBeGreaterThan(0);
      expect(reply.notices.join(" "), kind).toMatch(/model's answer had no text/);
    }
  });

  it("a chat answer with items and only control characters keeps its items and shows no text", async () => {
    const parts: TurnPart[] = [{ sid: halo().sid }, { text: "\u0005 ,\u0001\n" }];
    const engine = new Engine({
      catalog,
      model: stub({ parts, items: [halo()], answer: [{ text: "\u0005 ,\u0001\n" }], text: "\u0005 ,\u0001" }),
      settings,
    });
    const reply = await engine.run({ kind: "chat", text: "How about something similar but for Xbox?", items: [nights()] });
    expect(reply.backend).toBe("llama");
    expect(reply.items.map((i) => i.sid)).toEqual([halo().sid]);
    expect(reply.text).toBe("");
  });

  it("keeps a model list answer that needs no text", async () => {
    const parts: TurnPart[] = [{ sid: halo().sid }];
    const engine = new Engine({ catalog, model: stub({ parts, items: [halo()], answer: [], text: "" }), settings });
    const reply = await engine.run({ kind: "similar", items: [nights()] });
    expect(reply.backend).toBe("llama");
    expect(reply.items.map((i) => i.sid)).toEqual([halo().sid]);
  });
});
