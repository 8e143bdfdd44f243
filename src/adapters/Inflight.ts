/**
 * The event handlers an adapter is running, so `stop()` can let them deliver their answers
 * before disconnecting (bounded: a stuck platform call does not hold up shutdown).
 */
export class Inflight {
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `work` and remembers it until it settles; never rejects (handlers contain their errors). */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when every tracked handler has settled, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.running), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}
