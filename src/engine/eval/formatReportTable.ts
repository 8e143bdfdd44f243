/** The eval report as Markdown: one table row per backend, then what could not be evaluated. */
import type { EvalReport } from "./runEval.js";

export function formatReportTable(report: EvalReport): string {
  const k = report.k;
  const header = [
    "backend",
    "rows",
    "Hit@1",
    "Hit@5",
    `Hit@${k}`,
    `NDCG@${k}`,
    "MRR",
    "coverage",
    "invalid SIDs",
    "duplicates",
    "p50 ms",
    "p99 ms",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`];
  for (const b of report.backends) {
    const cells = [
      b.label,
      b.errors > 0 ? `${b.rows} (${b.errors} failed)` : String(b.rows),
      fixed(b.hitAt[0]),
      fixed(b.hitAt[4]),
      fixed(b.hitAt[k - 1]),
      fixed(b.ndcg),
      fixed(b.mrr),
      percent(b.coverage),
      percent(b.invalidRate),
      percent(b.duplicateRate),
      ms(b.latencyMs.p50),
      ms(b.latencyMs.p99),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  const out = [lines.join("\n"), ""];
  const evaluated = `${report.rows} row${report.rows === 1 ? "" : "s"} evaluated against ${report.catalogSize} catalog items`;
  out.push(report.unresolvable > 0 ? `${evaluated}; ${report.unresolvable} unresolvable:` : `${evaluated}.`);
  for (const u of report.firstUnresolvable) out.push(`- line ${u.line}: ${u.reason}`);
  if (report.unresolvable > report.firstUnresolvable.length)
    out.push(`- … and ${report.unresolvable - report.firstUnresolvable.length} more`);
  const lists = describeOperatorLists(report);
  if (lists) out.push(lists);
  const { last, shortened } = report.history;
  if (shortened > 0)
    out.push(
      `${shortened} row${shortened === 1 ? " has" : "s have"} a history longer than ${last} items: the last ${last} were evaluated.`,
    );
  for (const b of report.backends) {
    if (b.errors > 0) {
      out.push(`${b.label}: ${b.errors} request${b.errors === 1 ? "" : "s"} failed (counted as misses):`);
      for (const e of b.firstErrors) out.push(`- line ${e.line}: ${e.reason}`);
    }
    if (b.unreported > 0)
      out.push(`${b.label}: ${b.unreported} answers did not report the SIDs as written; their invalid-SID rate counts catalog items only.`);
  }
  return `${out.join("\n")}\n`;
}

/** Whether the operator lists filtered the answers; nothing when none are configured. */
function describeOperatorLists({ operatorLists: lists, catalogSize }: EvalReport): string | undefined {
  const keys = [lists.allowPath !== null ? "allow-list" : "", lists.denyPath !== null ? "deny-list" : ""].filter(Boolean).join(" and ");
  if (keys === "") return undefined;
  if (!lists.applied) return `Not filtered by the operator ${keys} (catalog.allowPath/denyPath); --operator-lists applies them.`;
  return `Filtered by the operator ${keys}: ${lists.allowed} of ${catalogSize} items allowed; coverage is of those ${lists.allowed}.`;
}

function fixed(n: number | undefined): string {
  return n === undefined ? "–" : n.toFixed(3);
}

function percent(n: number): string {
  return `${(n * 100).toFixed(1)} %`;
}

function ms(n: number | undefined): string {
  return n === undefined ? "–" : n < 10 ? n.toFixed(2) : n.toFixed(0);
}
