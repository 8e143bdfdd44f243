/**
 * Hit@K for K = 1 … k as a small standalone SVG: one polyline per backend, axes with ticks, a
 * legend. No dependencies; every text is XML-escaped so the file is always well-formed XML.
 */
import type { EvalReport } from "./runEval.js";

const MIN_WIDTH = 640;
const HEIGHT = 400;
const PLOT_WIDTH = 414;
const MARGIN = { left: 56, top: 36, bottom: 48 };
const FONT_SIZE = 12;
const TITLE_FONT_SIZE = 14;
// Legend: the line sample starts this far right of the plot, its text this far right of the sample's start.
const LEGEND_GAP = 16;
const LEGEND_TEXT = 30;
const PAD = 12;
/**
 * A generous estimate of a sans-serif character's advance, as a share of the font size (most
 * glyphs are narrower): the canvas is sized from it so labels never run past the edge.
 */
export const CHAR_ADVANCE = 0.62;

/** The estimated width of `text` in px at `fontSize`. */
export function estimatedTextWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * CHAR_ADVANCE;
}
// Colour-blind-safe (Okabe–Ito).
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

export function hitChart(report: EvalReport, title = "Hit@K"): string {
  const k = report.k;
  const plotW = PLOT_WIDTH;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const legends = report.backends.map((b) => `${b.label} (${(b.hitAt[k - 1] ?? 0).toFixed(3)})`);
  const longestLegend = Math.max(0, ...legends.map((l) => estimatedTextWidth(l, FONT_SIZE)));
  // Wide enough for the longest legend entry and the title; never narrower than the usual 640 px.
  const width = Math.ceil(
    Math.max(
      MIN_WIDTH,
      MARGIN.left + plotW + LEGEND_GAP + LEGEND_TEXT + longestLegend + PAD,
      MARGIN.left + estimatedTextWidth(title, TITLE_FONT_SIZE) + PAD,
    ),
  );
  const x = (K: number) => MARGIN.left + (k === 1 ? plotW / 2 : ((K - 1) / (k - 1)) * plotW);
  const y = (v: number) => MARGIN.top + (1 - v) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" ` +
      `font-family="sans-serif" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="${TITLE_FONT_SIZE}" font-weight="bold">${escapeXml(title)}</text>`,
  );
  // Axes, grid and ticks: y from 0 to 1 by 0.2, x at every K.
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(v)}" x2="${MARGIN.left + plotW}" y2="${y(v)}" stroke="#e0e0e0"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`,
    );
  }
  for (let K = 1; K <= k; K++) {
    parts.push(
      `<line x1="${x(K)}" y1="${MARGIN.top + plotH}" x2="${x(K)}" y2="${MARGIN.top + plotH + 5}" stroke="#333333"/>`,
      `<text x="${x(K)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${K}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">K (list length)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">Hit@K</text>`,
  );
  report.backends.forEach((b, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const points = b.hitAt.map((v, j) => `${round(x(j + 1))},${round(y(v))}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>`);
    for (const [j, v] of b.hitAt.entries()) parts.push(`<circle cx="${round(x(j + 1))}" cy="${round(y(v))}" r="2.5" fill="${colour}"/>`);
    const ly = MARGIN.top + 10 + i * 20;
    const lx = MARGIN.left + plotW + LEGEND_GAP;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${lx + LEGEND_TEXT}" y="${ly + 4}">${escapeXml(legends[i]!)}</text>`,
    );
  });
  parts.push("</svg>");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${parts.join("\n")}\n`;
}

/** Text safe inside an XML element or a double-quoted attribute (control characters XML forbids are dropped). */
export function escapeXml(text: string): string {
  return [...text]
    .filter(isXmlChar)
    .join("")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** XML 1.0's Char production: tab, newline, carriage return, and no other control characters. */
function isXmlChar(char: string): boolean {
  const code = char.codePointAt(0)!;
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  return !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffe && code !== 0xffff;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
