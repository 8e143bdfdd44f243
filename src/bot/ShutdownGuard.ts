/**
 * Graceful stop for the bot: tracks the requests being answered so shutdown can refuse new
 * ones, let running ones finish within a grace period, then cancel the rest politely.
 */
import { ShutdownError } from "../errors.js";
import { finishesWithin } from "../util/finishesWithin.js";
import type { RequestGate } from "./RequestGate.js";

export class ShutdownGuard {
  /** Requests being answered, so shutdown can cancel them politely. */
  private readonly inflight = new Set<AbortController>();
  /** Settles when each running request has returned (memory written, reply built). */
  private readonly handling = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly gate: RequestGate) {}

  /** True once shutdown began: new requests get "restarting". */
  get closing(): boolean {
    return this.stopping;
  }

  /**
   * Runs `work` with a signal that fires when the caller's does or shutdown cancels it. Resolves
   * with `cancelled` set when the shutdown (not the caller) aborted a failed request.
   */
  async run<T>(
    callerSignal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<{ value: T } | { cancelled: true }> {
    const controller = new AbortController();
    const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
    this.inflight.add(controller);
    const running = work(signal);
    const settled = running.then(
      () => {},
      () => {},
    );
    this.handling.add(settled);
    try {
      return { value: await running };
    } catch (error) {
      if (controller.signal.aborted && !callerSignal?.aborted) return { cancelled: true };
      throw error;
    } finally {
      this.inflight.delete(controller);
      this.handling.delete(settled);
    }
  }

  /** Stops taking requests, lets running ones finish until `graceMs`, then cancels the rest and waits for them. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await finishesWithin(this.gate.idle(), graceMs);
    for (const controller of this.inflight) controller.abort(new ShutdownError());
    await this.gate.idle();
    await Promise.all(this.handling);
  }
}
