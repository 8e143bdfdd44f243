import { setTimeout as delay } from "node:timers/promises";

/**
 * Waits for `work` at most `ms`: true once it fulfils, false if the time ran out first (the work
 * goes on; a later rejection is handled here). Rejects if `work` rejects in time. The timer never
 * outlives the wait, so it keeps no process alive.
 */
export async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([work.then(() => true), delay(ms, false, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}
