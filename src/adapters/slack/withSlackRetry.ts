/**
 * Slack can answer `chat.update`/`chat.postMessage` with HTTP 200 `{ok:false, error:"ratelimited"}`,
 * which the Web API client does not retry. Retry those after the advised delay (Retry-After,
 * surfaced as `response_metadata.retryAfter`), a few times.
 */
import { setTimeout as delay } from "node:timers/promises";
import pRetry from "p-retry";
import { slackErrorCode } from "./slackStartErrors.js";

const MAX_ATTEMPTS = 4;
const DEFAULT_DELAY_S = 1;

export function withSlackRetry<T>(call: () => Promise<T>, sleep = (ms: number) => delay(ms)): Promise<T> {
  return pRetry(call, {
    retries: MAX_ATTEMPTS - 1,
    // No backoff of p-retry's own: the wait is whatever Slack advised, slept in shouldRetry.
    minTimeout: 0,
    shouldRetry: async ({ error }) => {
      if (slackErrorCode(error) !== "ratelimited") return false;
      const retryAfterS = (error as { data?: { response_metadata?: { retryAfter?: number } } }).data?.response_metadata?.retryAfter;
      await sleep((retryAfterS ?? DEFAULT_DELAY_S) * 1000);
      return true;
    },
  });
}
