import { finishesWithin } from "../util/finishesWithin.js";

/**
 * The event handlers an adapter is running, so `stop()` can let them deliver their answers
 * before disconnecting (bounded: a stuck platform call does not hold up shutdown).
 */
export class Inflight {
  private readonly running = new Set<Promise<unknown>>();

  /** Remembers `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return work;
  }

  /** Resolves true when every tracked handler has settled, false if `timeoutMs` came first. */
  async settled(timeoutMs: number): Promise<boolean> {
    return finishesWithin(Promise.all(this.running), timeoutMs);
  }
}
