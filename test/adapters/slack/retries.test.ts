import { describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { retryWithBackoff } from "../../../src/adapters/slack/retryWithBackoff.js";
import { withSlackRetry } from "../../../src/adapters/slack/withSlackRetry.js";

/** What the Web API client throws for HTTP 200 `{ok:false, error}` (optionally with Retry-After). */
function platformError(error: string, retryAfter?: number) {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: webApi.ErrorCode.PlatformError,
    data: { ok: false, error, ...(retryAfter !== undefined ? { response_metadata: { retryAfter } } : {}) },
  });
}

/** A call failing with `errors` in turn, then answering "ok". */
function failing(...errors: Error[]) {
  let calls = 0;
  const call = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return "ok";
  };
  return { call, calls: () => calls };
}

describe("withSlackRetry", () => {
  it("retries a rate-limited call after the delay Slack advised (Retry-After, else 1 s)", async () => {
    const slept: number[] = [];
    const { call, calls } = failing(platformError("ratelimited", 3), platformError("ratelimited"));
    expect(await withSlackRetry(call, async (ms) => void slept.push(ms))).toBe("ok");
    expect(calls()).toBe(3);
    expect(slept).toEqual([3000, 1000]);
  });

  it("gives up after 4 tries with Slack's error", async () => {
    const slept: number[] = [];
    const limited = platformError("ratelimited", 1);
    const { call, calls } = failing(limited, limited, limited, limited, limited);
    await expect(withSlackRetry(call, async (ms) => void slept.push(ms))).rejects.toBe(limited);
    expect(calls()).toBe(4);
    expect(slept).toHaveLength(3);
  });

  it("does not retry any other failure", async () => {
    const denied = platformError("channel_not_found");
    const { call, calls } = failing(denied);
    await expect(withSlackRetry(call, async () => {})).rejects.toBe(denied);
    expect(calls()).toBe(1);
  });
});

describe("retryWithBackoff", () => {
  it("waits firstDelayMs, then doubles (capped at maxDelayMs), until a try succeeds", async () => {
    const waits: number[] = [];
    const { call, calls } = failing(new Error("a"), new Error("b"), new Error("c"));
    const result = await retryWithBackoff(call, {
      attempts: 5,
      firstDelayMs: 5,
      maxDelayMs: 12,
      retryable: () => true,
      onRetry: (_e, _attempt, ms) => waits.push(ms),
    });
    expect(result).toBe("ok");
    expect(calls()).toBe(4);
    expect(waits).toEqual([5, 10, 12]);
  });

  it("throws the last error after `attempts` tries, and at once for an error that is not retryable", async () => {
    const last = new Error("third");
    const spent = failing(new Error("first"), new Error("second"), last);
    await expect(retryWithBackoff(spent.call, { attempts: 3, firstDelayMs: 1, retryable: () => true })).rejects.toBe(last);
    expect(spent.calls()).toBe(3);

    const fatal = new Error("rejected token");
    const once = failing(fatal);
    await expect(retryWithBackoff(once.call, { attempts: 3, firstDelayMs: 1, retryable: (e) => e !== fatal })).rejects.toBe(fatal);
    expect(once.calls()).toBe(1);
  });

  it("an abort ends the waiting at once with the abort reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stopping");
    const { call } = failing(new Error("down"), new Error("down"));
    const retrying = retryWithBackoff(call, {
      attempts: Infinity,
      firstDelayMs: 60_000,
      signal: controller.signal,
      retryable: () => true,
      onRetry: () => controller.abort(reason),
    });
    await expect(retrying).rejects.toBe(reason);
  });
});
