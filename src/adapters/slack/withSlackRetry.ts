/**
 * Slack can answer `chat.update`/`chat.postMessage` with HTTP 200 `{ok:false, error:"ratelimited"}`,
 * which the Web API client does not retry. Retry those after the advised delay (Retry-After,
 * surfaced as `response_metadata.retryAfter`), a few times.
 */
const MAX_ATTEMPTS = 4;
const DEFAULT_DELAY_S = 1;

export async function withSlackRetry<T>(call: () => Promise<T>, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const data = (error as { data?: { error?: string; response_metadata?: { retryAfter?: number } } }).data;
      if (data?.error !== "ratelimited" || attempt >= MAX_ATTEMPTS) throw error;
      await sleep((data.response_metadata?.retryAfter ?? DEFAULT_DELAY_S) * 1000);
    }
  }
}
