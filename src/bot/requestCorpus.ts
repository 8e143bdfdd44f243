/**
 * Scores the request layer against a labelled corpus (test/corpus/requests.jsonl): each
 * utterance, with the last answer it follows (if any), must plan to the labelled task, games,
 * platform, count and tastes. Used by the corpus test and `npm run bench`.
 */
import type { Catalog, CatalogItem } from "../engine/catalog/Catalog.js";
import { gameKey } from "../engine/titles/resolveGame.js";
import type { TitleIndex } from "../engine/titles/TitleIndex.js";
import { planRequest } from "./planRequest.js";
import { understand } from "./understand.js";
import { SidbotError } from "../errors.js";

export interface CorpusEntry {
  text: string;
  category: string;
  /** Titles of the last answer in the conversation, when the utterance is a follow-up. */
  prior?: string[];
  expect: {
    /** Engine task kind (chat split into `why` and `steer`), or the reply: smalltalk, help, reset, notfound, clarify. */
    task: string;
    /** Games the task is about (catalog titles; any edition of the game counts). */
    games?: string[];
    /** null: no platform filter at all, checked for steers too ("anything but xbox"). */
    platform?: string | null;
    k?: number;
    ranked?: boolean;
    /** Words that must reach the taste prompt. */
    tastes?: string[];
  };
}

export interface Outcome {
  task: string;
  games: string[];
  platform?: string;
  k?: number;
  ranked?: boolean;
  text?: string;
}

export function planOutcome(entry: Pick<CorpusEntry, "text" | "prior">, titles: TitleIndex, catalog: Catalog): Outcome {
  const byTitle = (t: string): CatalogItem => {
    const item = catalog.items.find((i) => i.title === t);
    if (!item) throw new SidbotError("corpus_invalid", `corpus prior title not in the catalog: ${t}`);
    return item;
  };
  const last = (entry.prior ?? []).map(byTitle);
  const u = understand(entry.text, { titles, catalog });
  const plan = planRequest(u, { last, basis: [] });
  if (plan.kind === "reply") {
    const task = u.act === "reset" || u.act === "help" || u.act === "smalltalk" || u.act === "notfound" ? u.act : "clarify";
    // A near miss asked about ("did you mean …?") names its best candidate.
    return { task, games: u.act === "notfound" ? (u.missing?.candidates ?? []).slice(0, 1).map((i) => i.title) : [] };
  }
  const t = plan.task;
  const task = t.kind === "chat" ? (t.recommend === false ? "why" : "steer") : t.kind;
  return {
    task,
    games: (t.items ?? []).map((i) => i.title),
    ...(t.platform ? { platform: t.platform } : {}),
    ...(t.k !== undefined ? { k: t.k } : {}),
    ...(t.ranked ? { ranked: true } : {}),
    ...(t.text !== undefined ? { text: t.text } : {}),
  };
}

/** Empty when the outcome matches the label, else what differs. */
export function mismatches(entry: CorpusEntry, got: Outcome): string[] {
  const e = entry.expect;
  const out: string[] = [];
  if (got.task !== e.task) out.push(`task ${got.task} ≠ ${e.task}`);
  if (e.games !== undefined) {
    const want = e.games.map(gameKey);
    const have = got.games.map(gameKey);
    if (want.length !== have.length || want.some((k, i) => k !== have[i]))
      out.push(`games [${got.games.join(" | ")}] ≠ [${e.games.join(" | ")}]`);
  }
  if ((e.platform ?? undefined) !== got.platform && !(e.platform === undefined && e.task === "steer"))
    out.push(`platform ${got.platform} ≠ ${e.platform}`);
  if (e.k !== got.k) out.push(`k ${got.k} ≠ ${e.k}`);
  if (Boolean(e.ranked) !== Boolean(got.ranked)) out.push(`ranked ${Boolean(got.ranked)} ≠ ${Boolean(e.ranked)}`);
  for (const w of e.tastes ?? [])
    if (!(got.text ?? "").toLowerCase().includes(w.toLowerCase())) out.push(`tastes “${got.text}” lacks ${w}`);
  return out;
}

export interface CategoryScore {
  category: string;
  total: number;
  correct: number;
  failures: { text: string; why: string[] }[];
}

export function scoreCorpus(
  entries: readonly CorpusEntry[],
  titles: TitleIndex,
  catalog: Catalog,
): { categories: CategoryScore[]; total: number; correct: number } {
  const by = new Map<string, CategoryScore>();
  for (const entry of entries) {
    const score = by.get(entry.category) ?? { category: entry.category, total: 0, correct: 0, failures: [] };
    by.set(entry.category, score);
    score.total++;
    const why = mismatches(entry, planOutcome(entry, titles, catalog));
    if (why.length === 0) score.correct++;
    else score.failures.push({ text: entry.text, why });
  }
  const categories = [...by.values()];
  return { categories, total: entries.length, correct: categories.reduce((n, c) => n + c.correct, 0) };
}

export function parseCorpus(text: string): CorpusEntry[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as CorpusEntry);
}
