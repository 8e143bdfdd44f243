/**
 * Hands out a fixed set of resources (context sequences) one request at a time; waiters are
 * served first come, first served. A caller may say which free resource it prefers.
 */
export class Pool<T> {
  private readonly free: T[];
  private readonly waiters: {
    resolve: (value: T) => void;
    reject: (reason: unknown) => void;
    signal?: AbortSignal | undefined;
    onAbort?: () => void;
  }[] = [];

  constructor(resources: readonly T[]) {
    this.free = [...resources];
  }

  /** Requests waiting for a resource. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** `prefer` picks among the free resources by index (the last one freed when absent or out of range). */
  acquire(signal?: AbortSignal, prefer?: (free: readonly T[]) => number): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.free.length > 0) {
      const index = prefer?.(this.free) ?? -1;
      const [resource] = index >= 0 && index < this.free.length ? this.free.splice(index, 1) : [this.free.pop()!];
      return Promise.resolve(resource!);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(resource: T): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.free.push(resource);
      return;
    }
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(resource);
  }
}
