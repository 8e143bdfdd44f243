import pRetry from "p-retry";

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
export function retryWithBackoff<T>(fn: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const { attempts, firstDelayMs, maxDelayMs = 30_000, signal, retryable, onRetry } = options;
  return pRetry(fn, {
    retries: attempts - 1,
    minTimeout: firstDelayMs,
    factor: 2,
    maxTimeout: maxDelayMs,
    signal,
    // Asked only when a try is left, so onRetry announces a retry that really follows.
    shouldRetry: ({ error, attemptNumber, retryDelay }) => {
      if (!retryable(error)) return false;
      onRetry?.(error, attemptNumber, retryDelay);
      return true;
    },
  });
}
