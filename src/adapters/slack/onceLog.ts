/**
 * Remembers which refusals were already logged (bounded, oldest forgotten first): Slack gives the
 * same answer on every request until the app or workspace changes, so each is worth one line.
 */
import { LRUCache } from "lru-cache";

// Workspaces × features (or codes) a long-running process keeps track of.
const REMEMBERED = 10_000;

export class OnceLog {
  private readonly seen = new LRUCache<string, true>({ max: REMEMBERED });

  /** True the first time `key` is seen (the caller logs then), false afterwards. */
  first(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.set(key, true);
    return true;
  }

  has(key: string): boolean {
    return this.seen.has(key);
  }
}
