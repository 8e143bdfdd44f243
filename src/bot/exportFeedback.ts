/** Stored 👍/👎 votes as JSON lines for offline evaluation: who voted what on which items, when. */
import type { Catalog } from "../engine/catalog/Catalog.js";
import type { MemoryStore } from "./memory/MemoryStore.js";

export interface FeedbackLine {
  conversation: string;
  user: string;
  items: { sid: string; title: string | null }[];
  vote: "up" | "down";
  /** ISO 8601. */
  time: string;
}

/** Writes one JSON line per vote cast at or after `sinceMs`, oldest first; returns the count. */
export async function exportFeedback(
  memory: MemoryStore,
  catalog: Catalog,
  sinceMs: number,
  write: (line: string) => void,
): Promise<number> {
  const records = await memory.feedbackSince(sinceMs);
  for (const r of records) {
    const line: FeedbackLine = {
      conversation: r.conversation,
      user: r.userId,
      items: r.sids.map((sid) => ({ sid, title: catalog.get(sid)?.title ?? null })),
      vote: r.value,
      time: new Date(r.at).toISOString(),
    };
    write(`${JSON.stringify(line)}\n`);
  }
  return records.length;
}

/** `2026-11-01`, `2026-11-01T12:00:00Z`, or a span back from now: `30m`, `24h`, `7d`. */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const span = /^(\d+)\s*([mhd])$/.exec(value.trim());
  if (span) return now - Number(span[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as "m" | "h" | "d"];
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}
