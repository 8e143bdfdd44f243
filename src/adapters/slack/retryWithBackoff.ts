import { setTimeout as sleep } from "node:timers/promises";

export interface BackoffOptions {
  /** Tries in all (Infinity: until it works or `signal` aborts). */
  attempts: number;
  /** Wait after the first failure; doubles after each one. */
  firstDelayMs: number;
  /** @defaultValue 30000 */
  maxDelayMs?: number;
  /** Ends the waiting at once (the promise rejects with the abort reason). */
  signal?: AbortSignal;
  /** Whether another try can help (a rejected token will not get better). */
  retryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Calls `fn` until it succeeds, fails for good, runs out of tries or is aborted; throws the last error. */
export async function retryWithBackoff<T>(fn: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const { attempts, firstDelayMs, maxDelayMs = 30_000, signal, retryable, onRetry } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= attempts || !retryable(error)) throw error;
      const delayMs = Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs);
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, signal ? { signal } : {});
    }
  }
}
