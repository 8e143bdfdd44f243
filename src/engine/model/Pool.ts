/** Hands out a fixed set of resources (context sequences) one request at a time, FIFO. */
export class Pool<T> {
  private readonly free: T[];
  private readonly waiters: { resolve: (value: T) => void; reject: (reason: unknown) => void; signal?: AbortSignal | undefined; onAbort?: () => void }[] = [];

  constructor(resources: readonly T[]) {
    this.free = [...resources];
  }

  /** Requests waiting for a resource. */
  get waiting(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const resource = this.free.pop();
    if (resource !== undefined) return Promise.resolve(resource);
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
