/**
 * The process's own life: signals, failures no handler caught, and how it ends. Installed before
 * anything slow starts (catalog, model), so a signal during start-up also ends the process in
 * order. The first SIGINT/SIGTERM asks for an orderly stop (exit 0); a second one, or a stop that
 * overruns its budget, exits at once. An uncaught exception is logged as fatal and asks for the
 * same orderly stop with exit code 1; an unhandled rejection is logged with its stack and the
 * process keeps serving. A signal that came before the lifecycle existed (held by
 * holdStartupSignals from the launcher's first line) is acted on as soon as it is installed.
 */
import { describeError } from "../errors.js";
import type { Logger } from "../util/logger.js";

export interface ProcessLifecycleOptions {
  logger: Logger;
  /** Longest an orderly stop may take once asked for, in ms. */
  stopBudgetMs: number;
  /** Where signals and process-level failures come from. @defaultValue process */
  proc?: NodeJS.Process;
}

export class ProcessLifecycle {
  private readonly controller = new AbortController();
  private readonly logger: Logger;
  private readonly proc: NodeJS.Process;
  private readonly stopBudgetMs: number;
  private watchdog: NodeJS.Timeout | undefined;
  /** 0 unless something failed (a platform start, an uncaught exception). */
  exitCode = 0;

  constructor({ logger, stopBudgetMs, proc = process }: ProcessLifecycleOptions) {
    this.logger = logger;
    this.proc = proc;
    this.stopBudgetMs = stopBudgetMs;
    proc.on("SIGINT", this.onSignal);
    proc.on("SIGTERM", this.onSignal);
    proc.on("unhandledRejection", this.onRejection);
    proc.on("uncaughtException", this.onException);
    const early = takeStartupSignal(proc);
    if (early) this.onSignal(early);
  }

  /** Aborted once a stop was asked for. */
  get stopping(): AbortSignal {
    return this.controller.signal;
  }

  /** Asks for an orderly stop; the exit code is the highest asked for. */
  stop(code = 0): void {
    this.exitCode = Math.max(this.exitCode, code);
    if (this.controller.signal.aborted) return;
    this.controller.abort();
    this.watchdog = setTimeout(() => {
      this.logger.error({ budgetMs: this.stopBudgetMs }, "shutdown took too long; exiting now");
      this.proc.exit(this.exitCode || 1);
    }, this.stopBudgetMs);
    this.watchdog.unref();
  }

  /** Removes the handlers (the rejection logger stays: closing connections may still reject). */
  dispose(): void {
    clearTimeout(this.watchdog);
    this.proc.off("SIGINT", this.onSignal);
    this.proc.off("SIGTERM", this.onSignal);
    this.proc.off("uncaughtException", this.onException);
  }

  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.controller.signal.aborted) {
      this.logger.warn({ signal }, "second signal: exiting now");
      this.proc.exit(this.exitCode || 1);
      return;
    }
    this.logger.info({ signal }, "shutting down");
    this.stop(0);
  };

  private readonly onRejection = (reason: unknown) => {
    this.logger.error({ err: describeError(reason), stack: stackOf(reason) }, "unhandled promise rejection; still serving");
  };

  private readonly onException = (error: unknown) => {
    this.logger.fatal({ err: describeError(error), stack: stackOf(error) }, "uncaught exception; shutting down");
    this.stop(1);
  };
}

function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}

/** SIGINT/SIGTERM received while the process was still starting, before any ProcessLifecycle. */
interface StartupSignals {
  proc: NodeJS.Process;
  received: NodeJS.Signals | undefined;
  listener: (signal: NodeJS.Signals) => void;
}

let startup: StartupSignals | undefined;

/**
 * Called first thing by bin/sidbot.js, before the CLI's imports: a SIGINT/SIGTERM that comes while
 * the process is still starting is kept for the ProcessLifecycle the command installs (an orderly
 * stop, exit 0) instead of killing the process (exit 143). A second one exits at once, as later.
 */
export function holdStartupSignals(proc: NodeJS.Process = process): void {
  if (startup) return;
  const held: StartupSignals = {
    proc,
    received: undefined,
    listener: (signal) => {
      if (held.received) {
        proc.exit(1);
        return;
      }
      held.received = signal;
    },
  };
  startup = held;
  proc.on("SIGINT", held.listener);
  proc.on("SIGTERM", held.listener);
}

/**
 * For commands that install no ProcessLifecycle (one-shot commands, the interactive chat): signals
 * get their default effect again, and one that already came is raised again so the process ends
 * as it would have without the hold.
 */
export function releaseStartupSignals(): void {
  const held = startup;
  const signal = takeStartupSignal(held?.proc);
  if (held && signal) held.proc.kill(held.proc.pid, signal);
}

function takeStartupSignal(proc: NodeJS.Process | undefined): NodeJS.Signals | undefined {
  const held = startup;
  if (!held || held.proc !== proc) return undefined;
  startup = undefined;
  held.proc.off("SIGINT", held.listener);
  held.proc.off("SIGTERM", held.listener);
  return held.received;
}
