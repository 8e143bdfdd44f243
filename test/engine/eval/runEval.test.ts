import { describe, expect, it } from "vitest";
import type { RunOptions } from "../../../src/engine/Engine.js";
import { Catalog } from "../../../src/engine/catalog/Catalog.js";
import { runEval, type EvalEngine } from "../../../src/engine/eval/runEval.js";
import type { EvalRow } from "../../../src/engine/eval/readEvalRows.js";
import { toRecommended } from "../../../src/engine/Engine.js";
import type { EngineResult, Task } from "../../../src/engine/types.js";
import { layout, sidOf } from "../../support/catalogs.js";

const catalog = new Catalog(
  layout,
  [0, 1, 2, 3].map((c) => ({ sid: layout.format([c, 0, 0, 0]), codes: [c, 0, 0, 0], title: `Game ${c}` })),
);
const [a, b, c, d] = catalog.items as [(typeof catalog.items)[number], ...(typeof catalog.items)[number][]];
const rows: EvalRow[] = [
  { line: 1, history: [a], next: b! },
  { line: 4, history: [a, b!], next: c! },
];
const invalid = sidOf(9, 300, 600, 900);

/** A scripted engine: records each request and answers from a table. */
function scripted() {
  const calls: { task: Task; options: RunOptions }[] = [];
  const engine: EvalEngine = {
    catalog: { catalog },
    run: async (task, options = {}) => {
      calls.push({ task, options });
      const row = calls.length % 2 === 1 ? 0 : 1;
      const items = [row === 0 ? b! : d!, c!];
      const answer = { items: items.map(toRecommended), text: "", backend: options.backend ?? "catalog", notices: [] };
      const timings = { totalMs: 1, backendMs: 1, tokens: 0 };
      const turns = { user: { role: "user" as const, parts: [] }, assistant: { role: "assistant" as const, parts: [] } };
      // Unconstrained: what the model wrote, an invalid SID and a repeat included.
      const written = options.unconstrained ? [invalid, items[0]!.sid, items[0]!.sid] : undefined;
      return { ...answer, timings, turns, ...(written ? { written } : {}) } satisfies EngineResult;
    },
  };
  return { engine, calls };
}

describe("runEval", () => {
  it("asks each backend as the contract says: ranked top-10 for the model and catalog, free writing for unconstrained", async () => {
    const { engine, calls } = scripted();
    await runEval({ engine, rows, backends: ["model", "model-unconstrained", "catalog"], seed: 40 });
    expect(
      calls.map(({ task, options }) => [task.kind, task.k, task.ranked, options.backend, options.unconstrained, options.seed]),
    ).toEqual([
      ["next", 10, true, "llama", undefined, 40],
      ["next", 10, true, "llama", undefined, 41],
      ["next", 10, undefined, "llama", true, 40],
      ["next", 10, undefined, "llama", true, 41],
      ["next", 10, true, "catalog", undefined, 40],
      ["next", 10, true, "catalog", undefined, 41],
    ]);
    expect(calls[1]!.task.items).toEqual([a, b]);
  });

  it("judges unconstrained answers by what the model wrote: invalid SIDs and repeats count", async () => {
    const { engine } = scripted();
    const report = await runEval({ engine, rows, backends: ["model", "model-unconstrained"] });
    const [ranked, free] = report.backends;
    // Ranked: row 1 answers [b, c] (next b: rank 1), row 2 [d, c] (next c: rank 2).
    expect(ranked!.hitAt.slice(0, 2)).toEqual([0.5, 1]);
    expect(ranked).toMatchObject({ invalidRate: 0, duplicateRate: 0, coverage: 0.75, unreported: 0 });
    // Unconstrained: row 1 wrote [invalid, b, b] (rank 2), row 2 [invalid, d, d] (miss); 6 written, 2 invalid, 2 repeats.
    expect(free!.hitAt.slice(0, 2)).toEqual([0, 0.5]);
    expect(free!.invalidRate).toBeCloseTo(2 / 6, 12);
    expect(free!.duplicateRate).toBeCloseTo(2 / 6, 12);
    expect(free!.coverage).toBe(0.5);
    expect(free!.label).toBe("model (unconstrained)");
  });

  it("reports progress per request and stops when aborted", async () => {
    const { engine } = scripted();
    const seen: string[] = [];
    await runEval({
      engine,
      rows,
      backends: ["catalog", "model"],
      onProgress: (done, total, backend) => seen.push(`${done}/${total} ${backend}`),
    });
    expect(seen).toEqual(["1/4 catalog", "2/4 catalog", "3/4 model", "4/4 model"]);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(runEval({ engine, rows, backends: ["catalog"], signal: controller.signal })).rejects.toThrow("stop");
  });

  it("evaluates the last 10 history items of a longer history, the same ones for every backend, and says how many rows", async () => {
    const { engine, calls } = scripted();
    const long = Array.from({ length: 14 }, (_, i) => [a, b!, c!, d!][i % 4]!);
    const report = await runEval({ engine, rows: [{ line: 1, history: long, next: b! }, rows[1]!], backends: ["model", "catalog"] });
    const asked = calls.filter((call) => (call.task.items?.length ?? 0) > 2);
    expect(asked).toHaveLength(2);
    for (const call of asked) expect(call.task.items).toEqual(long.slice(4));
    expect(report.history).toEqual({ last: 10, shortened: 1 });
    const three = await runEval({ engine: scripted().engine, rows, backends: ["catalog"], history: 1 });
    expect(three.history).toEqual({ last: 1, shortened: 1 });
  });

  it("coverage is over the items the operator lists allow when they apply, and the report records them", async () => {
    const { engine } = scripted();
    // Both rows answer with 3 distinct items (b, c, d) of 4; the lists allow 3.
    const lists = { applied: true, allowPath: "/x/allow.txt", denyPath: null, allowed: 3 };
    const filtered = await runEval({ engine, rows, backends: ["catalog"], operatorLists: lists });
    expect(filtered.backends[0]!.coverage).toBe(1);
    expect(filtered.operatorLists).toEqual(lists);
    const whole = await runEval({ engine: scripted().engine, rows, backends: ["catalog"] });
    expect(whole.backends[0]!.coverage).toBe(0.75);
    expect(whole.operatorLists).toEqual({ applied: false, allowPath: null, denyPath: null, allowed: 4 });
  });

  it("the unconstrained model's coverage stays over the whole catalog: the lists never narrow it", async () => {
    // b and d of 4 items, whatever the lists allow (here 1): 0.5, never above 1.
    const lists = { applied: true, allowPath: "/x/allow.txt", denyPath: null, allowed: 1 };
    const report = await runEval({ engine: scripted().engine, rows, backends: ["model-unconstrained"], operatorLists: lists });
    expect(report.backends[0]!.coverage).toBe(0.5);
  });

  it("a request that fails is a failed row (a miss, listed with its line), never the end of the run", async () => {
    const { engine } = scripted();
    const failing: EvalEngine = {
      ...engine,
      run: async (task, options) => {
        if (task.items?.length === 1) throw new RangeError("Maximum call stack size exceeded");
        return engine.run(task, options);
      },
    };
    const report = await runEval({ engine: failing, rows, backends: ["catalog"] });
    expect(report.backends[0]).toMatchObject({
      rows: 2,
      errors: 1,
      firstErrors: [{ line: 1, reason: "RangeError: Maximum call stack size exceeded" }],
    });
  });
});
