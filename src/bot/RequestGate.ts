/**
 * Fairness in front of the engine: a per-user rate limit and a bounded queue whose concurrency
 * is the model's sequences. A request either runs, waits (and learns its position), or is told
 * politely that the bot is busy — it is never left unanswered.
 */
import PQueue from "p-queue";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface RequestGateOptions {
  /** Requests running at once. */
  concurrency: number;
  /** Requests allowed to wait; more are refused as busy. */
  maxQueue: number;
  /** Requests per user per window. */
  userPoints: number;
  /** Rate-limit window in seconds. */
  userWindowSeconds: number;
}

export interface GateRunOptions {
  /** Called when the request has to wait; 1 = next in line. */
  onQueued?: ((position: number) => void) | undefined;
  /** Epoch ms: a request still waiting then is not run but answered "busy". */
  startBy?: number | undefined;
  /** Skip the per-user rate limit (a private terminal chat has no one to be fair to). */
  unlimited?: boolean;
}

export type GateResult<T> =
  | { kind: "done"; value: T }
  | { kind: "busy"; retryAfterSeconds: number }
  | { kind: "rate_limited"; retryAfterSeconds: number };

export const BUSY_RETRY_SECONDS = 5;

export class RequestGate {
  private readonly queue: PQueue;
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly options: RequestGateOptions) {
    this.queue = new PQueue({ concurrency: options.concurrency });
    this.limiter = new RateLimiterMemory({ points: options.userPoints, duration: options.userWindowSeconds });
  }

  /** Requests waiting (not running). */
  get waiting(): number {
    return this.queue.size;
  }

  get running(): number {
    return this.queue.pending;
  }

  async run<T>(
    userId: string,
    task: () => Promise<T>,
    { onQueued, startBy, unlimited = false }: GateRunOptions = {},
  ): Promise<GateResult<T>> {
    if (!unlimited) {
      try {
        await this.limiter.consume(userId);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes)
          return { kind: "rate_limited", retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        throw rejection;
      }
    }
    if (this.queue.size >= this.options.maxQueue) return { kind: "busy", retryAfterSeconds: BUSY_RETRY_SECONDS };
    const position = this.queue.pending >= this.options.concurrency ? this.queue.size + 1 : 0;
    if (position > 0) onQueued?.(position);
    const late = Symbol("late");
    const value = await this.queue.add(async () => (startBy !== undefined && Date.now() > startBy ? late : task()));
    if (value === late) return { kind: "busy", retryAfterSeconds: BUSY_RETRY_SECONDS };
    return { kind: "done", value: value as T };
  }

  /** Resolves when nothing runs or waits. */
  async idle(): Promise<void> {
    await this.queue.onIdle();
  }
}
