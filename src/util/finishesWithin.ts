import pTimeout from "p-timeout";

/**
 * Waits for `work` at most `ms`: true once it fulfils, false if the time ran out first (the work
 * goes on; a later rejection is handled). Rejects if `work` rejects in time. The timer is cleared
 * when the wait ends, so it keeps no process alive. `ms` ≤ 0 waits 1 ms (p-timeout wants a positive time).
 */
export async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  return pTimeout(
    work.then(() => true),
    { milliseconds: Math.max(1, ms), fallback: () => false },
  );
}
