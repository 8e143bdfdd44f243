import { describe, expect, it } from "vitest";
import { hitChart } from "../../../src/engine/eval/hitChart.js";
import type { BackendReport, EvalReport } from "../../../src/engine/eval/runEval.js";
import { assertWellFormedXml } from "../../support/xmlWellFormed.js";

function backend(label: string, hitAt: number[]): BackendReport {
  return {
    backend: "catalog",
    label,
    rows: 1,
    errors: 0,
    hitAt,
    ndcg: 0,
    mrr: 0,
    coverage: 0,
    invalidRate: 0,
    duplicateRate: 0,
    written: 0,
    latencyMs: {},
    firstErrors: [],
    unreported: 0,
  };
}

const report: EvalReport = {
  k: 10,
  catalogSize: 100,
  operatorLists: { applied: false, allowPath: null, denyPath: null, allowed: 100 },
  history: { last: 10, shortened: 0 },
  rows: 1,
  unresolvable: 0,
  firstUnresolvable: [],
  backends: [
    backend("model", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]),
    backend('catalog <&> "x"', [0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5]),
  ],
};

describe("hitChart", () => {
  it("is well-formed XML, also with markup characters in the title and labels", () => {
    const svg = hitChart(report, 'rows & <stuff> "quoted"');
    expect(() => assertWellFormedXml(svg)).not.toThrow();
    expect(svg).toContain("rows &amp; &lt;stuff&gt; &quot;quoted&quot;");
  });

  it("draws one polyline of K = 1…10 points per backend, higher Hit@K higher up", () => {
    const svg = hitChart(report);
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) =>
      m[1]!.split(" ").map((p) => p.split(",").map(Number) as [number, number]),
    );
    expect(lines).toHaveLength(2);
    for (const points of lines) expect(points).toHaveLength(10);
    const [model, catalog] = lines as [[number, number][], [number, number][]];
    // x grows with K; SVG y grows downwards, so a higher hit rate has a smaller y.
    expect(model.map(([x]) => x)).toEqual([...model.map(([x]) => x)].sort((a, b) => a - b));
    expect(model[9]![1]).toBeLessThan(model[0]![1]);
    expect(catalog[0]![1]).toBe(catalog[4]![1]);
    expect(catalog[5]![1]).toBeLessThan(catalog[4]![1]);
    // Hit@K = 1 sits on the top tick line, 0 on the axis.
    const topTick = /<text x="[\d.]+" y="([\d.]+)" text-anchor="end">1\.0<\/text>/.exec(svg)!;
    const zeroTick = /<text x="[\d.]+" y="([\d.]+)" text-anchor="end">0\.0<\/text>/.exec(svg)!;
    expect(model[9]![1]).toBeCloseTo(Number(topTick[1]) - 4, 0);
    expect(catalog[0]![1]).toBeCloseTo(Number(zeroTick[1]) - 4, 0);
  });

  it("has a legend entry per backend", () => {
    const svg = hitChart(report);
    expect(svg).toContain(">model (1.000)</text>");
    expect(svg).toContain(">catalog &lt;&amp;&gt; &quot;x&quot; (0.500)</text>");
  });

  it("sizes the canvas so every text fits: a long legend label or title never runs past the edge", () => {
    const long: EvalReport = {
      ...report,
      backends: [backend("model", report.backends[0]!.hitAt), backend("model (unconstrained)", Array(10).fill(0))],
    };
    const cases = [hitChart(long), hitChart(report, `Hit@K — ${"a-rather-long-file-name-".repeat(4)}.jsonl, 500 rows`)];
    for (const svg of cases) {
      expect(() => assertWellFormedXml(svg)).not.toThrow();
      const width = Number(/<svg [^>]*width="([\d.]+)"/.exec(svg)![1]);
      expect(svg).toContain(`viewBox="0 0 ${width} `);
      const texts = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].filter(([, attrs]) => !attrs!.includes("transform"));
      expect(texts.length).toBeGreaterThan(15);
      for (const [, attrs, body] of texts) {
        // An independent estimate: 0.6 em a character (sans-serif glyphs are mostly narrower), 12 px unless set.
        const size = Number(/font-size="(\d+)"/.exec(attrs!)?.[1] ?? 12);
        const chars = [...body!.replace(/&(amp|lt|gt|quot);/g, "x")].length;
        const extent = chars * size * 0.6;
        const x = Number(/x="([\d.-]+)"/.exec(attrs!)![1]);
        const anchor = /text-anchor="(\w+)"/.exec(attrs!)?.[1] ?? "start";
        const [from, to] = anchor === "end" ? [x - extent, x] : anchor === "middle" ? [x - extent / 2, x + extent / 2] : [x, x + extent];
        expect(from, body).toBeGreaterThanOrEqual(0);
        expect(to, body).toBeLessThanOrEqual(width);
      }
    }
    expect(cases[0]).toContain(">model (unconstrained) (0.000)</text>");
  });
});
