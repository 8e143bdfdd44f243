/**
 * The user turn for each task, in the phrasings the model was trained on (DESIGN.md §3), and
 * the shape of answer to expect: how many SIDs, and whether free text follows.
 */
import type { CatalogItem } from "../catalog/Catalog.js";
import type { Task, Turn, TurnPart } from "../types.js";

export interface AnswerPlan {
  /** SIDs the answer starts with (joined by ", " as in training). */
  sids: number;
  /** Whether free text (explanation, name) follows or makes the answer. */
  text: boolean;
}

export const DEFAULT_K = 3;

export function buildUserTurn(task: Task): { turn: Turn; plan: AnswerPlan } {
  const k = task.k ?? DEFAULT_K;
  const items = task.items ?? [];
  const parts: TurnPart[] = [];
  const text = (t: string) => parts.push({ text: t });
  const sids = (list: readonly CatalogItem[]) =>
    list.forEach((item, i) => {
      if (i > 0) text(", ");
      parts.push({ sid: item.sid });
    });
  const rec = () => parts.push({ rec: true });

  switch (task.kind) {
    case "next":
      text("User: ");
      sids(items);
      text("\n");
      rec();
      return { turn: { role: "user", parts }, plan: { sids: k, text: false } };
    case "similar":
      if (task.platform) {
        text(`Recommend ${task.platform} games similar to `);
        sids(items);
        text(":\n");
      } else {
        text("Customers who bought ");
        sids(items);
        text(" also bought:\n");
      }
      rec();
      return { turn: { role: "user", parts }, plan: { sids: k, text: false } };
    case "tastes": {
      // Tastes in the trained "I like … games." shape; a platform adds the steering phrasing.
      const tastes = (task.text ?? "").trim();
      const steering = task.platform ? `${/[.!?]$/.test(tastes) ? "" : "."} Recommend ${task.platform} games:` : "";
      text(`${tastes}${steering}\n`.trimStart());
      rec();
      return { turn: { role: "user", parts }, plan: { sids: k, text: false } };
    }
    case "explain":
      text("I just finished ");
      sids(items.slice(0, 1));
      text(". Suggest another ");
      rec();
      text(" and explain why:");
      return { turn: { role: "user", parts }, plan: { sids: 1, text: true } };
    case "bundle":
      text("Suggest a name and description for the bundle");
      if (items.length > 0 && (task.history ?? []).length === 0) {
        text(" of ");
        sids(items);
      }
      return { turn: { role: "user", parts }, plan: { sids: 0, text: true } };
    case "chat": {
      const wantsItems = task.recommend ?? true;
      if (!wantsItems && items.length > 0) {
        // "why that one?": the trained explanation shape, with the item asked about in the <|rec|> slot.
        const basis = task.basis ?? [];
        if (basis.length > 0) {
          text("I just finished ");
          sids(basis.slice(0, 1));
          text(". ");
        }
        text("Suggest another ");
        sids(items.slice(0, 1));
        text(" and explain why:");
        return { turn: { role: "user", parts }, plan: { sids: 0, text: true } };
      }
      text((task.text ?? "").trim());
      if (wantsItems) {
        text(" ");
        rec();
      }
      return { turn: { role: "user", parts }, plan: wantsItems ? { sids: k, text: false } : { sids: 0, text: true } };
    }
    default:
      return task.kind satisfies never;
  }
}
