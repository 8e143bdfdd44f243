/**
 * Web API client settings. The client's defaults retry a failed call for about 30 minutes and
 * wait forever for an answer; a chat answer is useless by then, and those retries kept the
 * process alive after stop(). Here: every call gives up after `timeoutMs`, a few quick retries
 * at most, and nothing at all once `stop` is aborted.
 */
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../util/logger.js";
import { boltLogger } from "./boltLogger.js";
import { TimeoutError } from "../../errors.js";

type WebClientOptions = webApi.WebClientOptions;
type RetryOptions = NonNullable<WebClientOptions["retryConfig"]>;

export interface ClientSettings {
  apiUrl: string;
  timeoutMs: number;
  /** Aborting it ends every call in flight and every retry. */
  stop: AbortSignal;
  logger: Logger;
}

/** For answering people: two retries within a few seconds. */
export function runtimeClientOptions(settings: ClientSettings): WebClientOptions {
  // p-retry (under the Web API client) stops retrying when onFailedAttempt throws.
  const retryConfig: RetryOptions & { onFailedAttempt: () => void } = {
    retries: 2,
    factor: 2,
    minTimeout: 500,
    maxTimeout: 2000,
    unref: true,
    onFailedAttempt: () => settings.stop.throwIfAborted(),
  };
  return { ...base(settings), retryConfig };
}

/** For start-up checks and Socket Mode connections: one try per call; the caller decides about more. */
export function singleTryClientOptions(settings: ClientSettings): WebClientOptions {
  return { ...base(settings), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
}

function base({ apiUrl, timeoutMs, stop, logger }: ClientSettings): WebClientOptions {
  return { slackApiUrl: apiUrl, logger: boltLogger(logger), fetch: stoppableFetch(stop, timeoutMs) };
}

/** fetch that gives up after `timeoutMs` and at once when `stop` aborts. */
export function stoppableFetch(stop: AbortSignal, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const abort = () => controller.abort(stop.reason);
    if (stop.aborted) abort();
    else stop.addEventListener("abort", abort, { once: true });
    const timer = setTimeout(() => controller.abort(new TimeoutError(`no answer within ${timeoutMs} ms`, timeoutMs)), timeoutMs);
    try {
      return await fetch(input, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
      stop.removeEventListener("abort", abort);
    }
  };
}
