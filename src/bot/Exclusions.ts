/**
 * What an answer must not contain: the games a request names (every catalog edition of them),
 * what the conversation already named or answered with on a follow-up, and down-voted games.
 */
import type { CatalogItem } from "../engine/catalog/Catalog.js";
import type { Engine } from "../engine/Engine.js";
import type { RecommendedItem } from "../engine/types.js";
import { gameKey } from "../engine/titles/resolveGame.js";
import type { ConversationState } from "./memory/MemoryStore.js";

export class Exclusions {
  /** Catalog items by game key, built on first use (one pass over the catalog). */
  private byGameKey?: Map<string, CatalogItem[]>;

  constructor(private readonly engine: Engine) {}

  /** Catalog items of `sids` (unknown SIDs skipped). */
  items(sids: readonly string[]): CatalogItem[] {
    return sids.map((sid) => this.engine.catalog.catalog.get(sid)).filter((i): i is CatalogItem => i !== undefined);
  }

  /**
   * A task's `avoid`: down-voted games and, on a follow-up, what the conversation already saw, plus every other edition of those and of
   * `named`.
   */
  avoidFor(named: readonly CatalogItem[], state: ConversationState, followUp: boolean): CatalogItem[] {
    const disliked = this.items(downVoted(state));
    const seen = followUp ? this.items(seenInConversation(state)) : [];
    return this.editionsOf([...named, ...disliked, ...seen], [...disliked, ...seen]);
  }

  /** `avoid` plus every catalog edition of the games in `named` ("Halo Reach" Limited and Legendary are one game). */
  private editionsOf(named: readonly CatalogItem[], avoid: readonly CatalogItem[]): CatalogItem[] {
    const out = [...avoid];
    if (named.length === 0) return out;
    const keys = new Set(named.map((i) => gameKey(i.title)));
    const byKey = this.gameKeys();
    for (const key of keys) for (const item of byKey.get(key) ?? []) if (!named.includes(item) && !out.includes(item)) out.push(item);
    return out;
  }

  private gameKeys(): Map<string, CatalogItem[]> {
    if (this.byGameKey) return this.byGameKey;
    const map = new Map<string, CatalogItem[]>();
    for (const item of this.engine.catalog.catalog.items) {
      const key = gameKey(item.title);
      const list = map.get(key);
      if (list) list.push(item);
      else map.set(key, [item]);
    }
    this.byGameKey = map;
    return map;
  }
}

/** Items that are not an edition of an excluded game nor of an earlier item of the answer. */
export function distinctGames(items: readonly RecommendedItem[], excluded: readonly CatalogItem[]): RecommendedItem[] {
  const seen = new Set(excluded.map((i) => gameKey(i.title)));
  const sids = new Set(excluded.map((i) => i.sid));
  const out: RecommendedItem[] = [];
  for (const item of items) {
    const key = gameKey(item.title);
    if (sids.has(item.sid) || seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

/** SIDs the conversation named or answered with: its turns' SIDs and the last answer with its basis. */
function seenInConversation(state: ConversationState): string[] {
  const sids = new Set<string>([...(state.lastAnswer?.sids ?? []), ...(state.lastAnswer?.basis ?? [])]);
  for (const turn of state.turns) for (const part of turn.parts) if ("sid" in part) sids.add(part.sid);
  return [...sids];
}

/** Items someone down-voted in this conversation: never recommended there again. */
function downVoted(state: ConversationState): string[] {
  return state.feedback.filter((f) => f.value === "down").map((f) => f.sid);
}
