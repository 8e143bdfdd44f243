/**
 * Hit@K for K = 1 … k as a small standalone SVG: one polyline per backend, axes with ticks, a
 * legend. No dependencies; every text is XML-escaped so the file is always well-formed XML.
 */
import type { EvalReport } from "./runEval.js";

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 56, right: 170, top: 36, bottom: 48 };
// Colour-blind-safe (Okabe–Ito).
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

export function hitChart(report: EvalReport, title = "Hit@K"): string {
  const k = report.k;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (K: number) => MARGIN.left + (k === 1 ? plotW / 2 : ((K - 1) / (k - 1)) * plotW);
  const y = (v: number) => MARGIN.top + (1 - v) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
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
    const lx = MARGIN.left + plotW + 16;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${escapeXml(b.label)} (${(b.hitAt[k - 1] ?? 0).toFixed(3)})</text>`,
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
